package emulator

import (
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/options"
	"github.com/cssvpcep/cssvpcep/internal/quote"
	"github.com/cssvpcep/cssvpcep/internal/redact"
	"github.com/cssvpcep/cssvpcep/signer"
)

// Option configures New and NewTestServer. Each option checks its arguments, so that New fails
// with a *ConfigError naming the option (and the argument at fault); none of these errors
// quotes a token, a secret key or a password.
type Option func(*config) error

// config is what the options set. It is never modified after New returns.
type config struct {
	seed       *Seed  // nil: BuiltinSeed
	seedSource string // where the seed comes from, for String
	synthetic  []synthetic
	stateFile  string        // "" without WithStateFile
	tasks      time.Duration // how long a task runs

	tokens []redact.Secret
	keys   map[string]redact.Secret // access key → secret key
	clock  func() time.Time

	iamUser  *iamUser      // nil without WithIAMUser: no IAM under /v3
	tokenTTL time.Duration // how long a token the IAM issues is valid
	ttlGiven bool          // WithTokenTTL was given, which needs WithIAMUser

	latency, jitter time.Duration
	failRate        float64
	failSeed        int64
	bodyTimeout     time.Duration // bodyTimeout; tests shorten it

	quirks   bool
	validate bool
	logger   *slog.Logger
	report   func(*contract.ValidationError) // NewTestServer's collector of bad responses
}

func defaultConfig() *config {
	return &config{clock: time.Now, logger: slog.New(slog.DiscardHandler), bodyTimeout: bodyTimeout, tasks: DefaultTaskDuration,
		tokenTTL: DefaultTokenTTL}
}

// apply runs opts in order, collecting every error, so that all wrong options are named at once:
// one *ConfigError, or errors.Join of several; then it checks the options that need another.
func (c *config) apply(opts []Option) error {
	errs := options.Apply(c, opts)
	if c.ttlGiven && c.iamUser == nil {
		errs = append(errs, configError("WithTokenTTL", "", "no IAM user issues tokens: give WithIAMUser too"))
	}
	return options.Join(errs)
}

// WithSeed starts the emulator with the clusters of seed instead of the built-in seed
// (BuiltinSeed). The emulator keeps its own copy. The last of WithSeed and WithSeedFile wins;
// a state file that exists (WithStateFile) wins over both.
func WithSeed(seed Seed) Option {
	return func(c *config) error {
		if err := seed.check(); err != nil {
			return &ConfigError{Option: "WithSeed", Err: err}
		}
		c.seed, c.seedSource = &seed, "WithSeed"
		return nil
	}
}

// WithSeedFile starts the emulator with the clusters of a seed file (format in the package
// doc) instead of the built-in seed. The file is read when the option is applied. The last of
// WithSeed and WithSeedFile wins.
func WithSeedFile(path string) Option {
	return func(c *config) error {
		seed, err := ReadSeedFile(path)
		if err != nil {
			return &ConfigError{Option: "WithSeedFile", Err: err}
		}
		c.seed, c.seedSource = &seed, "file "+path
		return nil
	}
}

// WithSynthetic adds a cluster of n made-up connections (see SyntheticCluster) to the seed, for
// paging and load tests. The seed must not have the cluster already; n is 0 to MaxSynthetic.
// It may be given several times.
func WithSynthetic(projectID, clusterID string, n int) Option {
	return func(c *config) error {
		if p := ids.SegmentProblem(projectID); p != "" {
			return configError("WithSynthetic", "projectID", "project ID %s", p)
		}
		if p := ids.SegmentProblem(clusterID); p != "" {
			return configError("WithSynthetic", "clusterID", "cluster ID %s", p)
		}
		if n < 0 || n > MaxSynthetic {
			return configError("WithSynthetic", "n", "%d connections is out of the range 0-%d", n, MaxSynthetic)
		}
		c.synthetic = append(c.synthetic, synthetic{projectID: projectID, clusterID: clusterID, n: n})
		return nil
	}
}

// synthetic is a cluster WithSynthetic asks for, made by New.
type synthetic struct {
	projectID, clusterID string
	n                    int
}

