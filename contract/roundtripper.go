package contract

import (
	"fmt"
	"net/http"
)

// RoundTripper is an http.RoundTripper that validates every request it sends and every response
// it receives against the spec. kin-openapi has no such transport (getkin/kin-openapi#195).
//
// By default it fails: a request that breaks the spec is not sent and a response that breaks
// it is closed, and RoundTrip returns a *ValidationError (http.Client wraps it in a *url.Error;
// errors.As finds it). With WithReporter it reports instead and passes everything through
// untouched; the response to a request that matches no operation is then not validated, since
// there is nothing to validate it against. Either way the body a caller reads is the body the
// server sent: it is read for validation up to the limit (WithBodyLimit) and put back.
type RoundTripper struct {
	next      http.RoundTripper
	v         *validator
	reportReq func(*http.Request, *ValidationError) // WithRequestReporter, else nil
}

// NewRoundTripper returns a RoundTripper that sends through next (http.DefaultTransport when
// nil). It checks by default that a request carries a credential (WithSecurityCheck). It fails
// when an option is wrong or, which only a broken build can cause, the embedded spec does not
// load.
func NewRoundTripper(next http.RoundTripper, opts ...Option) (*RoundTripper, error) {
	c, err := newConfig(componentRoundTripper, opts)
	if err != nil {
		return nil, err
	}
	v, err := newValidator(c, c.checkSecurity(true))
	if err != nil {
		return nil, err
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &RoundTripper{next: next, v: v, reportReq: c.reportReq}, nil
}

// RoundTrip validates req, sends it through the next transport, and validates the response.
func (rt *RoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	out, body, err := rt.bufferRequest(req)
	if err != nil {
		return nil, err
	}
	in, verr := rt.v.request(req, body)
	if verr != nil {
		if rt.v.report == nil {
			if hasBody(out.Body) {
				out.Body.Close() // RoundTrip closes the body even when it fails
			}
			return nil, verr
		}
		rt.report(req, verr)
	}

	resp, err := rt.next.RoundTrip(out)
	if err != nil || in == nil {
		return resp, err
	}
	if resp.Body == nil { // http.Transport never does this, a hand-written transport might
		resp.Body = http.NoBody
	}

	data, over, readErr := readBounded(resp.Body, rt.v.limit, resp.ContentLength)
	if readErr != nil {
		// The body did not arrive whole, so it cannot be judged. Failing, say why; reporting,
		// hand the caller what arrived and the same error after it.
		if rt.v.report == nil {
			resp.Body.Close()
			return nil, fmt.Errorf("contract: reading the response body of %s %s: %w", req.Method, req.URL.EscapedPath(), readErr)
		}
		resp.Body = restoreBody(data, resp.Body, over, readErr)
		return resp, nil
	}
	if verr := rt.v.checkResponse(in, resp.StatusCode, resp.Header, &buffered{data: data, over: over}); verr != nil {
		if rt.v.report == nil {
			resp.Body.Close()
			return nil, verr
		}
		rt.report(req, verr)
	}
	resp.Body = restoreBody(data, resp.Body, over, nil)
	return resp, nil
}

// report hands verr, a problem of req or of its response, to the reporter.
func (rt *RoundTripper) report(req *http.Request, verr *ValidationError) {
	if rt.reportReq != nil {
		rt.reportReq(req, verr)
		return
	}
	rt.v.report(verr)
}

// bufferRequest reads the request body for validation without taking it from the next
// transport. With GetBody (set by http.NewRequest for in-memory bodies) a second copy is read
// and req goes on unchanged; otherwise the body is read here and a shallow copy of req goes on
// with a body that yields the same bytes, so req itself is never modified.
func (rt *RoundTripper) bufferRequest(req *http.Request) (*http.Request, *buffered, error) {
	if !hasBody(req.Body) {
		return req, nil, nil
	}
	if req.GetBody != nil {
		if b, err := req.GetBody(); err == nil {
			data, over, err := readBounded(b, rt.v.limit, req.ContentLength)
			b.Close()
			if err == nil {
				return req, &buffered{data: data, over: over}, nil
			}
		}
	}
	data, over, err := readBounded(req.Body, rt.v.limit, req.ContentLength)
	if err != nil {
		req.Body.Close()
		return nil, nil, fmt.Errorf("contract: reading the request body of %s %s: %w", req.Method, req.URL.EscapedPath(), err)
	}
	out := *req
	out.Body = restoreBody(data, req.Body, over, nil)
	return &out, &buffered{data: data, over: over}, nil
}

// CloseIdleConnections closes the idle connections of the next transport, if it keeps any, so
// that http.Client.CloseIdleConnections reaches through this RoundTripper.
func (rt *RoundTripper) CloseIdleConnections() {
	if c, ok := rt.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
