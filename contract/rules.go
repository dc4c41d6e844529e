package contract

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// paramRules are the checks of an operation's parameters that kin-openapi v0.153.0 leaves out,
// each a way for a request to mean something other than what was validated:
//
//   - A query parameter that cannot be an array is given at most once. kin-openapi judges one
//     of the values (the first non-empty one) and the others go unchecked, so ?limit=1&limit=5000
//     passed where ?limit=5000&limit=1 did not, and a server may read any of them.
//   - A path parameter is not a dot segment, "." or "..": URL normalization (a client resolving
//     the URL, a proxy, Go's ServeMux redirecting to the clean path) removes the segment, so it
//     can never reach the service as the parameter's value. minLength 1 lets it through.
type paramRules struct {
	single []*openapi3.Parameter // query parameters that must not repeat
	path   []*openapi3.Parameter
}

// newParamRules collects the rules of op, whose path item is item; an operation's parameter
// replaces the path item's of the same name and location, as in kin-openapi.
func newParamRules(item *openapi3.PathItem, op *openapi3.Operation) *paramRules {
	r := &paramRules{}
	add := func(p *openapi3.Parameter) {
		switch {
		case p.In == openapi3.ParameterInPath:
			r.path = append(r.path, p)
		case p.In == openapi3.ParameterInQuery && !repeatable(p):
			r.single = append(r.single, p)
		}
	}
	for _, ref := range item.Parameters {
		if ref.Value != nil && op.Parameters.GetByInAndName(ref.Value.In, ref.Value.Name) == nil {
			add(ref.Value)
		}
	}
	for _, ref := range op.Parameters {
		if ref.Value != nil {
			add(ref.Value)
		}
	}
	return r
}

// repeatable reports whether a query parameter may be given more than once: when its schema
// (for a content parameter, the JSON one kin-openapi decodes) may be an array, which
// kin-openapi reads from all the values.
func repeatable(p *openapi3.Parameter) bool {
	ref := p.Schema
	if mt := p.Content.Get("application/json"); mt != nil {
		ref = mt.Schema
	}
	return mayBeArray(ref, map[*openapi3.Schema]bool{})
}

func mayBeArray(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) bool {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return false
	}
	s := ref.Value
	seen[s] = true
	if s.Type.Includes(openapi3.TypeArray) {
		return true
	}
	for _, alternatives := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, alt := range alternatives {
			if mayBeArray(alt, seen) {
				return true
			}
		}
	}
	return false
}

// check returns a *openapi3filter.RequestError for every rule the request of in breaks, with
// Reason saying why. Repeats are counted as
// url.ParseQuery (which kin-openapi and the generated server read the query with) counts them:
// a pair it drops, such as one that does not decode, does not count.
func (r *paramRules) check(in *openapi3filter.RequestValidationInput) []*openapi3filter.RequestError {
	var broken []*openapi3filter.RequestError
	for _, p := range r.path {
		if v := in.PathParams[p.Name]; v == "." || v == ".." {
			broken = append(broken, &openapi3filter.RequestError{Input: in, Parameter: p,
				Reason: fmt.Sprintf("%q is a dot segment, which URL normalization removes", v)})
		}
	}
	var query url.Values // parsed only when some parameter must not repeat
	for _, p := range r.single {
		if query == nil {
			query, _ = url.ParseQuery(in.Request.URL.RawQuery) // kin-openapi drops the error too
		}
		n := len(query[p.Name])
		if n > 1 {
			broken = append(broken, &openapi3filter.RequestError{Input: in, Parameter: p,
				Reason: fmt.Sprintf("appears %d times, at most once allowed", n)})
		}
	}
	return broken
}

// joinRuleErrors puts the rules' errors before what kin-openapi returned (nil, one error or an
// openapi3.MultiError), leaving out kin-openapi's errors about a parameter a rule rejects: of
// a repeated one it judged a single value, so its verdict would depend on the order of the
// values, and of a dot segment it has nothing to add.
func joinRuleErrors(broken []*openapi3filter.RequestError, kin error) error {
	if len(broken) == 0 {
		return kin
	}
	all := make(openapi3.MultiError, 0, len(broken))
	for _, e := range broken {
		all = append(all, e)
	}
	kinErrs, ok := kin.(openapi3.MultiError) //nolint:errorlint // the top level is the list kin-openapi built
	if !ok && kin != nil {
		kinErrs = openapi3.MultiError{kin}
	}
	for _, err := range kinErrs {
		if re, ok := err.(*openapi3filter.RequestError); ok && re.Parameter != nil && rejects(broken, re.Parameter) { //nolint:errorlint // as above
			continue
		}
		all = append(all, err)
	}
	return all
}

// rejects reports whether one of the rules' errors is about p.
func rejects(broken []*openapi3filter.RequestError, p *openapi3.Parameter) bool {
	for _, e := range broken {
		if e.Parameter.In == p.In && e.Parameter.Name == p.Name {
			return true
		}
	}
	return false
}

// queryProblems returns a problem for every pair of a query string that url.ParseQuery (which
// kin-openapi and the generated server read the query with) drops without a word: one with an
// escape that does not decode, such as limit=%zz, or with a ";", such as limit=1;offset=2,
// which some servers split on and Go does not. kin-openapi then validates the query without
// the pair, and the server answers as if it had not been sent (the default page), so the
// request means something other than what was validated. nil for a query that parses whole,
// at the cost of one scan of it.
//
// The middleware applies this rule before the others; the validator shared with the
// RoundTripper does not, so that it keeps agreeing with kin-openapi on every query the rule
// would reject (FuzzValidator_request holds it to that).
func queryProblems(rawQuery string) []Problem {
	if parses(rawQuery) {
		return nil
	}
	var ps []Problem
	for pair := range strings.SplitSeq(rawQuery, "&") {
		if parses(pair) {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		// The name as decoded, or as sent when it does not decode; an escape error quotes the
		// escape alone, at most three bytes.
		name, err := url.QueryUnescape(key)
		if err != nil {
			name = key
		} else {
			_, err = url.QueryUnescape(value)
		}
		p := Problem{In: "query", Name: boundName(name), Rule: `holds ";", which does not separate query parameters; use "&"`}
		if err != nil {
			p.Rule = err.Error() // invalid URL escape "%zz"
		}
		ps = append(ps, p)
	}
	return ps
}

// parses reports whether url.ParseQuery takes every pair of a query: no ";", and every "%"
// followed by two hex digits.
func parses(rawQuery string) bool {
	for i := 0; i < len(rawQuery); i++ {
		switch rawQuery[i] {
		case ';':
			return false
		case '%':
			if i+2 >= len(rawQuery) || !isHex(rawQuery[i+1]) || !isHex(rawQuery[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

// boundName bounds a parameter name from the request for Problem.Name, which Problem.String
// quotes whole: a longer name than quote.Max bytes is made one printable line of that many,
// marked with quote.Ellipsis.
func boundName(name string) string {
	if len(name) <= quote.Max {
		return name
	}
	return quote.Line(name, quote.Max)
}
