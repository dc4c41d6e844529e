package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// maxRedirects is how many redirects are followed when the user's client has no CheckRedirect
// of its own (the http.Client default).
const maxRedirects = 10

// newHTTPClient returns the client the requests are sent with: a shallow copy of user, so that
// user is never modified, with the redirect guard, and its transport wrapped in the
// credentials (authTransport, outermost, so that they are the last thing set on a request) and,
// when asked, run-time validation (which sees the request as it goes out).
func (c *Client) newHTTPClient(user *http.Client) (*http.Client, error) {
	hc := *user
	hc.CheckRedirect = guardRedirect(user.CheckRedirect)
	next := user.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if c.cfg.validation != 0 {
		vt, err := newValidatingTransport(next, c.cfg.validation, c.cfg.report, c.cfg.maxResponseSize)
		if err != nil {
			return nil, err
		}
		next = vt
	}
	hc.Transport = &authTransport{next: next, cfg: c.cfg, tokens: c.tokens}
	return &hc, nil
}

// guardRedirect refuses a redirect that would carry the credentials somewhere they were not
// meant for: Go's http.Client drops Authorization on a redirect to another host, but forwards
// X-Auth-Token (and any other custom header) to any host. A redirect to another host (host and
// port), or from https to http, is refused; the rest is left to next, the user's own
// CheckRedirect, or the default limit of 10 redirects.
func guardRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		switch {
		case !strings.EqualFold(req.URL.Host, first.Host):
			return fmt.Errorf("client: refusing a redirect from host %s to host %s, which would receive the credentials", first.Host, quote.Value(req.URL.Host))
		case first.Scheme == "https" && req.URL.Scheme != "https":
			return fmt.Errorf("client: refusing a redirect from https to %s, which would send the credentials in clear text", quote.Value(req.URL.Scheme))
		case next != nil:
			return next(req, via)
		case len(via) >= maxRedirects:
			return fmt.Errorf("client: stopped after %d redirects", maxRedirects)
		}
		return nil
	}
}

// validatingTransport runs every request and response through the contract validator
// (package contract) in report mode, collecting the problems in the attempt's validationSink
// so that the attempt decides what they mean (see ValidationMode), and handing them to the
// user's report function. One contract.RoundTripper serves every request: its reporter
// receives the request, whose context carries the attempt's sink.
//
// The validator routes on the path alone, so it is shown the path without the prefix of the
// endpoint the attempt sends to (the sink's; see endpointPrefix); the request is sent with its
// real URL.
type validatingTransport struct {
	rt *contract.RoundTripper
}

// newValidatingTransport returns the validating transport over next.
func newValidatingTransport(next http.RoundTripper, mode ValidationMode, report func(*contract.ValidationError), limit int64) (*validatingTransport, error) {
	send := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if mode == ValidationFail {
			if ve := sinkOf(r.Context()).requestProblem(); ve != nil {
				closeBody(r)
				return nil, ve // the request breaks the spec: it is not sent
			}
		}
		if orig, ok := r.Context().Value(origURLKey{}).(*url.URL); ok {
			r = r.WithContext(r.Context())
			r.URL = orig
		}
		return next.RoundTrip(r)
	})
	reporter := func(req *http.Request, e *contract.ValidationError) {
		if report != nil {
			report(e)
		}
		sinkOf(req.Context()).add(e)
	}
	rt, err := contract.NewRoundTripper(send, contract.WithRequestReporter(reporter), contract.WithBodyLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("client: run-time validation: %w", err)
	}
	return &validatingTransport{rt: rt}, nil
}

// origURLKey is the context key of a request's URL before stripPrefix.
type origURLKey struct{}

// RoundTrip validates req and its response.
func (t *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	sinkOf(req.Context()).begin()
	return t.rt.RoundTrip(t.stripPrefix(req))
}

// stripPrefix returns req, or a shallow copy of it whose URL path lacks the prefix of the
// attempt's endpoint.
func (t *validatingTransport) stripPrefix(req *http.Request) *http.Request {
	prefix := sinkOf(req.Context()).endpointPrefix()
	if prefix == "" {
		return req
	}
	rest, ok := strings.CutPrefix(req.URL.EscapedPath(), prefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		return req
	}
	path, err := url.PathUnescape(rest)
	if err != nil {
		return req
	}
	u := *req.URL
	u.Path, u.RawPath = path, rest
	out := req.WithContext(context.WithValue(req.Context(), origURLKey{}, req.URL))
	out.URL = &u
	return out
}

// CloseIdleConnections reaches through to the transport below, for http.Client's.
func (t *validatingTransport) CloseIdleConnections() { t.rt.CloseIdleConnections() }

// roundTripFunc is a function that is an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// sinkKey is the context key of the attempt's validationSink.
type sinkKey struct{}

// validationSink collects the problems run-time validation found during one attempt: the
// first with the (last) request, the first with its response. A nil sink collects nothing.
type validationSink struct {
	// prefix is the escaped path, without its final "/", of the endpoint the attempt sends
	// to ("" for none): the configured one's, or the token catalog's. Set before any request.
	prefix   string
	mu       sync.Mutex
	request  *contract.ValidationError
	response *contract.ValidationError
}

// endpointPrefix is the sink's prefix; "" for a nil sink.
func (s *validationSink) endpointPrefix() string {
	if s == nil {
		return ""
	}
	return s.prefix
}

// pathPrefix is the escaped path of endpoint (a URL ending in "/") without its final "/".
func pathPrefix(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.EscapedPath(), "/")
}

func withSink(ctx context.Context, s *validationSink) context.Context {
	return context.WithValue(ctx, sinkKey{}, s)
}

// sinkOf returns the sink of a request's context; nil (which collects nothing) for none.
func sinkOf(ctx context.Context) *validationSink {
	s, _ := ctx.Value(sinkKey{}).(*validationSink)
	return s
}

// begin forgets what an earlier request of the attempt (before a redirect) left.
func (s *validationSink) begin() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.request, s.response = nil, nil
}

func (s *validationSink) add(e *contract.ValidationError) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case e.Direction == contract.DirectionRequest && s.request == nil:
		s.request = e
	case e.Direction == contract.DirectionResponse && s.response == nil:
		s.response = e
	}
}

func (s *validationSink) requestProblem() *contract.ValidationError {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.request
}

func (s *validationSink) responseProblem() *contract.ValidationError {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.response
}
