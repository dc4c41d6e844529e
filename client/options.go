package client

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cssvpcep/cssvpcep/contract"
	idrules "github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/options"
	"github.com/cssvpcep/cssvpcep/internal/quote"
	"github.com/cssvpcep/cssvpcep/internal/redact"
	"github.com/cssvpcep/cssvpcep/signer"
)

// Defaults of the options.
const (
	// DefaultTimeout bounds each attempt (see WithTimeout).
	DefaultTimeout = 30 * time.Second
	// DefaultMaxAttempts is how many times a call is tried (see WithRetry).
	DefaultMaxAttempts = 3
	// DefaultMinRetryWait is the base of the exponential backoff (see WithRetry).
	DefaultMinRetryWait = 250 * time.Millisecond
	// DefaultMaxRetryWait caps every wait between attempts, Retry-After included (see WithRetry).
	DefaultMaxRetryWait = 10 * time.Second
	// DefaultMaxResponseSize is the largest response body read (see WithMaxResponseSize).
	DefaultMaxResponseSize int64 = 16 << 20
)

// Option configures New, NewFromEnv and NewFromEnvFunc. Each option checks its argument, so
// that New fails with a *ConfigError naming the option rather than a call failing later.
type Option func(*config) error

// ConfigError is one problem with the configuration of New, NewFromEnv or NewFromEnvFunc: an
// option given a wrong value, an environment variable holding one, or something required that
// nothing gives. Those functions return a *ConfigError for a single problem and errors.Join of
// them for several (one level: its Unwrap() []error lists every *ConfigError), so that all
// problems are reported at once; errors.As finds the first.
//
// Something missing wraps ErrNoEndpoint, ErrNoProjectID or ErrNoCredentials (errors.Is).
type ConfigError struct {
	// Option is the option given a wrong value, such as "WithEndpoint", or, for a variable
	// holding one, the option it stands in for (WithEndpoint for CSS_ENDPOINT, WithRegion for
	// OS_REGION_NAME, WithProjectID for OS_PROJECT_ID, WithToken for OS_AUTH_TOKEN,
	// WithAccessKey for OS_ACCESS_KEY and OS_SECRET_KEY). Empty when no one value is wrong:
	// something missing, an access key without its secret key (or the reverse), two kinds of
	// credentials.
	Option string
	// Variable is the environment variable holding the wrong value, such as "OS_ACCESS_KEY";
	// empty when an option gave it, and when no one value is wrong.
	Variable string
	// Err says what is wrong. It names neither Option nor Variable ("the URL has no host",
	// `region "EU" does not match ...`), except when no one value is wrong, for it then names
	// the options or variables involved ("OS_ACCESS_KEY is set but OS_SECRET_KEY is not"). It
	// never quotes a credential.
	Err error

	// env marks a problem of the environment, for Error.
	env bool
}

// Error returns "client: <Option>: <Err>" for a wrong option, "client: NewFromEnv:
// <Variable>: <Err>" for a wrong variable, and "client: [NewFromEnv: ]<Err>" for the rest.
func (e *ConfigError) Error() string {
	s := "client: "
	if e.env || e.Variable != "" {
		s += "NewFromEnv: "
	}
	switch {
	case e.Variable != "":
		s += e.Variable + ": "
	case e.Option != "" && !e.env:
		s += e.Option + ": "
	}
	if e.Err == nil {
		return s + "<nil>"
	}
	return s + e.Err.Error()
}

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// The missing settings. A *ConfigError of New or NewFromEnv wraps each (errors.Is finds it),
// its message adding the package's prefix and what would give the setting.
var (
	// ErrNoEndpoint means that neither WithEndpoint nor WithRegion (nor, for NewFromEnv,
	// CSS_ENDPOINT or OS_REGION_NAME) gives the endpoint. With WithPassword and neither, New
	// succeeds and the token's catalog is to name it: a call then fails with an error wrapping
	// ErrNoEndpoint (not a *ConfigError, and not retryable) when the catalog names none.
	ErrNoEndpoint = errors.New("no endpoint")
	// ErrNoProjectID means that neither WithProjectID (nor, for NewFromEnv, OS_PROJECT_ID)
	// gives the project ID.
	ErrNoProjectID = errors.New("no project ID")
	// ErrNoIAMEndpoint means that a password or a project name has no IAM to go to: neither
	// WithIAMEndpoint nor WithRegion (nor, for NewFromEnv, OS_AUTH_URL, the cloud's auth_url
	// or a region) names one.
	ErrNoIAMEndpoint = errors.New("no IAM endpoint")
	// ErrNoCredentials means that neither WithToken nor WithAccessKey (nor, for NewFromEnv,
	// OS_AUTH_TOKEN or OS_ACCESS_KEY with OS_SECRET_KEY) gives credentials.
	ErrNoCredentials = errors.New("no credentials")
)

