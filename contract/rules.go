package contract

import (
	"fmt"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
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
