package client

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"

	"github.com/cssvpcep/cssvpcep/internal/options"
)

// Version is the version of this package, sent in the default User-Agent.
const Version = "0.1.0"

var defaultUserAgent = "cssvpcep-go/" + Version + " (" + runtime.GOOS + "/" + runtime.GOARCH + "; " + runtime.Version() + ")"

// Client calls the CSS API. It is safe for concurrent use; build it with New or NewFromEnv.
//
// Printing a Client (any fmt verb, log/slog) shows its endpoint, project and kind of
// credentials, never the token or the secret key.
type Client struct {
	cfg    *config
	server string       // the endpoint, ending in "/", for the generated request builders
	prefix string       // server's escaped path without its final "/" (see validatingTransport)
	hc     *http.Client // authTransport over validation (when on) over the user's transport
	tokens *tokenSource // WithPassword's tokens; nil otherwise
	// project finds the project's ID from WithProjectName with a token or AK/SK (looked up
	// once); nil when the ID is known or comes from the password's token.
	project *projectLookup
	// iamHC sends WithProjectName's lookup: the client's credentials, no contract
	// validation (IAM is not in the spec), bounded bodies.
	iamHC *http.Client
}

// New returns a Client configured by opts. It needs an endpoint (WithEndpoint or WithRegion;
// with WithPassword the token's catalog may name it instead), a project (WithProjectID or
// WithProjectName) and exactly one kind of credentials (WithToken, WithAccessKey or WithPassword);
// everything else has a default. The error holds a *ConfigError for every option that is
// wrong or, when none is, for everything missing (see ConfigError).
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	if errs := cfg.apply(opts); len(errs) > 0 {
		return nil, options.Join(errs)
	}
	if errs := cfg.check(); len(errs) > 0 {
		return nil, options.Join(errs)
	}
	hc := cfg.httpClient
	if hc == nil {
		hc = &http.Client{}
	}
	c := &Client{cfg: cfg}
	if cfg.endpoint != nil {
		c.server = cfg.endpoint.String()
		c.prefix = pathPrefix(c.server)
	}
	// IAM is asked through the user's transport, bounded, without the client's credentials:
	// the token request carries the password itself.
	iamClient := *hc
	iamClient.CheckRedirect = guardRedirect(hc.CheckRedirect)
	iamClient.Transport = iamLogTransport{next: limitedTransport{next: orDefault(hc.Transport), limit: maxIAMBody}, cfg: cfg}
	if cfg.iam != nil {
		iamClient.Transport = iamOriginTransport{next: iamClient.Transport, scheme: cfg.iam.Scheme, host: cfg.iam.Host}
	}
	if p := cfg.password; p != nil {
		c.tokens = &tokenSource{iam: cfg.iam.String(), hc: &iamClient, user: p.username, password: p.password, domain: p.domain,
			projectID: cfg.projectID, projectName: cfg.projectName, userAgent: cfg.userAgent, now: cfg.now,
			retry: iamRetry(cfg)}
	}
	var err error
	if c.hc, err = c.newHTTPClient(hc); err != nil {
		return nil, err
	}
	if cfg.projectID == "" && cfg.password == nil {
		c.project = &projectLookup{c: c}
		authed := iamClient
		authed.Transport = &authTransport{next: iamClient.Transport, cfg: cfg}
		c.iamHC = &authed
	}
	return c, nil
}

// String describes the client: endpoint, project, kind of credentials (the secret replaced by
// "[REDACTED]"), timeout, attempts and validation.
func (c *Client) String() string {
	if c == nil || c.cfg == nil {
		return "client.Client(nil)"
	}
	return "client.Client" + c.cfg.String()
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb (quoted for %q), so that no verb prints the fields.
func (c *Client) Format(f fmt.State, verb rune) {
	s := c.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// LogValue gives log/slog the endpoint, the project and the kind of credentials.
func (c *Client) LogValue() slog.Value {
	if c == nil || c.cfg == nil {
		return slog.StringValue("client.Client(nil)")
	}
	return c.cfg.LogValue()
}

// String describes the configuration without its secrets.
func (c *config) String() string {
	var b strings.Builder
	b.WriteString("{Endpoint:")
	if c.endpoint != nil {
		b.WriteString(c.endpoint.String())
	} else if c.catalogOnly() {
		b.WriteString(catalogOnlyText)
	}
	if c.region != "" {
		b.WriteString(" Region:" + c.region)
	}
	if c.projectID != "" || c.projectName == "" {
		b.WriteString(" ProjectID:" + c.projectID)
	}
	if c.projectName != "" {
		b.WriteString(" ProjectName:" + c.projectName)
	}
	if c.iam != nil && c.usesIAM() {
		b.WriteString(" IAM:" + c.iam.String())
	}
	if c.projectHeader {
		b.WriteString(" X-Project-Id:on")
	}
	b.WriteString(" Auth:" + c.auth())
	fmt.Fprintf(&b, " UserAgent:%q Timeout:%v MaxAttempts:%d RetryWait:%v-%v MaxResponseSize:%d",
		c.userAgent, c.timeout, c.maxAttempts, c.minWait, c.maxWait, c.maxResponseSize)
	if c.validation != 0 {
		b.WriteString(" Validation:" + c.validation.String())
	}
	b.WriteByte('}')
	return b.String()
}

// Format prints String for every verb, as Client.Format does.
func (c *config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// catalogOnlyText is how String and LogValue show the endpoint of a client whose endpoint only
// the token's catalog names.
const catalogOnlyText = "(the token's catalog)"

// LogValue is the configuration for log/slog, without its secrets.
func (c *config) LogValue() slog.Value {
	endpoint := ""
	switch {
	case c.endpoint != nil:
		endpoint = c.endpoint.String()
	case c.catalogOnly():
		endpoint = catalogOnlyText
	}
	return slog.GroupValue(
		slog.String("endpoint", endpoint),
		slog.String("project_id", c.projectID),
		slog.String("auth", c.auth()),
	)
}

// auth names the kind of credentials: the token itself never, the access key (which travels in
// every signed request) but not the secret key.
func (c *config) auth() string {
	switch {
	case c.hasToken:
		return "token " + c.token.String()
	case c.hasKeys:
		return "AK/SK " + c.keys.String()
	case c.password != nil:
		return "password {User:" + c.password.username + " Domain:" + c.password.domain + " Password:" + c.password.password.String() + "}"
	}
	return "none"
}

// nilContext is the error of a call given a nil context, which the generated client would
// panic on.
func nilContext(fn string) error {
	return &ArgumentError{Func: fn, Name: "ctx", Reason: "is nil"}
}