// optionError is the *ConfigError of option given a wrong value.
func optionError(option, format string, args ...any) *ConfigError {
	return &ConfigError{Option: option, Err: fmt.Errorf(format, args...)}
}

// config is what the options set. It is never modified after New returns.
type config struct {
	endpoint      *url.URL // absolute, http or https, path ending in "/"
	region        string   // set by WithRegion, for String only
	projectID     string
	projectHeader bool

	token     redact.Secret
	keys      signer.Credentials
	secretKey redact.Secret // the keys' secret, which signer.Credentials cannot give back, for masking
	hasToken  bool
	// password sign-in (WithPassword): IAM gives the token, and its project.
	password    *passwordAuth
	projectName string   // WithProjectName: the project's ID comes from IAM
	iam         *url.URL // WithIAMEndpoint, or derived from the region
	// endpointGuessed: NewFromEnv took the endpoint from the region a project name starts
	// with, for want of anything better; with a password, the token's catalog wins over it.
	// With a password and no endpoint at all, the catalog's is the only one (catalogOnly).
	endpointGuessed bool
	// source says where the configuration came from, for Describe: "options", or what
	// NewFromEnv read (the environment, a clouds.yaml file and cloud).
	source  string
	hasKeys bool

	httpClient      *http.Client
	userAgent       string
	timeout         time.Duration
	maxAttempts     int
	minWait         time.Duration
	maxWait         time.Duration
	policy          RetryPolicy
	backoff         Backoff
	maxResponseSize int64
	logger          *slog.Logger
	validation      ValidationMode
	report          func(*contract.ValidationError)
	now             func() time.Time // the signing clock
	dryRun          func(PlannedRequest)

	// given records the settings an option was given for, even a wrong value, so that
	// NewFromEnvFunc reads no variable for them.
	given    setting
	iamGiven bool // WithIAMEndpoint: WithRegion does not replace it
}

// setting is a bit set of the settings the environment can give.
type setting uint8

const (
	settingEndpoint setting = 1 << iota
	settingProjectID
	settingCredentials
	settingIAM
)

func defaultConfig() *config {
	return &config{
		userAgent:       defaultUserAgent,
		timeout:         DefaultTimeout,
		maxAttempts:     DefaultMaxAttempts,
		minWait:         DefaultMinRetryWait,
		maxWait:         DefaultMaxRetryWait,
		policy:          DefaultRetryPolicy,
		backoff:         DefaultBackoff,
		maxResponseSize: DefaultMaxResponseSize,
		logger:          slog.New(slog.DiscardHandler),
		now:             time.Now,
	}
}

// apply runs opts in order, collecting every error, so that all wrong options are named at once.
func (c *config) apply(opts []Option) []error { return options.Apply(c, opts) }

// usesIAM reports that the client asks IAM: for a token with WithPassword, or for the ID of
// WithProjectName's project when no WithProjectID gives it.
func (c *config) usesIAM() bool {
	return c.password != nil || c.projectName != "" && c.projectID == ""
}

