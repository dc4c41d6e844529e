package contract

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// middleware is the handler NewMiddleware returns.
type middleware struct {
	next      http.Handler
	v         *validator
	responses bool // validate the handler's responses
	strict    bool // and replace a bad one
}

// NewMiddleware returns a handler that validates every request against the spec before next
// sees it and answers a bad one itself, in the service's error shape (Content-Type
// application/json):
//
//   - 400 {"errCode":"CSS.0001","externalMessage":"Incorrect parameters: <problems>"} for a
//     request that breaks the spec, naming each parameter or field and the rule it breaks;
//     among them a query parameter given more than once (unless its schema may be an array)
//     and, like an empty one, a path parameter that is a dot segment, "." or ".." (escaped or
//     not), which URL normalization removes: the path does match the operation, so a 400 that
//     names the parameter says more than a 404 would; a query pair url.ParseQuery drops (an
//     escape that does not decode, a ";"), naming the parameter; and a request target that is
//     not a path (OPTIONS *);
//   - 413 {"errCode":"CSS.0001",...} when a server in front caps request bodies with
//     http.MaxBytesReader and the body is larger;
//   - 404 {"errCode":"CSS.0016",...} for a path no operation of the spec has, routing on the
//     escaped path segment by segment as Go's ServeMux does, so that /clusters/a%2Fb/ is the
//     cluster "a/b";
//   - 405 {"errCode":"CSS.0004",...} with an Allow header for a method the path does not have;
//   - with WithSecurityCheck(true) only, 401 {"error_code":"APIGW.0301","error_msg":...} for a
//     request without credentials, as the API gateway answers it.
//
// The values of the request in these messages are bounded (package internal/quote): a query
// parameter's name and the request target are quoted, 64 bytes of each at most; 64 bytes of the
// method and 256 of the path are kept, as they come (net/http keeps them printable).
//
// A valid request reaches next unchanged. Responses are validated only with
// WithResponseValidation. Every ValidationError goes to WithReporter's function, if given. It
// fails when an option is wrong or the embedded spec does not load.
func NewMiddleware(next http.Handler, opts ...Option) (http.Handler, error) {
	if next == nil {
		return nil, errors.New("contract: NewMiddleware: the next handler is nil")
	}
	c, err := newConfig(componentMiddleware, opts)
	if err != nil {
		return nil, err
	}
	if c.responses && !c.strictReplies && c.report == nil {
		return nil, errors.New("contract: WithResponseValidation(false) reports bad responses to WithReporter's function, and none is given")
	}
	v, err := newValidator(c, c.checkSecurity(false))
	if err != nil {
		return nil, err
	}
	return &middleware{next: next, v: v, responses: c.responses, strict: c.strictReplies}, nil
}

// ServeHTTP routes the request once, validates it, and serves it. It reads the body only once
// the path, the method and the query have passed, and only for an operation that takes a body
// or a body whose length is not declared (only reading tells an empty one): a declared body on
// an operation that takes none is judged from its Content-Length, as kin-openapi judges it.
func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "" || r.URL.Path[0] != '/' {
		// OPTIONS * (the asterisk form), CONNECT host:port (the authority form): no path to
		// route. The request is malformed for this API, as a 400 says.
		target := r.RequestURI
		if target == "" {
			target = r.URL.String()
		}
		m.reject(w, &ValidationError{Direction: DirectionRequest, Method: r.Method, Path: r.URL.EscapedPath(),
			Problems: []Problem{{Rule: "the request target " + quote.Value(target) + " is not a path"}}})
		return
	}
	route, params, verr := m.v.route(r)
	if verr != nil {
		m.reject(w, verr)
		return
	}
	if ps := queryProblems(r.URL.RawQuery); ps != nil {
		m.reject(w, &ValidationError{Direction: DirectionRequest, OperationID: route.Operation.OperationID,
			Method: r.Method, Path: r.URL.EscapedPath(), Problems: ps})
		return
	}
	next, check := r, r
	var body *buffered
	switch {
	case !hasBody(r.Body):
	case route.Operation.RequestBody == nil && r.ContentLength > 0:
		// kin-openapi refuses it from the Content-Length; its security check would read the
		// body, so it gets a copy without one.
		c := *r
		c.Body = http.NoBody
		check = &c
	default:
		data, over, err := readBounded(r.Body, m.v.limit, r.ContentLength)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge): // a server in front caps bodies (http.MaxBytesReader)
			csserr.WriteService(w, http.StatusRequestEntityTooLarge, csserr.BadRequest,
				fmt.Sprintf("Incorrect parameters: the request body is larger than %d bytes", tooLarge.Limit))
			return
		case err != nil:
			csserr.WriteService(w, http.StatusBadRequest, csserr.BadRequest, "Incorrect parameters: the request body cannot be read")
			return
		}
		body = &buffered{data: data, over: over}
		next = new(http.Request)
		*next = *r
		next.Body = restoreBody(data, r.Body, over, nil)
	}
	in, verr := m.v.checkRequest(check, route, params, body)
	if verr != nil {
		m.reject(w, verr)
		return
	}
	switch {
	case !m.responses:
		m.next.ServeHTTP(w, next)
	case m.strict:
		m.serveHeld(w, next, in)
	default:
		m.serveTee(w, next, in)
	}
}

