package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// validator holds what the RoundTripper and the middleware share: the spec and kin-openapi's
// options, both read-only once built, so one validator serves any number of goroutines.
type validator struct {
	spec *spec
	// opts validates everything; optsNoBody leaves out a body that was too large to read.
	opts, optsNoBody *openapi3filter.Options
	limit            int64
	report           func(*ValidationError)
}

func newValidator(c *config, checkSecurity bool) (*validator, error) {
	s, err := loadSpec()
	if err != nil {
		return nil, err
	}
	// kin-openapi fails every request of a secured operation when no AuthenticationFunc is set,
	// so "do not check" is the no-op function rather than none.
	auth := openapi3filter.NoopAuthenticationFunc
	if checkSecurity {
		auth = requireCredential
	}
	opts := &openapi3filter.Options{
		MultiError: true, // report every problem, not the first
		// Defaults would be written into the request's query: the request must go on as sent.
		SkipSettingDefaults:               true,
		RejectWhenRequestBodyNotSpecified: true,
		IncludeResponseStatus:             true,
		AuthenticationFunc:                auth,
		SchemaValidationOptions:           s.formats,
	}
	noBody := *opts
	noBody.ExcludeRequestBody = true
	noBody.ExcludeResponseBody = true
	return &validator{spec: s, opts: opts, optsNoBody: &noBody, limit: c.bodyLimit, report: c.report}, nil
}

// buffered is a body as readBounded read it.
type buffered struct {
	data []byte
	over bool
}

// route finds the operation req is for, routing on the escaped path (see routingRequest), and
// returns it with the decoded path parameters; or it says why there is none:
// routers.ErrPathNotFound, or routers.ErrMethodNotAllowed with the methods the path has.
func (v *validator) route(req *http.Request) (*routers.Route, map[string]string, *ValidationError) {
	rr, escaped, err := routingRequest(req)
	if err != nil {
		return nil, nil, &ValidationError{Direction: DirectionRequest, Method: req.Method, Path: req.URL.EscapedPath(),
			Problems: []Problem{{Rule: "the path is not validly percent-encoded"}}, Err: err}
	}
	route, params, err := v.spec.findRoute(rr)
	if err == nil {
		if escaped {
			for name, value := range params {
				params[name] = segmentUnescaper.Replace(value)
			}
		}
		return route, params, nil
	}
	ve := &ValidationError{Direction: DirectionRequest, Method: req.Method, Path: req.URL.EscapedPath()}
	if allow := v.spec.allowedMethods(rr); len(allow) > 0 {
		ve.Allow = allow
		ve.Err = routers.ErrMethodNotAllowed
		ve.Problems = []Problem{{Rule: fmt.Sprintf("method %s is not allowed (allowed: %s)", req.Method, strings.Join(allow, ", "))}}
	} else {
		ve.Err = routers.ErrPathNotFound
		ve.Problems = []Problem{{Rule: "no operation of the spec matches the path"}}
	}
	return nil, nil, ve
}

// request finds the operation req is for and validates req, whose body (nil when it has none)
// was read into body. The input is nil when no operation matched.
func (v *validator) request(req *http.Request, body *buffered) (*openapi3filter.RequestValidationInput, *ValidationError) {
	route, params, verr := v.route(req)
	if verr != nil {
		return nil, verr
	}
	return v.checkRequest(req, route, params, body)
}

// checkRequest validates req, whose body (nil when it has none) was read into body, against
// the spec and the rules kin-openapi leaves out. req is left as it is: kin-openapi reads and
// replaces the body of the request it is given, so when there is a body it gets a copy of req
// over the buffered bytes.
func (v *validator) checkRequest(req *http.Request, route *routers.Route, params map[string]string, body *buffered) (*openapi3filter.RequestValidationInput, *ValidationError) {
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: v.opts}
	broken := v.spec.rules[route.Operation].check(in)
	if body != nil {
		c := *req
		c.GetBody = nil
		if body.over {
			c.Body = http.NoBody
			in.Options = v.optsNoBody
		} else {
			c.Body = io.NopCloser(bytes.NewReader(body.data))
			c.ContentLength = int64(len(body.data))
		}
		in.Request = &c
	}
	err := joinRuleErrors(broken, openapi3filter.ValidateRequest(req.Context(), in))
	trailing := trailingData(req.Header.Get("Content-Type"), body)
	if err == nil && (body == nil || !body.over) && !trailing {
		return in, nil
	}
	return in, v.failure(DirectionRequest, in, 0, err, body, trailing)
}