// catalogOnly reports that the CSS endpoint is the one the catalog of the token IAM issues
// names, and no other: a password and neither WithEndpoint nor WithRegion.
func (c *config) catalogOnly() bool { return c.endpoint == nil && c.password != nil }

// check reports what New needs and no option gave, and contradictions between options.
func (c *config) check() []error {
	var errs []error
	if c.endpoint == nil && c.password == nil {
		// With a password, the token's catalog names the endpoint (catalogOnly).
		errs = append(errs, &ConfigError{Err: fmt.Errorf("%w: use WithEndpoint or WithRegion", ErrNoEndpoint)})
	}
	if c.projectID == "" && c.projectName == "" {
		errs = append(errs, &ConfigError{Err: fmt.Errorf("%w: use WithProjectID or WithProjectName", ErrNoProjectID)})
	}
	var kinds []string
	for _, k := range []struct {
		set    bool
		option string
	}{{c.hasToken, "WithToken"}, {c.hasKeys, "WithAccessKey"}, {c.password != nil, "WithPassword"}} {
		if k.set {
			kinds = append(kinds, k.option)
		}
	}
	switch {
	case len(kinds) > 1:
		errs = append(errs, &ConfigError{Err: fmt.Errorf("%s are given: use one kind of credentials", strings.Join(kinds, " and "))})
	case len(kinds) == 0:
		errs = append(errs, &ConfigError{Err: fmt.Errorf("%w: use WithToken, WithAccessKey or WithPassword", ErrNoCredentials)})
	}
	if c.usesIAM() && c.iam == nil {
		errs = append(errs, &ConfigError{Err: fmt.Errorf("%w: a password and a project name are sent to IAM; use WithIAMEndpoint, or WithRegion for Open Telekom Cloud's", ErrNoIAMEndpoint)})
	}
	return errs
}

// WithEndpoint sets the URL of the CSS endpoint, such as https://css.eu-de.otc.t-systems.com,
// https://css.cn-north-4.myhuaweicloud.com or a local emulator's http://127.0.0.1:8080. It must
// be http or https, have a host, and carry no user information (credentials in a URL end up
// in logs), no query and no fragment. A path is a prefix for every request (for a proxy:
// https://proxy.example/css sends to https://proxy.example/css/v1.0/...). The last of
// WithEndpoint and WithRegion wins.
func WithEndpoint(rawURL string) Option {
	return func(c *config) error {
		c.given |= settingEndpoint
		u, err := parseEndpoint(rawURL)
		if err != nil {
			return &ConfigError{Option: "WithEndpoint", Err: err}
		}
		c.endpoint, c.region = u, ""
		return nil
	}
}

// WithRegion sets the endpoint to Open Telekom Cloud's https://css.{region}.otc.t-systems.com
// (eu-de and eu-nl). The region must match ^[a-z]{2,}(-[a-z0-9]+)+$. Regions served under
// another domain (Huawei Cloud's myhuaweicloud.com, for one) need WithEndpoint. The last of
// WithEndpoint and WithRegion wins.
func WithRegion(region string) Option {
	return func(c *config) error {
		c.given |= settingEndpoint
		u, err := regionEndpoint(region)
		if err != nil {
			return &ConfigError{Option: "WithRegion", Err: err}
		}
		c.endpoint, c.region = u, region
		if !c.iamGiven {
			c.iam = iamEndpoint(region)
		}
		return nil
	}
}

// WithIAMEndpoint sets the URL of IAM (Identity and Access Management, Keystone v3), such as
// https://iam.eu-de.otc.t-systems.com/v3, where WithPassword gets its token and WithProjectName
// looks the project up. WithRegion sets Open Telekom Cloud's for its region; with WithEndpoint
// it must be given. The rules of WithEndpoint apply; a path ending in /v3 is usual.
func WithIAMEndpoint(rawURL string) Option {
	return func(c *config) error {
		c.given |= settingIAM
		u, err := parseEndpoint(rawURL)
		if err != nil {
			return &ConfigError{Option: "WithIAMEndpoint", Err: err}
		}
		c.iam, c.iamGiven = u, true
		return nil
	}
}

