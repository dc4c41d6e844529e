package contract

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// Direction says whether a ValidationError is about a request or a response.
type Direction string

const (
	// DirectionRequest marks a problem with a request.
	DirectionRequest Direction = "request"
	// DirectionResponse marks a problem with a response (to a valid request or not).
	DirectionResponse Direction = "response"
)

// ErrBodyTooLarge is wrapped by ValidationError.Err when a body was larger than the limit set
// with WithBodyLimit: such a body is not validated, and that alone is reported.
var ErrBodyTooLarge = errors.New("contract: body exceeds the size limit")

// ValidationError is a request or a response that breaks the spec. It names the operation, the
// direction and every problem found; Err is what kin-openapi returned (an
// *openapi3filter.RequestError, *openapi3filter.ResponseError, *openapi3filter.SecurityRequirementsError,
// openapi3.MultiError of those, or routers.ErrPathNotFound / routers.ErrMethodNotAllowed), so
// errors.As reaches kin-openapi's types through it. A JSON response body is judged by a check
// compiled from the spec, with kin-openapi's verdicts and problems in one pass and bounded
// memory: its Err is a *openapi3filter.ResponseError wrapping a *BodyError (not kin-openapi's
// schema errors, which are never built for it). A parameter that breaks a rule kin-openapi
// does not check (a query parameter given more than once, a path parameter "." or "..") has an
// *openapi3filter.RequestError of its own, with Parameter set and Reason saying why; a path that
// is not validly percent-encoded has a url.EscapeError.
//
// Error never quotes a header value, since credentials travel in headers (X-Auth-Token,
// Authorization), nor the query string. The errors under Err may quote values, headers included:
// do not log them unfiltered.
type ValidationError struct {
	// Direction is DirectionRequest or DirectionResponse.
	Direction Direction
	// OperationID names the operation matched, such as ShowVpcepConnection; empty when no
	// operation of the spec matches the request.
	OperationID string
	// Method is the request's method (the method of the request a response answers).
	Method string
	// Path is the request's path, escaped, without the query (which might carry a signature).
	Path string
	// StatusCode is the response's status; 0 for a request.
	StatusCode int
	// Allow lists the methods the spec has for Path when the method is not one of them.
	Allow []string
	// Problems lists what is wrong, at least one entry and at most MaxProblems: the first
	// ones found, in the order kin-openapi reports them.
	Problems []Problem
	// More is how many further problems were found and left out of Problems, so that a body
	// of half a million broken objects gives a short error, not megabytes of one.
	More int
	// Err is the underlying error (see the type's comment).
	Err error
}

// MaxProblems is how many problems a ValidationError lists; More counts the rest.
const MaxProblems = 20

// Bounds of what a ValidationError's message takes from the traffic it judges: a problem's
// field or parameter name (a JSON key the peer chose, the path of the request), a rule's text,
// the method (a 405's is any token the peer sent).
const (
	maxNameLen   = 128
	maxRuleLen   = 256
	maxPathLen   = 256
	maxMethodLen = 64
)

// Problem is one broken rule: where (In and Name) and what (Rule and Keyword).
type Problem struct {
	// In is where the problem is: "path", "query", "header" or "cookie" for a parameter or a
	// response header, "body", "security" (credentials), "status", or "" when the request
	// matches no operation.
	In string
	// Name is the parameter or header name, or for the body the JSON path of the field, such as
	// connections[0].status; empty for the body as a whole.
	Name string
	// Keyword is the JSON Schema keyword broken, such as "enum" or "maximum"; empty when the
	// problem is not a schema rule.
	Keyword string
	// Rule says what is wrong, never quoting the value (except a dot segment, "." or "..",
	// which is all there is to say), such as
	// `value is not one of the allowed values ["accepted","rejected"]`.
	Rule string
}

// String renders p as `query parameter "limit": number must be at most 1000` or
// `connections[0].status: value is not one of the allowed values ["accepted","rejected"]`.
func (p Problem) String() string {
	var where string
	switch p.In {
	case "":
		return p.Rule
	case "path", "query", "cookie":
		where = p.In + " parameter " + strconv.Quote(p.Name)
	case "header":
		where = "header " + strconv.Quote(p.Name)
	case "body":
		where = p.Name
		if where == "" {
			where = "body"
		}
	default:
		where = p.In
	}
	return where + ": " + p.Rule
}

// Error renders e on one line: the direction, the request, the operation and every problem.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("contract: ")
	b.WriteString(string(e.Direction))
	if e.Direction == DirectionResponse {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteString(" to")
	}
	b.WriteByte(' ')
	b.WriteString(quote.Line(e.Method, maxMethodLen))
	b.WriteByte(' ')
	b.WriteString(quote.Line(e.Path, maxPathLen))
	if e.OperationID != "" {
		b.WriteString(" (")
		b.WriteString(e.OperationID)
		b.WriteByte(')')
	}
	b.WriteString(": ")
	b.WriteString(e.detail())
	return b.String()
}

// Unwrap returns Err.
func (e *ValidationError) Unwrap() error { return e.Err }

// detail joins the problems, for Error and for the middleware's error bodies, each one line
// with its name and rule bounded, and says how many more there are.
func (e *ValidationError) detail() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		p.Name, p.Rule = quote.Line(p.Name, maxNameLen), quote.Line(p.Rule, maxRuleLen)
		b.WriteString(p.String())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "; and %d more", e.More)
	}
	return b.String()
}

// capProblems keeps the first MaxProblems of ps and counts the rest.
func capProblems(ps []Problem) ([]Problem, int) {
	if len(ps) <= MaxProblems {
		return ps, 0
	}
	return slices.Clip(ps[:MaxProblems]), len(ps) - MaxProblems
}

// hasProblemIn reports whether a problem is located in in.
func (e *ValidationError) hasProblemIn(in string) bool {
	for _, p := range e.Problems {
		if p.In == in {
			return true
		}
	}
	return false
}