// WithToken turns on token authentication: a request must carry X-Auth-Token with token (or,
// with WithAccessKey too, either credential). It may be given several times to accept several
// tokens. Tokens are compared in constant time and never printed.
func WithToken(token string) Option {
	return func(c *config) error {
		if token == "" {
			return configError("WithToken", "", "the token is empty")
		}
		if i := strings.IndexFunc(token, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }); i >= 0 {
			return configError("WithToken", "", "the token has a space or control character at byte %d", i)
		}
		c.tokens = append(c.tokens, redact.New(token))
		return nil
	}
}

// WithAccessKey turns on AK/SK authentication: a request must be signed with SDK-HMAC-SHA256
// (package signer, as the official Huawei Cloud SDKs sign) by accessKey and secretKey, with an
// X-Sdk-Date within 15 minutes of the emulator's clock (WithClock). It may be given several
// times to accept several key pairs. The secret key is never printed.
func WithAccessKey(accessKey, secretKey string) Option {
	return func(c *config) error {
		if _, err := signer.NewCredentials(accessKey, secretKey); err != nil {
			// A placeholder secret key tells which of the two is at fault.
			arg := "secretKey"
			if _, akErr := signer.NewCredentials(accessKey, "x"); akErr != nil {
				arg = "accessKey"
			}
			return &ConfigError{Option: "WithAccessKey", Arg: arg, Err: err}
		}
		if _, dup := c.keys[accessKey]; dup {
			return configError("WithAccessKey", "accessKey", "access key %q is given twice", accessKey)
		}
		if c.keys == nil {
			c.keys = make(map[string]redact.Secret)
		}
		c.keys[accessKey] = redact.New(secretKey)
		return nil
	}
}

// The IAM user's defaults and bounds.
const (
	// DefaultIAMDomain is the domain (on Open Telekom Cloud, the account's name) of the IAM
	// user of WithIAMUser when none is given: the form of a real account name.
	DefaultIAMDomain = "OTC-EU-DE-00000000001000000001"
	// DefaultTokenTTL is how long a token the emulator's IAM issues is valid unless
	// WithTokenTTL says otherwise: 24 hours, as IAM's (the password token page).
	DefaultTokenTTL = 24 * time.Hour
	// MinTokenTTL and MaxTokenTTL bound WithTokenTTL: a second is the finest a client's
	// renewal reasons about; a year keeps every expires_at a four-digit year.
	MinTokenTTL = time.Second
	MaxTokenTTL = 365 * 24 * time.Hour
	// maxIAMNameLength bounds the user's and the domain's names, in bytes: IAM's are far
	// shorter (32 and 64 characters), and a name is quoted in messages.
	maxIAMNameLength = 256
	// maxPasswordLength bounds the password, in bytes: IAM's are at most 32 characters, and
	// the token request's body must stay far below maxRequestBody.
	maxPasswordLength = 1024
)

// iamUser is the user WithIAMUser gives: the one the emulator's IAM signs in.
type iamUser struct {
	name     string
	password redact.Secret
	domain   string
}

// WithIAMUser makes the emulator answer as IAM too (Keystone v3, under /v3 on the same
// address; see the package doc): POST /v3/auth/tokens signs in the user name with password in
// domain ("" for DefaultIAMDomain) and issues a token scoped to a project the emulator serves,
// and GET /v3/projects lists the projects. It turns authentication on: the CSS operations then
// take the tokens issued (until they expire, for their project only), besides those of
// WithToken and WithAccessKey. It may be given once. The name and the domain are at most 256
// bytes, without control characters or white space at either end; the password is at most
// 1024 bytes without control characters. The password is never printed, and no error quotes
// it.
func WithIAMUser(name, password, domain string) Option {
	return func(c *config) error {
		if domain == "" {
			domain = DefaultIAMDomain
		}
		if p := iamNameProblem("user name", name); p != "" {
			return configError("WithIAMUser", "name", "%s", p)
		}
		if p := passwordProblem(password); p != "" {
			return configError("WithIAMUser", "password", "%s", p)
		}
		if p := iamNameProblem("domain", domain); p != "" {
			return configError("WithIAMUser", "domain", "%s", p)
		}
		if c.iamUser != nil {
			return configError("WithIAMUser", "", "an IAM user (%s) is given already: the emulator's IAM has one", quote.Value(c.iamUser.name))
		}
		c.iamUser = &iamUser{name: name, password: redact.New(password), domain: domain}
		return nil
	}
}