// iamEndpoint is Open Telekom Cloud's IAM endpoint for a region that idrules.Region accepts.
func iamEndpoint(region string) *url.URL {
	return &url.URL{Scheme: "https", Host: "iam." + region + ".otc.t-systems.com", Path: "/v3/"}
}

// WithProjectID sets the project ID, the {project_id} of every request. It is checked like a
// cluster ID (see CheckID).
func WithProjectID(projectID string) Option {
	return func(c *config) error {
		c.given |= settingProjectID
		if reason := idProblem(projectID); reason != "" {
			return optionError("WithProjectID", "project ID %s", reason)
		}
		c.projectID = projectID
		return nil
	}
}

// WithProjectName names the project by its name instead of its ID (on Open Telekom Cloud a
// project's name is its region's, such as eu-de, or eu-de_<subproject>). With WithPassword the
// token is scoped to it, and the token says its ID; with WithToken or WithAccessKey the ID is
// looked up once, with the credentials, from IAM (GET /v3/projects?name=) and kept. It is
// checked like a cluster ID (see CheckID). WithProjectID wins when both are given.
func WithProjectName(name string) Option {
	return func(c *config) error {
		c.given |= settingProjectID
		if reason := idProblem(name); reason != "" {
			return optionError("WithProjectName", "project name %s", reason)
		}
		c.projectName = name
		return nil
	}
}

// WithPassword signs in with an IAM user's name, password and domain (on Open Telekom Cloud
// the domain is the account's name, such as OTC-EU-DE-00000000001000000001), as OpenStack
// tools do: the client asks IAM (Keystone v3, POST /v3/auth/tokens) for a token scoped to the
// project (WithProjectName or WithProjectID) on first use, keeps it, and asks for a new one
// RenewMargin before it expires, or once when a call is answered 401 (a second 401 is the
// call's error). Calls that need a new token at the same time share one request; a token
// request answered 429 or 5xx, or lost on the network, is tried again as WithRetry says (a
// second token request changes nothing but the token). The project's
// ID, for the requests' paths, is the token's. Without WithEndpoint and WithRegion the
// requests go to the CSS endpoint the token's catalog names (service type css, public); a call
// fails with ErrNoEndpoint when it names none. The password is held like a secret key: never
// in an error, a log or any printing of the client. It must not be given together with
// WithToken or WithAccessKey.
func WithPassword(username, password, userDomain string) Option {
	return func(c *config) error {
		c.given |= settingCredentials
		var problems []string
		for _, f := range []struct{ name, value string }{{"the user name", username}, {"the password", password}, {"the user domain", userDomain}} {
			if reason := headerTextProblem(f.name, f.value); reason != "" {
				problems = append(problems, reason)
			}
		}
		if len(problems) > 0 {
			return optionError("WithPassword", "%s", strings.Join(problems, "; "))
		}
		c.password = &passwordAuth{username: username, password: redact.New(password), domain: userDomain}
		return nil
	}
}

// passwordAuth is what WithPassword gives.
type passwordAuth struct {
	username string
	password redact.Secret
	domain   string
}

// WithProjectIDHeader makes every request carry the project ID in the X-Project-Id header as
// well, which AK/SK requests for a subproject's resources need.
func WithProjectIDHeader() Option {
	return func(c *config) error {
		c.projectHeader = true
		return nil
	}
}

// WithToken authenticates with an IAM token, sent in the X-Auth-Token header. It must not be
// given together with WithAccessKey.
func WithToken(token string) Option {
	return func(c *config) error {
		c.given |= settingCredentials
		if reason := headerTextProblem("the token", token); reason != "" {
			return optionError("WithToken", "%s", reason)
		}
		c.token, c.hasToken = redact.New(token), true
		return nil
	}
}