// checkResponse validates a response to the request that in describes. A JSON body whose
// schema the body check compiled (bodycheck.go) is checked in one pass over its bytes, with
// the verdicts of kin-openapi (a fuzz target holds it to them) in bounded memory; kin-openapi
// still checks the status and the headers, and every other body.
func (v *validator) checkResponse(in *openapi3filter.RequestValidationInput, status int, header http.Header, body *buffered) *ValidationError {
	if !body.over {
		if bc := v.spec.bodies.forResponse(in.Request.Method, in.Route.Operation, status, header.Get("Content-Type")); bc != nil {
			return v.checkResponseFast(bc, in, status, header, body)
		}
	}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: v.opts}
	if body.over {
		rin.Options = v.optsNoBody
	}
	rin.SetBodyBytes(body.data)
	err := openapi3filter.ValidateResponse(in.Request.Context(), rin)
	trailing := trailingData(header.Get("Content-Type"), body)
	if err == nil && !body.over && !trailing {
		return nil
	}
	return v.failure(DirectionResponse, in, status, err, body, trailing)
}

// checkResponseFast is checkResponse for a body the body check bc covers.
func (v *validator) checkResponseFast(bc *bodyCheck, in *openapi3filter.RequestValidationInput, status int, header http.Header, body *buffered) *ValidationError {
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: v.optsNoBody}
	if err := openapi3filter.ValidateResponse(in.Request.Context(), rin); err != nil {
		// kin-openapi stops at a status or header problem before it reads the body: so does
		// this, for the same verdict.
		return v.failure(DirectionResponse, in, status, err, nil, false)
	}
	ps, total, trailing, err := bc.check(body.data, MaxProblems)
	// The cause is a *openapi3filter.ResponseError, as kin-openapi's would be, so that
	// errors.As finds the same type; what it wraps is the body check's *BodyError rather than
	// kin-openapi's schema errors, which the body check does not build.
	var cause error
	switch {
	case err != nil:
		ps, total, trailing = []Problem{undecodedProblem(err)}, 1, false
		cause = &openapi3filter.ResponseError{Input: rin, Reason: reasonBodyUndecoded, Err: &BodyError{Problems: ps, Err: err}}
	case total > 0:
		cause = &openapi3filter.ResponseError{Input: rin, Reason: reasonBodyMismatch, Err: &BodyError{Problems: ps, More: total - len(ps)}}
	case !trailing:
		return nil
	}
	return v.build(DirectionResponse, in, status, ps, total-len(ps), cause, nil, trailing)
}

// BodyError is the Err of a ValidationError whose response body the body check judged: the
// problems it found (the first MaxProblems, More counts the rest) or, for a body that is not
// JSON, the decoder's error. It quotes no value of the body.
type BodyError struct {
	// Problems are the body's problems, as in the ValidationError.
	Problems []Problem
	// More is how many more there are.
	More int
	// Err is the decoding error of a body that is not JSON; nil otherwise.
	Err error
}

// Error joins the problems on one line.
func (e *BodyError) Error() string {
	return "contract: the response body breaks the spec: " + (&ValidationError{Problems: e.Problems, More: e.More}).detail()
}

// Unwrap returns the decoding error, if any.
func (e *BodyError) Unwrap() error { return e.Err }

// failure builds the ValidationError for err (which may be nil when only the body was too
// large, or held data after its JSON value).
func (v *validator) failure(dir Direction, in *openapi3filter.RequestValidationInput, status int, err error, body *buffered, trailing bool) *ValidationError {
	return v.build(dir, in, status, problemsOf(err), 0, err, body, trailing)
}

// build is the one place a ValidationError is made: ps, with more found and not listed, the
// body's own problems (too large to validate, data after its value) added, the first
// MaxProblems kept and the rest counted.
func (v *validator) build(dir Direction, in *openapi3filter.RequestValidationInput, status int, ps []Problem, more int, err error, body *buffered, trailing bool) *ValidationError {
	if body != nil && body.over {
		ps = append(ps, Problem{In: "body", Rule: fmt.Sprintf("is larger than the %d-byte limit, so it was not validated", v.limit)})
		err = errors.Join(ErrBodyTooLarge, err)
	}
	if trailing {
		ps = append(ps, Problem{In: "body", Rule: "holds more data after its JSON value"})
		err = errors.Join(ErrTrailingData, err)
	}
	ps, dropped := capProblems(ps)
	return &ValidationError{
		Direction:   dir,
		OperationID: in.Route.Operation.OperationID,
		Method:      in.Request.Method,
		Path:        in.Request.URL.EscapedPath(),
		StatusCode:  status,
		Problems:    ps,
		More:        more + dropped,
		Err:         err,
	}
}

// ErrTrailingData is found (errors.Is) in the Err of a ValidationError whose JSON body holds
// more than one value, such as {...}x or {...}{...}: kin-openapi decodes the first value only,
// while a client decoding the body whole refuses it.
var ErrTrailingData = errors.New("contract: data after the JSON body")

// trailingData reports whether a JSON body (by its Content-Type) holds data after its first
// value. json.Valid scans the body once; only a body it refuses is decoded again to tell
// trailing data (the first value decodes) from a broken value, which kin-openapi reports.
func trailingData(contentType string, body *buffered) bool {
	if body == nil || body.over || len(body.data) == 0 || !strings.Contains(strings.ToLower(contentType), "json") ||
		json.Valid(body.data) {
		return false
	}
	var first json.RawMessage
	return json.NewDecoder(bytes.NewReader(body.data)).Decode(&first) == nil
}