// iamNameProblem says what is wrong with a user's or a domain's name, "" for nothing.
func iamNameProblem(what, s string) string {
	switch {
	case s == "":
		return "the " + what + " is empty"
	case len(s) > maxIAMNameLength:
		return fmt.Sprintf("the %s is %d bytes long; at most %d are allowed", what, len(s), maxIAMNameLength)
	case !utf8.ValidString(s):
		return fmt.Sprintf("the %s %s is not valid UTF-8", what, quote.Value(s))
	case strings.TrimSpace(s) != s:
		return fmt.Sprintf("the %s %s has white space at an end", what, quote.Value(s))
	}
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		return fmt.Sprintf("the %s %s has a control character at byte %d", what, quote.Value(s), i)
	}
	return ""
}

// passwordProblem says what is wrong with a password, never quoting it; "" for nothing.
func passwordProblem(s string) string {
	switch {
	case s == "":
		return "the password is empty"
	case len(s) > maxPasswordLength:
		return fmt.Sprintf("the password is %d bytes long; at most %d are allowed", len(s), maxPasswordLength)
	case !utf8.ValidString(s):
		return "the password is not valid UTF-8"
	}
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		return fmt.Sprintf("the password has a control character at byte %d", i)
	}
	return ""
}

// WithTokenTTL sets how long a token the emulator's IAM issues is valid, by the emulator's
// clock (WithClock): DefaultTokenTTL, 24 hours as IAM's, unless given. d is MinTokenTTL (a
// second) to MaxTokenTTL (a year). It needs WithIAMUser. A TTL shorter than the client's
// renewal margin (client.RenewMargin, 5 minutes) makes a client renew its token before every
// call, and a clock moved past a token's expiry makes the CSS side refuse it: both make
// renewal testable without waiting.
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < MinTokenTTL || d > MaxTokenTTL {
			return configError("WithTokenTTL", "", "token TTL %v is out of the range %v-%v", d, MinTokenTTL, MaxTokenTTL)
		}
		c.tokenTTL, c.ttlGiven = d, true
		return nil
	}
}

// WithClock sets the emulator's clock (time.Now by default): the time AK/SK signatures are
// checked against, tokens of the IAM (WithIAMUser) are issued and expire by, tasks start and
// end by, and connections and whitelist entries are stamped with, so that tests can verify signatures made at a fixed time and move tasks to their end
// without waiting.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return configError("WithClock", "", "the clock is nil")
		}
		c.clock = now
		return nil
	}
}

// WithTaskDuration sets how long the tasks that StartVpecp and StopVpecp start run, by the
// emulator's clock: DefaultTaskDuration for New, 0 for NewTestServer unless given. A task of
// 0 ends while the request that starts it is served, so the cluster's actions are empty again
// at once. d must not be negative.
func WithTaskDuration(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return configError("WithTaskDuration", "", "task duration %v is negative", d)
		}
		c.tasks = d
		return nil
	}
}

// WithStateFile keeps the emulator's state in the file at path, in the seed file format (see
// the package doc): New loads it when it exists, in place of the seed (WithSeed, WithSeedFile,
// WithSynthetic and the built-in seed then make nothing), and otherwise starts from the seed
// and writes it there at once, so that a path that cannot be written fails New. Every change
// is written before it is made, atomically: a temporary file in the same directory, synced,
// renamed over the file, and the directory synced, so that a crash leaves the old state or
// the new one, never a mix. A file that does not decode or breaks the spec fails New with a
// *ConfigError naming the file and the problem; it is never replaced. Two emulators must not
// share a file.
func WithStateFile(path string) Option {
	return func(c *config) error {
		if path == "" {
			return configError("WithStateFile", "", "the path is empty")
		}
		c.stateFile = path
		return nil
	}
}

// WithLatency delays every response by d plus a random extra of up to jitter, drawn from the
// generator of WithFailRate (seeded with 0 without it). Both must not be negative. A request whose client goes away while it
// waits is dropped.
func WithLatency(d, jitter time.Duration) Option {
	return func(c *config) error {
		switch {
		case d < 0:
			return configError("WithLatency", "d", "latency %v is negative", d)
		case jitter < 0:
			return configError("WithLatency", "jitter", "jitter %v is negative", jitter)
		}
		c.latency, c.jitter = d, jitter
		return nil
	}
}

