package contract

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// kin-openapi v0.153.0 has no structured field for some of its problems, only these texts
// (openapi3filter/validate_request.go and validate_response.go); the tests pin them.
const (
	reasonBodyMismatch   = "response body doesn't match schema"
	reasonBodyUndecoded  = "failed to decode response body"
	reasonBadContentType = "Content-Type has unexpected value"
	reasonBadStatus      = "status is not supported"
	reasonBodyNotAllowed = "request body not allowed for this request"
)

// problemsOf turns what kin-openapi's ValidateRequest or ValidateResponse returned into
// problems, without quoting header values.
func problemsOf(err error) []Problem {
	var ps []Problem
	var walk func(error)
	walk = func(err error) {
		// Each level of kin-openapi's tree is one problem or a list of them; errors.As would
		// skip levels and find only the first of a kind.
		switch e := err.(type) { //nolint:errorlint // see above
		case nil:
		case openapi3.MultiError:
			for _, err := range e {
				walk(err)
			}
		case *openapi3filter.RequestError:
			ps = append(ps, requestProblems(e)...)
		case *openapi3filter.ResponseError:
			ps = append(ps, responseProblems(e)...)
		case *openapi3filter.SecurityRequirementsError:
			ps = append(ps, securityProblem(e))
		default:
			// An error type this version of kin-openapi does not return; its text might quote
			// a header, so it is left to Unwrap.
			ps = append(ps, Problem{Rule: fmt.Sprintf("does not match the spec (%T)", err)})
		}
	}
	walk(err)
	return ps
}

func requestProblems(e *openapi3filter.RequestError) []Problem {
	switch {
	case e.Parameter != nil:
		in := e.Parameter.In
		return valueProblems(e.Err, e.Reason, in, e.Parameter.Name, in == openapi3.ParameterInHeader || in == openapi3.ParameterInCookie)
	case e.RequestBody != nil && strings.Contains(e.Reason, reasonBadContentType):
		return []Problem{{In: "header", Name: "Content-Type", Rule: "media type is not one the spec declares (" + mediaTypes(e.RequestBody.Content) + ")"}}
	case e.RequestBody != nil:
		return valueProblems(e.Err, e.Reason, "body", "", false)
	case e.Err != nil && e.Err.Error() == reasonBodyNotAllowed:
		return []Problem{{In: "body", Rule: "the operation takes no request body"}}
	}
	return []Problem{{Rule: kinReason(e.Reason, e.Err)}}
}

func responseProblems(e *openapi3filter.ResponseError) []Problem {
	reason := e.Reason
	switch {
	case strings.HasPrefix(reason, reasonBodyMismatch):
		return valueProblems(e.Err, "", "body", "", false)
	case strings.HasPrefix(reason, reasonBodyUndecoded):
		return []Problem{{In: "body", Rule: "cannot be decoded: " + errRule(e.Err, "", false)}}
	case strings.Contains(reason, reasonBadContentType):
		return []Problem{{In: "header", Name: "Content-Type", Rule: "media type is not one the spec declares for this status (" + declaredResponseTypes(e.Input) + ")"}}
	case reason == reasonBadStatus:
		return []Problem{{In: "status", Rule: "status is not declared for this operation"}}
	}
	// The header problems: `response header "X" doesn't match schema`, `unable to decode
	// header "X" value`, `response header "X" missing`.
	if name, ok := quotedName(reason); ok {
		switch {
		case strings.HasSuffix(reason, "missing"):
			return []Problem{{In: "header", Name: name, Keyword: "required", Rule: "is required but missing"}}
		default:
			return valueProblems(e.Err, "", "header", name, true)
		}
	}
	return []Problem{{Rule: kinReason(reason, e.Err)}}
}

// valueProblems describes why a value (a parameter, a header or the body) is wrong. For the
// body, Name becomes the JSON path of each field at fault.
func valueProblems(err error, reason, in, name string, fromHeader bool) []Problem {
	var ps []Problem
	for _, se := range schemaErrors(err) {
		n := name
		if in == "body" {
			n = jsonPath(se.JSONPointer())
		}
		ps = append(ps, Problem{In: in, Name: n, Keyword: se.SchemaField, Rule: schemaRule(se)})
	}
	if len(ps) == 0 {
		ps = append(ps, Problem{In: in, Name: name, Rule: errRule(err, reason, fromHeader)})
	}
	return ps
}

// schemaErrors lists the schema errors at the top of err.
func schemaErrors(err error) []*openapi3.SchemaError {
	switch e := err.(type) { //nolint:errorlint // the top level only, as documented
	case *openapi3.SchemaError:
		return []*openapi3.SchemaError{e}
	case openapi3.MultiError:
		var ses []*openapi3.SchemaError
		for _, err := range e {
			ses = append(ses, schemaErrors(err)...)
		}
		return ses
	}
	return nil
}

// unsupportedRule is the rule of a property the schema does not allow: kin-openapi's words, the
// name (the peer's choice, of any length) quoted by internal/quote as every such value is.
func unsupportedRule(name string) string {
	return "property " + quote.Value(name) + " is unsupported"
}

// boundUnsupported rewrites kin-openapi's `property "<name>" is unsupported`, whose %q quotes
// the whole name, as unsupportedRule does; any other rule is returned as it is.
func boundUnsupported(rule string) string {
	quoted, ok := strings.CutPrefix(rule, "property ")
	if !ok {
		return rule
	}
	quoted, ok = strings.CutSuffix(quoted, " is unsupported")
	if !ok {
		return rule
	}
	name, err := strconv.Unquote(quoted)
	if err != nil {
		return rule
	}
	return unsupportedRule(name)
}