// WithAccessKey authenticates with an access key (AK) and secret key (SK): every attempt is
// signed afresh with SDK-HMAC-SHA256 (package signer). It must not be given together with
// WithToken.
func WithAccessKey(accessKey, secretKey string) Option {
	return func(c *config) error {
		c.given |= settingCredentials
		if reason := headerTextProblem("the secret key", secretKey); reason != "" {
			return &ConfigError{Option: "WithAccessKey", Err: errors.New(reason)}
		}
		creds, err := signer.NewCredentials(accessKey, secretKey)
		if err != nil {
			return &ConfigError{Option: "WithAccessKey", Err: err}
		}
		c.keys, c.secretKey, c.hasKeys = creds, redact.New(secretKey), true
		return nil
	}
}

// WithHTTPClient sets the HTTP client that sends the requests (by default a new http.Client,
// which uses http.DefaultTransport). It is not modified: New uses a shallow copy whose CheckRedirect refuses redirects that would carry the credentials to another host
// or from https to http, before calling hc's own CheckRedirect, if any.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return optionError("WithHTTPClient", "the client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent replaces the User-Agent header, by default
// "cssvpcep-go/<Version> (<GOOS>/<GOARCH>; <Go version>)".
func WithUserAgent(userAgent string) Option {
	return func(c *config) error {
		if reason := headerTextProblem("the user agent", userAgent); reason != "" {
			return optionError("WithUserAgent", "%s", reason)
		}
		c.userAgent = userAgent
		return nil
	}
}

// WithTimeout bounds each attempt of a call, from sending the request to reading the last byte
// of the body (DefaultTimeout unless set; 0 means no bound). An attempt that runs out of time
// is retried like a network error. The context passed to a call bounds the whole call, every
// attempt and wait included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return optionError("WithTimeout", "%v is negative", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetry sets how often a call is tried in all (maxAttempts, at least 1; 1 turns retries off)
// and the bounds given to the backoff: minWait is its base and maxWait caps every wait,
// Retry-After included. The defaults are DefaultMaxAttempts, DefaultMinRetryWait and
// DefaultMaxRetryWait. The requests to IAM (WithPassword's token, WithProjectName's lookup)
// are retried with the same settings.
func WithRetry(maxAttempts int, minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		switch {
		case maxAttempts < 1:
			return optionError("WithRetry", "maxAttempts %d is less than 1", maxAttempts)
		case minWait < 0:
			return optionError("WithRetry", "minWait %v is negative", minWait)
		case maxWait < minWait:
			return optionError("WithRetry", "maxWait %v is less than minWait %v", maxWait, minWait)
		}
		c.maxAttempts, c.minWait, c.maxWait = maxAttempts, minWait, maxWait
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy, which decides whether a failed attempt is retried.
func WithRetryPolicy(policy RetryPolicy) Option {
	return func(c *config) error {
		if policy == nil {
			return optionError("WithRetryPolicy", "the policy is nil")
		}
		c.policy = policy
		return nil
	}
}

// WithBackoff replaces DefaultBackoff, which decides how long to wait before the next attempt.
func WithBackoff(backoff Backoff) Option {
	return func(c *config) error {
		if backoff == nil {
			return optionError("WithBackoff", "the backoff is nil")
		}
		c.backoff = backoff
		return nil
	}
}

// WithMaxResponseSize sets the largest response body, in bytes, that a call reads
// (DefaultMaxResponseSize unless set). A larger body fails the call with ErrResponseTooLarge
// as soon as the limit is passed, so memory stays bounded by the limit, not by the body: a
// body that announces its length (Content-Length) is read into a buffer of that size, one
// that does not (chunked) into a buffer that grows by doubling, at most to about twice the
// limit. It also bounds what run-time validation (WithValidation) reads.
func WithMaxResponseSize(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return optionError("WithMaxResponseSize", "%d is not positive", n)
		}
		c.maxResponseSize = n
		return nil
	}
}

