package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"golang.org/x/sync/singleflight"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
	"github.com/cssvpcep/cssvpcep/internal/redact"
)

// Token renewal.
const (
	// RenewMargin is how long before its expires_at a token got with a password is renewed,
	// so that no request goes out with a token about to expire.
	RenewMargin = 5 * time.Minute
	// iamRequestTimeout bounds one request to IAM (a token, a project lookup), which the
	// calls that wait for it share.
	iamRequestTimeout = 30 * time.Second
)

// issued is a token IAM issued for the password, with what its scope says.
type issued struct {
	token       redact.Secret
	expires     time.Time
	projectID   string
	projectName string
	// css is the CSS endpoint the token's catalog names (service type css, public), the
	// project's path cut off; "" when it names none that parseEndpoint accepts. cssPrefix is
	// its escaped path without the final "/", for run-time validation (see validationSink).
	css, cssPrefix string
}

// tokenSource gets tokens from IAM (Keystone v3, POST /v3/auth/tokens) with a user name and
// password, through gophercloud, caches the current one and renews it before it expires or
// when a call is refused with 401. Calls that need a new token at the same time share one
// request (single flight).
type tokenSource struct {
	iam      string // the IAM v3 endpoint, such as https://iam.eu-de.otc.t-systems.com/v3
	hc       *http.Client
	user     string
	password redact.Secret
	domain   string
	// The scope: a project by ID, or by name in the user's domain.
	projectID, projectName string
	userAgent              string
	now                    func() time.Time
	retry                  gophercloud.RetryFunc // iamRetry's, with the client's WithRetry

	mu    sync.Mutex
	cur   *issued
	group singleflight.Group
}

// get returns a token that is valid for at least RenewMargin more, getting a new one if the
// current one is not.
func (s *tokenSource) get(ctx context.Context) (*issued, error) {
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur != nil && s.now().Add(RenewMargin).Before(cur.expires) {
		return cur, nil
	}
	return s.renew(ctx, cur)
}

// renew gets a new token in place of stale (nil for none), unless another caller has already
// replaced it, in which case that one is returned: a burst of 401s renews once.
func (s *tokenSource) renew(ctx context.Context, stale *issued) (*issued, error) {
	s.mu.Lock()
	if s.cur != stale && s.cur != nil {
		cur := s.cur
		s.mu.Unlock()
		return cur, nil
	}
	s.mu.Unlock()
	return shared(ctx, &s.group, "a token from IAM", func(rctx context.Context) (*issued, error) {
		t, err := s.fetch(rctx)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.cur = t
		s.mu.Unlock()
		return t, nil
	})
}

// shared runs fn once for all the callers that need it at the same time (singleflight), under
// its own bound (iamRequestTimeout) rather than the context of the caller that started it, who
// may go away while others wait; each caller waits for it or for its own ctx.
func shared[T any](ctx context.Context, g *singleflight.Group, what string, fn func(context.Context) (T, error)) (T, error) {
	ch := g.DoChan(what, func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), iamRequestTimeout)
		defer cancel()
		return fn(rctx)
	})
	var zero T
	select {
	case <-ctx.Done():
		return zero, fmt.Errorf("client: waiting for %s: %w", what, context.Cause(ctx))
	case r := <-ch:
		if r.Err != nil {
			return zero, r.Err
		}
		return r.Val.(T), nil
	}
}

// fetch asks IAM for a token.
func (s *tokenSource) fetch(ctx context.Context) (*issued, error) {
	opts := &tokens.AuthOptions{
		IdentityEndpoint: s.iam,
		Username:         s.user,
		Password:         s.password.Reveal(),
		DomainName:       s.domain,
		Scope:            tokens.Scope{ProjectID: s.projectID, ProjectName: s.projectName},
	}
	if s.projectID == "" {
		opts.Scope.DomainName = s.domain // a project name is unique within a domain
	}
	res := tokens.Create(ctx, s.serviceClient(), opts)
	if res.Err != nil {
		m := &masker{}
		m.add(s.password.Reveal())
		return nil, iamError(s.iam, "POST /auth/tokens", res.Err, m)
	}
	token, err := res.ExtractToken()
	if err != nil || token.ID == "" {
		return nil, &IAMError{URL: s.iam, Message: "the answer to the token request holds no usable token (X-Subject-Token or expires_at missing)"}
	}
	if !token.ExpiresAt.After(s.now()) {
		// A token that has expired already would make every call sign in again.
		return nil, &IAMError{URL: s.iam, Message: "the token IAM issued has no expires_at in the future"}
	}
	project, err := res.ExtractProject()
	if err != nil || project == nil || project.ID == "" {
		return nil, &IAMError{URL: s.iam, Message: "the token IAM issued is not scoped to a project"}
	}
	if reason := idProblem(project.ID); reason != "" {
		return nil, &IAMError{URL: s.iam, Message: "the project ID of the token IAM issued " + reason}
	}
	t := &issued{token: redact.New(token.ID), expires: token.ExpiresAt, projectID: project.ID, projectName: project.Name}
	if catalog, err := res.ExtractServiceCatalog(); err == nil {
		t.css = catalogEndpoint(catalog, s.iam)
		t.cssPrefix = pathPrefix(t.css)
	}
	return t, nil
}

