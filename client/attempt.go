package client

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// exchange is what one operation's method gives the attempt helper: the operation, how to
// build its request (a generated api.NewXxxRequest over the client's endpoint), what the log
// says of it, and how to decode a successful answer. Everything else an attempt does is the
// same for every operation and lives in attemptOnce.
type exchange[T any] struct {
	op    *Operation
	attrs []any // the call's own log attributes, such as offset and limit
	build func(server, projectID string) (*http.Request, error)
	// decode turns the body of a 200 answer into the result. It may return an *APIError
	// (through a.errorIn2xx) for a body that carries a CSS error code.
	decode func(a *attempt, r *reply) (T, error)
}

// reply is a 2xx answer, read whole within the size limit.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// call makes the attempts of one call of x until one succeeds or the retry rules end it.
func call[T any](ctx context.Context, c *Client, x exchange[T]) (T, error) {
	var out T
	if c.cfg.dryRun != nil {
		return out, plan(c, x)
	}
	err := c.retry(ctx, x.op, x.attrs, func(ctx context.Context, a *attempt) (*http.Response, error) {
		v, resp, err := attemptOnce(ctx, c, a, x)
		out = v
		return resp, err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// attemptTarget returns the endpoint and the project ID of the attempt's path. With a password
// it gets the attempt's token here, once, for the path (the token's project, and the catalog's
// endpoint when nothing but a project name gave one) and for authTransport, which puts it on
// the requests: one look at the token source per attempt.
func (c *Client) attemptTarget(ctx context.Context, a *attempt) (ep endpoint, projectID string, err error) {
	if c.tokens == nil {
		projectID, err = c.projectID(ctx)
		return endpoint{c.server, c.prefix}, projectID, err
	}
	tok, err := c.tokens.get(ctx)
	if err != nil {
		return endpoint{}, "", err
	}
	a.issued = tok
	ep, err = c.endpointFor(tok)
	return ep, cmp.Or(c.cfg.projectID, tok.projectID), err
}

// endpoint is where an attempt's requests go: the base URL, ending in "/", and its escaped
// path without the final "/" (for run-time validation, see validationSink).
type endpoint struct{ server, prefix string }

// endpointFor is the CSS endpoint of requests sent with tok: the catalog's when the
// configured one was only guessed from the project's name (see NewFromEnv) or when none was
// configured; an error wrapping ErrNoEndpoint when none was and the catalog names none.
func (c *Client) endpointFor(tok *issued) (endpoint, error) {
	switch {
	case (c.cfg.endpointGuessed || c.server == "") && tok.css != "":
		return endpoint{tok.css, tok.cssPrefix}, nil
	case c.server == "":
		return endpoint{}, errNoCatalogEndpoint
	}
	return endpoint{c.server, c.prefix}, nil
}

// errNoCatalogEndpoint is the error of a call with a password and no endpoint configured, when
// the token's catalog names no CSS endpoint either.
// The call's error wraps it with the client's prefix and the operation.
var errNoCatalogEndpoint = fmt.Errorf("%w: the catalog of the token IAM issued names no CSS endpoint (service type css, public): use WithEndpoint or WithRegion", ErrNoEndpoint)

// attemptOnce is one attempt: build the request, set the headers, send it (the client's
// transport puts the credentials on last, see authTransport), read the answer within the
// limits, and turn it into the result or a typed error. The whole response is read here, so
// that a connection lost while the body arrives fails this attempt (and may be retried)
// rather than the caller's read. Every text taken from the answer goes through a's masker.
func attemptOnce[T any](ctx context.Context, c *Client, a *attempt, x exchange[T]) (T, *http.Response, error) {
	var zero T
	ep, projectID, err := c.attemptTarget(ctx, a)
	if errors.Is(err, errNoCatalogEndpoint) {
		return zero, nil, fmt.Errorf("client: %s: %w", x.op.ID, err)
	}
	if err != nil {
		return zero, nil, err
	}
	var sink *validationSink
	if c.cfg.validation != 0 {
		sink = &validationSink{prefix: ep.prefix}
		ctx = withSink(ctx, sink)
	}
	ctx = httptrace.WithClientTrace(withAttempt(ctx, a), a.trace())
	resp, err := send(ctx, c, a, x, ep.server, projectID)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && c.tokens != nil && !a.renewed {
		// The token IAM gave was refused (revoked, or expired early): get a new one, once,
		// and send again. A 401 comes from the gateway, before the service acts.
		drainAndClose(resp.Body)
		a.renewed = true
		tok, rerr := c.tokens.renew(ctx, a.issued)
		if rerr != nil {
			return zero, nil, rerr
		}
		a.issued = tok
		resp, err = send(ctx, c, a, x, ep.server, projectID)
	}
	if err != nil {
		return zero, nil, err
	}
	defer drainAndClose(resp.Body)
	a.status, a.requestID = resp.StatusCode, a.mask.requestID(resp.Header)

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(x.op.ID, resp, readErrorBody(resp.Body, c.cfg.maxResponseSize), time.Now(), a.mask)
		apiErr.validation = a.mask.validation(sink.responseProblem())
		return zero, resp, apiErr
	}
	if resp.StatusCode != http.StatusOK {
		// The spec's only success is 200; a 202 is how the service says CSS.0011 (another
		// operation is in progress), and any 2xx with a CSS error code is that error. Such a
		// body is read as an error body is, within its own bound.
		r := &reply{status: resp.StatusCode, header: resp.Header, body: readErrorBody(resp.Body, c.cfg.maxResponseSize)}
		if apiErr := a.errorIn2xx(x.op, r, decodeErrFields(r.body)); apiErr != nil {
			apiErr.validation = a.mask.validation(sink.responseProblem())
			return zero, resp, apiErr
		}
		return zero, resp, a.responseError(x.op, r, fmt.Errorf("status %d is not the documented 200", resp.StatusCode))
	}
	body, release, err := readBody(resp.Body, resp.ContentLength, c.cfg.maxResponseSize)
	defer release()
	switch {
	case errors.Is(err, ErrResponseTooLarge):
		return zero, resp, fmt.Errorf("client: %s: %w", x.op.ID, err)
	case err != nil:
		return zero, resp, fmt.Errorf("client: %s: reading the response body: %w", x.op.ID, a.mask.err(err))
	}
	r := &reply{status: resp.StatusCode, header: resp.Header, body: body}
	// A 200 carrying a CSS error code is the service's error, as a 4xx is, whether or not it
	// also breaks the spec (the validation problem then travels with it, as for a 4xx).
	ve := sink.responseProblem()
	if ve != nil && c.cfg.validation == ValidationFail {
		// Refused either way: the error fields alone are looked for, not the whole result.
		if apiErr := a.errorIn2xx(x.op, r, decodeErrFields(body)); apiErr != nil {
			apiErr.validation = a.mask.validation(ve)
			return zero, resp, apiErr
		}
		return zero, resp, a.responseError(x.op, r, a.mask.validation(ve))
	}
	v, err := x.decode(a, r)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		apiErr.validation = a.mask.validation(ve)
		return zero, resp, apiErr
	case err != nil:
		return zero, resp, a.responseError(x.op, r, a.mask.err(err))
	}
	return v, resp, nil
}

// send builds the request of x, sets its headers and sends it; the client's transport adds the
// credentials. A failure to send is a *SendError.
func send[T any](ctx context.Context, c *Client, a *attempt, x exchange[T], server, projectID string) (*http.Response, error) {
	req, err := x.build(server, projectID)
	if err != nil { // the generated builders fail only on values the methods have checked
		return nil, fmt.Errorf("client: %s: building the request: %w", x.op.ID, err)
	}
	req = req.WithContext(ctx)
	c.setHeaders(req)
	a.method, a.path, a.url = req.Method, req.URL.EscapedPath(), req.URL.String()
	resp, err := c.hc.Do(req)
	if err != nil {
		if resp != nil { // a refused redirect comes with the last response, already closed
			_ = resp.Body.Close()
		}
		return nil, a.sendError(x.op, err)
	}
	return resp, nil
}

// setHeaders sets the headers every request carries. The credentials are not among them: the
// client's transport sets them, after everything else (authTransport).
func (c *Client) setHeaders(req *http.Request) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.userAgent)
	if c.cfg.projectHeader {
		req.Header.Set("X-Project-Id", c.cfg.projectID)
	}
}

