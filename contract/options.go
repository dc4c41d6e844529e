package contract

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cssvpcep/cssvpcep/internal/options"
)

// DefaultBodyLimit is how many bytes of a body are read for validation unless WithBodyLimit says
// otherwise: far above any page of connections, far below what would hurt a process.
const DefaultBodyLimit int64 = 16 << 20

// Option configures NewRoundTripper, NewMiddleware and ForTest. An option that does not apply
// to the component it is given to, or a value out of range, makes the constructor fail with a
// message that names the option.
type Option func(*config) error

// config collects the options; the zero values mean "the component's default".
type config struct {
	component     string // "NewRoundTripper" or "NewMiddleware", for messages
	bodyLimit     int64
	security      *bool
	report        func(*ValidationError)
	reportReq     func(*http.Request, *ValidationError) // WithRequestReporter, RoundTripper only
	responses     bool
	strictReplies bool
}

func newConfig(component string, opts []Option) (*config, error) {
	c := &config{component: component, bodyLimit: DefaultBodyLimit}
	return c, options.Join(options.Apply(c, opts))
}

// checkSecurity resolves WithSecurityCheck against the component's default.
func (c *config) checkSecurity(def bool) bool {
	if c.security == nil {
		return def
	}
	return *c.security
}

// WithBodyLimit sets how many bytes of a body are read for validation (DefaultBodyLimit unless
// set). A larger body is not validated but reported with ErrBodyTooLarge, and still reaches
// its reader whole: the RoundTripper hands the caller every byte, the middleware every byte to
// the handler (unless it rejects the request, which a body on a GET already is).
func WithBodyLimit(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("contract: WithBodyLimit(%d): the limit must be positive", n)
		}
		c.bodyLimit = n
		return nil
	}
}

// WithSecurityCheck sets whether a request must carry one of the credentials the spec's
// security accepts: a non-empty X-Auth-Token (token) or Authorization (aksk) header. Only
// presence is checked, never validity. The RoundTripper checks by default (turn it off when a
// transport below it adds the credentials); the middleware does not, since the emulator may
// run without authentication and does its own.
func WithSecurityCheck(enabled bool) Option {
	return func(c *config) error {
		c.security = &enabled
		return nil
	}
}

// WithReporter sends every ValidationError to f instead of failing. The RoundTripper then
// passes requests and responses through untouched (report mode); the middleware still answers
// a bad request itself and, with WithResponseValidation, reports bad responses to f. f may be
// called from many goroutines at once.
func WithReporter(f func(*ValidationError)) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("contract: WithReporter(nil): the reporter must be a function")
		}
		c.report = f
		return nil
	}
}

// WithRequestReporter is WithReporter for a RoundTripper whose caller needs to know which
// request a problem belongs to: f also receives the request sent (for a response problem, the
// request it answers), so that one RoundTripper can serve every request and f can tell them
// apart by what their contexts carry. It applies to NewRoundTripper only; it replaces
// WithReporter's function there.
func WithRequestReporter(f func(req *http.Request, e *ValidationError)) Option {
	return func(c *config) error {
		switch {
		case f == nil:
			return errors.New("contract: WithRequestReporter(nil): the reporter must be a function")
		case c.component != componentRoundTripper:
			return fmt.Errorf("contract: WithRequestReporter applies to NewRoundTripper, not %s", c.component)
		}
		c.reportReq = f
		c.report = func(*ValidationError) {} // report mode; problems go to reportReq
		return nil
	}
}

// WithResponseValidation makes the middleware validate the responses its handler writes. When
// strict is false, a bad response is reported to WithReporter's function and sent as written,
// streamed through as the handler writes it. When strict is true, the response is held back
// until the handler returns and a bad one is replaced by 500 {"errCode":"CSS.9999", ...} naming
// the problems (and reported, if WithReporter is given). The RoundTripper always validates
// responses and rejects this option.
func WithResponseValidation(strict bool) Option {
	return func(c *config) error {
		if c.component != componentMiddleware {
			return fmt.Errorf("contract: WithResponseValidation applies to NewMiddleware, not %s, which always validates responses", c.component)
		}
		c.responses = true
		c.strictReplies = strict
		return nil
	}
}

const (
	componentRoundTripper = "NewRoundTripper"
	componentMiddleware   = "NewMiddleware"
)