// catalogEndpoint returns the base URL of the public CSS endpoint of a token's catalog, as the
// openstack CLI finds a service's endpoint (gophercloud's V3Endpoint): the entry of type css,
// its URL cut before /v1.0 (OTC's catalog names https://css.eu-de.otc.t-systems.com/v1.0/<project>).
// It is "" when there is none, when it is not an endpoint WithEndpoint would take, or when it
// is plain http while IAM, which gave it, was asked over https: the catalog decides where the
// token goes, and a downgrade is not taken from it.
func catalogEndpoint(catalog *tokens.ServiceCatalog, iam string) string {
	// No Version: V3Endpoint then asks nothing of the network.
	raw, err := openstack.V3Endpoint(context.Background(), nil, catalog, gophercloud.EndpointOpts{Type: "css", Availability: gophercloud.AvailabilityPublic})
	if err != nil {
		return ""
	}
	if i := strings.Index(raw, "/v1.0/"); i >= 0 {
		raw = raw[:i+1]
	} else {
		raw = strings.TrimSuffix(raw, "v1.0")
	}
	u, err := parseEndpoint(raw)
	if err != nil || u.Scheme == "http" && strings.HasPrefix(iam, "https:") {
		return ""
	}
	return u.String()
}

// serviceClient is gophercloud's client for the IAM endpoint, sending through hc (the user's
// transport, without the client's credentials: the token request carries the password).
func (s *tokenSource) serviceClient() *gophercloud.ServiceClient {
	return iamServiceClient(s.hc, s.iam, s.userAgent, s.retry)
}

// iamServiceClient is gophercloud's client for IAM at iam, sending through hc with the
// client's User-Agent and retry hook: the token request's and the project lookup's.
func iamServiceClient(hc *http.Client, iam, userAgent string, retry gophercloud.RetryFunc) *gophercloud.ServiceClient {
	pc := &gophercloud.ProviderClient{HTTPClient: *hc, RetryFunc: retry}
	pc.UserAgent.Prepend(userAgent)
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: strings.TrimSuffix(iam, "/") + "/"}
}

// iamRetry is gophercloud's retry hook for the requests to IAM, with the client's retry
// settings (WithRetry, WithBackoff): a 429, 500, 502, 503 or 504, or a network failure
// IsRetryable accepts, is tried again after the backoff (Retry-After honoured), up to
// maxAttempts in all, never past ctx. Both requests may be sent twice: a second token request
// issues a second token, which changes nothing the user has, and a project lookup is a read.
func iamRetry(cfg *config) gophercloud.RetryFunc {
	return func(ctx context.Context, _, _ string, _ *gophercloud.RequestOpts, err error, failCount uint) error {
		var resp *http.Response
		retryable := false
		var ue gophercloud.ErrUnexpectedResponseCode
		if errors.As(err, &ue) {
			resp = &http.Response{StatusCode: ue.Actual, Header: ue.ResponseHeader}
			retryable = retryableStatus(ue.Actual)
		} else {
			retryable = IsRetryable(err)
		}
		if !retryable || ctx.Err() != nil || failCount >= uint(max(cfg.maxAttempts, 1)) {
			return err
		}
		wait := cfg.backoff(cfg.minWait, cfg.maxWait, int(failCount), resp)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return err
		}
		if sleep(ctx, wait) != nil {
			return err
		}
		return nil
	}
}

// IAMError is IAM refusing a request of the client (the token request of WithPassword, or the
// project lookup of WithProjectName), or being unreachable. It never holds the password.
type IAMError struct {
	// URL is the IAM endpoint asked.
	URL string
	// StatusCode is the HTTP status of IAM's answer; 0 when none arrived.
	StatusCode int
	// Message is IAM's error message (error.message), bounded; or what went wrong.
	Message string
	// RequestID is IAM's request ID (X-Request-Id); empty when absent.
	RequestID string

	err error
}