// attempt is what one try of a call records: for the log, for the retry decision (was the
// request written?) and for masking (the secrets the attempt sent).
type attempt struct {
	n         int
	method    string
	path      string
	url       string // the URL the client built, for errors
	status    int
	requestID string
	attrs     []any // the call's own: offset, limit
	mask      *masker

	issued  *issued // WithPassword's token for the attempt's requests, got once by attemptTarget
	renewed bool    // the attempt renewed the token once already

	gotConn atomic.Bool // a connection was obtained for a request of the attempt
	wrote   atomic.Bool // a request of the attempt was written whole
}

// attemptKey is the context key of the attempt a request belongs to.
type attemptKey struct{}

func withAttempt(ctx context.Context, a *attempt) context.Context {
	return context.WithValue(ctx, attemptKey{}, a)
}

func attemptOf(ctx context.Context) *attempt {
	a, _ := ctx.Value(attemptKey{}).(*attempt)
	return a
}

// trace records whether a connection was obtained and whether a request was written whole,
// which is what tells an attempt that provably did not reach the service (see notProcessed).
func (a *attempt) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { a.gotConn.Store(true) },
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				a.wrote.Store(true)
			}
		},
	}
}

// errorIn2xx returns the *APIError of a 2xx answer whose body carries a CSS error code, nil
// for one that does not.
func (a *attempt) errorIn2xx(op *Operation, r *reply, f errFields) *APIError {
	if f.Code() == "" {
		return nil
	}
	return newAPIErrorFields(op.ID, r.status, r.header, f, time.Now(), a.mask)
}

// responseError is the *ResponseError of a 2xx answer that cannot be used.
func (a *attempt) responseError(op *Operation, r *reply, err error) *ResponseError {
	return &ResponseError{Operation: op.ID, StatusCode: r.status, RequestID: a.requestID, Err: err}
}