// WithFailRate answers a fraction rate (0 to 1) of all requests, before authentication, with
// 429 or 503 (half each) and Retry-After: 1. The choice is made by a pseudo-random generator
// seeded with seed: the same seed makes the same choices for the same sequence of requests.
func WithFailRate(rate float64, seed int64) Option {
	return func(c *config) error {
		if math.IsNaN(rate) || rate < 0 || rate > 1 {
			return configError("WithFailRate", "rate", "rate %v is not between 0 and 1", rate)
		}
		c.failRate, c.failSeed = rate, seed
		return nil
	}
}

// WithDocQuirks makes 200 answers take the form of the 2023 page's example: vpcepUpdateSwitch
// as the string "true" or "false", time stamps in UTC in the documented zone-less form
// (2006-01-02T15:04:05, fractional seconds kept when there are any), update_at null for a
// connection never updated. Both forms match the
// spec; the quirky one breaks clients that take the documented types literally.
func WithDocQuirks() Option {
	return func(c *config) error {
		c.quirks = true
		return nil
	}
}

// WithResponseValidation validates every response of the operation against the spec before
// it is sent (package contract, strict mode): a response that breaks the spec is replaced by
// 500 {"errCode":"CSS.9999",...} naming the problems, and logged. It is off by default, as it
// costs more than the rest of a request; NewTestServer turns it on. The emulator only ever
// writes valid responses, so this is a guard against its own bugs.
func WithResponseValidation() Option {
	return func(c *config) error {
		c.validate = true
		return nil
	}
}

// WithLogger sends a record for every request to logger (level Info: method, path, status,
// duration and request ID; authentication failures and rejected requests with the reason) and
// for starting and stopping. Nothing is logged by default. Credentials never are.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if logger == nil {
			return configError("WithLogger", "", "the logger is nil")
		}
		c.logger = logger
		return nil
	}
}

// withReport gives every bad response contract finds to f as well (NewTestServer's collector).
func withReport(f func(*contract.ValidationError)) Option {
	return func(c *config) error {
		c.report = f
		return nil
	}
}

// String describes the configuration without its secrets.
func (c *config) String() string {
	var b strings.Builder
	b.WriteString("{Seed:")
	if c.seedSource == "" {
		b.WriteString("built-in")
	} else {
		b.WriteString(c.seedSource)
	}
	for _, s := range c.synthetic {
		fmt.Fprintf(&b, " Synthetic:%s/%s(%d)", s.projectID, s.clusterID, s.n)
	}
	if c.stateFile != "" {
		b.WriteString(" State:" + c.stateFile)
	}
	b.WriteString(" Auth:" + c.auth())
	if c.latency > 0 || c.jitter > 0 {
		fmt.Fprintf(&b, " Latency:%v+%v", c.latency, c.jitter)
	}
	if c.failRate > 0 {
		fmt.Fprintf(&b, " FailRate:%s(seed %d)", strconv.FormatFloat(c.failRate, 'g', -1, 64), c.failSeed)
	}
	if c.iamUser != nil && c.tokenTTL != DefaultTokenTTL {
		fmt.Fprintf(&b, " TokenTTL:%v", c.tokenTTL)
	}
	if c.tasks != DefaultTaskDuration {
		fmt.Fprintf(&b, " TaskDuration:%v", c.tasks)
	}
	if c.quirks {
		b.WriteString(" DocQuirks")
	}
	if c.validate {
		b.WriteString(" ResponseValidation")
	}
	b.WriteByte('}')
	return b.String()
}

// auth names the kinds of credentials accepted: how many tokens, which access keys (which
// travel in every signed request), the IAM user and domain; never a token, a secret key or
// the password.
func (c *config) auth() string {
	var kinds []string
	if len(c.tokens) > 0 {
		kinds = append(kinds, fmt.Sprintf("token(%d)", len(c.tokens)))
	}
	if u := c.iamUser; u != nil {
		kinds = append(kinds, "IAM("+u.name+"@"+u.domain+")")
	}
	if len(c.keys) > 0 {
		kinds = append(kinds, "AK/SK("+strings.Join(slices.Sorted(maps.Keys(c.keys)), ",")+")")
	}
	if len(kinds) == 0 {
		return "off"
	}
	return strings.Join(kinds, "+")
}