// Error returns "client: IAM at <url> refused the credentials (401): <message> (request id
// <id>)" for a 401, and the like for other failures.
func (e *IAMError) Error() string {
	var b strings.Builder
	b.WriteString("client: IAM at " + e.URL)
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		b.WriteString(" refused the credentials (401)")
	case e.StatusCode != 0:
		fmt.Fprintf(&b, " answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	case e.err != nil:
		b.WriteString(" could not be reached")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// Unwrap returns the cause of a request that got no answer.
func (e *IAMError) Unwrap() error { return e.err }

// IsIAMUnauthorized reports whether err holds an *IAMError with status 401: IAM refused the
// user name, password or domain (or the token of WithProjectName's lookup).
func IsIAMUnauthorized(err error) bool {
	var ie *IAMError
	return errors.As(err, &ie) && ie.StatusCode == http.StatusUnauthorized
}

// iamError turns gophercloud's error for a request to IAM into an *IAMError: IAM's message
// and request ID for an answer, the cause (bounded) for none, every text through m (which
// knows the password). Nothing of the request, which carried the password, is in it.
func iamError(iam, request string, err error, m *masker) *IAMError {
	var ue gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &ue) {
		e := &IAMError{URL: iam, StatusCode: ue.Actual, RequestID: m.requestID(ue.ResponseHeader)}
		var body struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
			ErrorMsg string `json:"error_msg"` // the gateway's shape, and CSS's
			ErrMsg   string `json:"errMsg"`    // CSS's other shape
		}
		if json.Unmarshal(ue.Body, &body) == nil {
			e.Message = m.line(firstOf(&body.Error.Message, &body.ErrorMsg, &body.ErrMsg), maxMessageLen)
		}
		if e.Message == "" {
			e.Message = excerpt(ue.Body, m)
		}
		return e
	}
	return &IAMError{URL: iam, Message: request + ": " + m.line(err.Error(), maxErrorText), err: kindOf(err)}
}

// maxIAMBody bounds what is read of an answer of IAM: gophercloud reads an error body whole,
// and a token response with its catalog is tens of kilobytes.
const maxIAMBody = 1 << 20

// iamLogTransport writes a debug record of every request to IAM (the token request, the
// project lookup) to the client's logger, as logAttempt does for CSS's: the method, the escaped
// path (never the query, a header or the body, which holds the password), the status, the
// duration, IAM's request ID and any error, masked and bounded.
type iamLogTransport struct {
	next http.RoundTripper
	cfg  *config
}

// RoundTrip sends req and logs it.
func (t iamLogTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, l := req.Context(), t.cfg.logger
	if !l.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	m := newMasker(t.cfg)
	if t.cfg.password != nil {
		m.add(t.cfg.password.password.Reveal())
	}
	args := []any{slog.String("method", req.Method), slog.String("path", m.line(req.URL.EscapedPath(), csserr.MaxPath)),
		slog.Duration("duration", time.Since(start))}
	if resp != nil {
		args = append(args, slog.Int("status", resp.StatusCode))
		if id := m.requestID(resp.Header); id != "" {
			args = append(args, slog.String("request_id", id))
		}
	}
	if err != nil {
		args = append(args, slog.String("error", m.line(err.Error(), maxErrorText)))
	}
	l.DebugContext(ctx, "cssvpcep: IAM request", args...)
	return resp, err
}

// iamOriginTransport refuses a request to IAM that is not for IAM's own scheme and host:
// gophercloud follows what IAM's answers say (a project list's links.next), and the requests
// carry the password or the client's credentials, which go to IAM and nowhere else, never
// from https down to http.
type iamOriginTransport struct {
	next         http.RoundTripper
	scheme, host string
}

// RoundTrip sends req if it is for IAM.
func (t iamOriginTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.URL.Scheme, t.scheme) || !strings.EqualFold(req.URL.Host, t.host) {
		closeBody(req)
		return nil, fmt.Errorf("refusing to send a request for IAM to %s: not the IAM endpoint's %s://%s",
			quote.Value(req.URL.Scheme+"://"+req.URL.Host), t.scheme, t.host)
	}
	return t.next.RoundTrip(req)
}

// limitedTransport fails a response whose body goes past limit bytes, for the requests to IAM,
// whose bodies gophercloud reads without a bound.
type limitedTransport struct {
	next  http.RoundTripper
	limit int64
}

// RoundTrip sends req and bounds the body of the response.
func (t limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.limit {
		_ = resp.Body.Close()
		return nil, tooLarge(t.limit)
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{newLimitedBody(resp.Body, t.limit), resp.Body}
	return resp, nil
}