// reject reports verr and answers it.
func (m *middleware) reject(w http.ResponseWriter, verr *ValidationError) {
	if m.v.report != nil {
		m.v.report(verr)
	}
	// The method and the path come from the request, so they are bounded.
	method, path := csserr.Bounded(verr.Method, quote.Max), csserr.Bounded(verr.Path, csserr.MaxPath)
	switch {
	case errors.Is(verr.Err, routers.ErrPathNotFound):
		csserr.WriteService(w, http.StatusNotFound, csserr.NoRoute,
			fmt.Sprintf("Resource not found: no operation of the spec matches %s %s", method, path))
	case errors.Is(verr.Err, routers.ErrMethodNotAllowed):
		w.Header().Set("Allow", strings.Join(verr.Allow, ", "))
		csserr.WriteService(w, http.StatusMethodNotAllowed, csserr.BadMethod,
			fmt.Sprintf("Invalid operation: method %s is not allowed on %s (allowed: %s)", method, path, strings.Join(verr.Allow, ", ")))
	case verr.hasProblemIn("security"):
		// The API gateway checks credentials before the service sees the parameters, so only
		// the credentials are named, in the gateway's own error shape.
		var rules []string
		for _, p := range verr.Problems {
			if p.In == "security" {
				rules = append(rules, p.Rule)
			}
		}
		csserr.Write(w, http.StatusUnauthorized, csserr.Gateway(csserr.GatewayAuth,
			"Incorrect IAM authentication information: "+strings.Join(rules, "; "), ""))
	default:
		csserr.WriteService(w, http.StatusBadRequest, csserr.BadRequest, "Incorrect parameters: "+verr.detail())
	}
}

// serveTee serves the request, passing the response through as it is written, and reports it
// if it breaks the spec.
func (m *middleware) serveTee(w http.ResponseWriter, r *http.Request, in *openapi3filter.RequestValidationInput) {
	tw := &teeWriter{ResponseWriter: w, limit: m.v.limit}
	m.next.ServeHTTP(tw, r)
	status, header := tw.status, tw.header
	if status == 0 { // nothing written: net/http sends 200 with what is in the header map
		status, header = http.StatusOK, w.Header()
	}
	if verr := m.v.checkResponse(in, status, header, &buffered{data: tw.body, over: tw.over}); verr != nil {
		m.v.report(verr)
	}
}

// serveHeld serves the request into a holdWriter and sends the response once it passes
// validation, or a 500 in its place.
func (m *middleware) serveHeld(w http.ResponseWriter, r *http.Request, in *openapi3filter.RequestValidationInput) {
	hw := &holdWriter{header: make(http.Header), limit: m.v.limit}
	m.next.ServeHTTP(hw, r)
	status := hw.status
	if status == 0 {
		status = http.StatusOK
	}
	data := hw.body.Bytes()
	verr := m.v.checkResponse(in, status, hw.header, &buffered{data: data, over: hw.over})
	if verr == nil {
		dst := w.Header()
		for k, v := range hw.header {
			dst[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(data) // the client went away; nothing left to tell it
		return
	}
	if m.v.report != nil {
		m.v.report(verr)
	}
	if id := hw.header.Get(csserr.HeaderRequestID); id != "" {
		w.Header().Set(csserr.HeaderRequestID, id) // lets the replaced response still be traced
	}
	csserr.WriteService(w, http.StatusInternalServerError, csserr.ServerError,
		"Failed to process the request: the response breaks the contract: "+verr.detail())
}