// schemaRule is the reason of se, which kin-openapi writes without the value; for oneOf, anyOf
// and allOf it adds why each alternative failed, such as `value must be a boolean; or value is
// not one of the allowed values ["true","false"]`.
func schemaRule(se *openapi3.SchemaError) string {
	rule := se.Reason
	if rule == "" {
		rule = fmt.Sprintf("does not match the schema's %q", se.SchemaField)
	}
	if se.SchemaField == "properties" {
		rule = boundUnsupported(rule)
	}
	sep := "; or "
	switch se.SchemaField {
	case "allOf":
		sep = "; and "
	case "oneOf", "anyOf":
	default:
		return rule
	}
	subs := nestedSchemaErrors(se.Origin)
	if len(subs) == 0 {
		return rule
	}
	parts := make([]string, len(subs))
	for i, sub := range subs {
		parts[i] = schemaRule(sub)
	}
	return rule + " (" + strings.Join(parts, sep) + ")"
}

// nestedSchemaErrors digs the alternatives out of a oneOf or allOf error's Origin, which wraps
// an unexported MultiError type.
func nestedSchemaErrors(err error) []*openapi3.SchemaError {
	for err != nil {
		switch e := err.(type) { //nolint:errorlint // unwrapping level by level on purpose
		case openapi3.MultiError, *openapi3.SchemaError:
			return schemaErrors(e)
		}
		err = errors.Unwrap(err)
	}
	return nil
}

// errRule describes an error that is not a schema error: a parse error, a missing or empty
// value. From a header, only kin-openapi's fixed texts are kept, never the value.
func errRule(err error, reason string, fromHeader bool) string {
	var pe *openapi3filter.ParseError
	switch {
	case errors.As(err, &pe):
		return parseRule(pe, fromHeader)
	case errors.Is(err, openapi3filter.ErrInvalidRequired), errors.Is(err, openapi3filter.ErrInvalidEmptyValue):
		return err.Error()
	case reason != "":
		return reason
	case err != nil && !fromHeader:
		return err.Error()
	}
	return "value is not valid"
}

// parseRule describes a value kin-openapi could not parse. A ParseError's Error quotes the
// value, so the rule is built from its Reason (such as "an invalid integer") and, for a
// decoder's own error (a JSON syntax error in a body), its cause.
func parseRule(pe *openapi3filter.ParseError, fromHeader bool) string {
	var reasons []string
	var cause error
	for e := pe; e != nil; {
		if e.Reason != "" {
			reasons = append(reasons, e.Reason)
		}
		var next *openapi3filter.ParseError
		if !errors.As(e.Cause, &next) {
			cause = e.Cause
			break
		}
		e = next
	}
	rule := strings.Join(reasons, ": ")
	if strings.HasPrefix(rule, "an invalid ") {
		rule = "value is " + rule
	}
	switch {
	case errors.Is(cause, strconv.ErrRange):
		rule += " (out of range)"
	case cause == nil, errors.Is(cause, strconv.ErrSyntax), fromHeader:
	case rule == "":
		rule = cause.Error()
	default:
		rule += ": " + cause.Error()
	}
	if rule == "" {
		return "value cannot be parsed"
	}
	return rule
}

// kinReason is the text of a kin-openapi error whose reason carries no value.
func kinReason(reason string, err error) string {
	switch {
	case reason != "":
		return reason
	case err != nil:
		return err.Error()
	}
	return "does not match the spec"
}

func securityProblem(e *openapi3filter.SecurityRequirementsError) Problem {
	alts := make([]string, 0, len(e.Errors))
	for _, err := range e.Errors {
		var mc *missingCredential
		if errors.As(err, &mc) {
			alts = append(alts, fmt.Sprintf("header %q for %s", mc.header, mc.scheme))
		} else {
			alts = append(alts, err.Error())
		}
	}
	return Problem{In: "security", Rule: "no credentials: send " + strings.Join(alts, ", or ")}
}

// quotedName returns the first quoted string in s: the header a kin-openapi reason names.
func quotedName(s string) (string, bool) {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return "", false
	}
	q, err := strconv.QuotedPrefix(s[i:])
	if err != nil {
		return "", false
	}
	name, err := strconv.Unquote(q)
	return name, err == nil
}

func declaredResponseTypes(in *openapi3filter.ResponseValidationInput) string {
	if in == nil || in.RequestValidationInput == nil || in.RequestValidationInput.Route == nil {
		return "see the spec"
	}
	responses := in.RequestValidationInput.Route.Operation.Responses
	ref := responses.Status(in.Status)
	if ref == nil {
		ref = responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return "none"
	}
	return mediaTypes(ref.Value.Content)
}

func mediaTypes(c openapi3.Content) string {
	if len(c) == 0 {
		return "none"
	}
	types := make([]string, 0, len(c))
	for t := range c {
		types = append(types, t)
	}
	slices.Sort(types)
	return strings.Join(types, ", ")
}

// jsonPath renders a JSON pointer's segments as connections[0].status.
func jsonPath(segments []string) string {
	var b strings.Builder
	for _, s := range segments {
		switch {
		case isIndex(s):
			b.WriteByte('[')
			b.WriteString(s)
			b.WriteByte(']')
		case isIdent(s):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		default:
			b.WriteByte('[')
			b.WriteString(quote.Value(s)) // a key the peer chose: bounded
			b.WriteByte(']')
		}
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && !isDigit(c) && c != '_' && c != '$' {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