// WithLogger sends a debug record for every attempt (method, path, offset and limit, attempt,
// status, duration, request ID, error) and for every wait before a retry to logger. Nothing is
// logged by default. Headers are never logged, so neither are credentials.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if logger == nil {
			return optionError("WithLogger", "the logger is nil")
		}
		c.logger = logger
		return nil
	}
}

// ValidationMode says what run-time contract validation (WithValidation) does with a problem.
type ValidationMode int

const (
	// ValidationFail fails a call whose request, or whose successful (2xx) response, breaks the
	// spec: the error is a *contract.ValidationError (for a response, inside a *ResponseError),
	// and it is not retried. An error response (4xx, 5xx) that breaks the spec is still
	// returned as an *APIError, so that IsNotFound and retries keep working (a proxy's HTML
	// 502 breaks the spec, yet is worth retrying); errors.As also finds the
	// *contract.ValidationError through it.
	ValidationFail ValidationMode = iota + 1
	// ValidationReport passes every problem to the report function and changes nothing else.
	ValidationReport
)

// String returns "fail" or "report".
func (m ValidationMode) String() string {
	switch m {
	case ValidationFail:
		return "fail"
	case ValidationReport:
		return "report"
	}
	return fmt.Sprintf("ValidationMode(%d)", int(m))
}

// WithValidation checks every request and response against the spec at run time (package
// contract). In ValidationReport mode report is required and is called with every problem; in
// ValidationFail mode report is optional and, when given, is called with every problem too,
// before the call fails. report may be called from many goroutines at once. A
// ValidationError's message never quotes a header value.
func WithValidation(mode ValidationMode, report func(*contract.ValidationError)) Option {
	return func(c *config) error {
		switch {
		case mode != ValidationFail && mode != ValidationReport:
			return optionError("WithValidation", "mode %v is neither ValidationFail nor ValidationReport", mode)
		case mode == ValidationReport && report == nil:
			return optionError("WithValidation", "ValidationReport needs a report function")
		}
		c.validation, c.report = mode, report
		return nil
	}
}

// parseEndpoint checks and normalizes an endpoint URL. Its errors, the Err of a ConfigError,
// never quote the URL, which might hold a password.
func parseEndpoint(rawURL string) (*url.URL, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, errors.New("the URL is empty")
	}
	// url.Parse lets white space in a path through, which is never meant (a value pasted with
	// a line break, a stray space).
	if strings.ContainsFunc(rawURL, unicode.IsSpace) {
		return nil, errors.New("the URL contains white space")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		return nil, fmt.Errorf("not a URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("scheme %s is not http or https", quote.Value(u.Scheme))
	case u.User != nil:
		return nil, errors.New("the URL carries user information; credentials in a URL leak into logs: use WithToken or WithAccessKey")
	case u.Host == "":
		return nil, errors.New("the URL has no host")
	case !validPort(u.Port()):
		return nil, fmt.Errorf("the port %s is out of range 1-65535", quote.Value(u.Port()))
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errors.New("the URL has a query")
	case u.Fragment != "" || strings.Contains(rawURL, "#"):
		return nil, errors.New("the URL has a fragment")
	case slices.ContainsFunc(strings.Split(u.Path, "/"), func(s string) bool { return s == "." || s == ".." }):
		return nil, fmt.Errorf("the path %s has a dot segment", quote.Value(u.Path))
	}
	// The generated client resolves "./v1.0/..." against the endpoint: without a trailing
	// slash the last segment of a prefix would be replaced, not kept.
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// regionEndpoint returns Open Telekom Cloud's CSS endpoint for region.
func regionEndpoint(region string) (*url.URL, error) {
	if !idrules.Region.MatchString(region) {
		return nil, fmt.Errorf("region %s does not match %s (such as eu-de)", quote.Value(region), idrules.Region)
	}
	return &url.URL{Scheme: "https", Host: "css." + region + ".otc.t-systems.com", Path: "/"}, nil
}

// validPort reports whether port, from url.URL.Port (digits only, or empty for the scheme's
// default), is a TCP port a request can go to.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535
}
