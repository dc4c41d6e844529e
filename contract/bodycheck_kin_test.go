package contract

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"iter"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/cssvpcep/cssvpcep/api"
)

// The reference the body check is held to: what contract reports today, from kin-openapi, for
// a response body.

// bodyCase is a schema the tests compile, with what kin-openapi says of a body for it.
type bodyCase struct {
	name     string
	schema   *openapi3.Schema
	examples []any
	check    *bodyCheck
	// kin returns contract's problems for body from kin-openapi.
	kin func(tb testing.TB, body []byte) []Problem
}

// bodyCases lists every response body schema of the embedded spec (held to the whole of
// ValidateResponse) and the schemas of testdata/bodycheck_zoo.yaml (held to VisitJSON as
// ValidateResponse calls it), compiled.
var bodyCases = sync.OnceValues(func() ([]bodyCase, error) {
	var cases []bodyCase
	responses, err := specResponses()
	if err != nil {
		return nil, err
	}
	formats := bodyFormats{strings: contractFormats()}
	for _, r := range responses {
		bc, err := compileBody(r.mt.Schema, formats)
		if err != nil {
			return nil, err
		}
		var examples []any
		for _, k := range slices.Sorted(maps.Keys(r.mt.Examples)) {
			examples = append(examples, r.mt.Examples[k].Value.Value)
		}
		if r.mt.Example != nil {
			examples = append(examples, r.mt.Example)
		}
		cases = append(cases, bodyCase{name: r.name, schema: r.mt.Schema.Value, examples: examples, check: bc,
			kin: func(tb testing.TB, body []byte) []Problem { return kinResponseProblems(tb, r, body) }})
	}
	zoo, err := zooSchemas()
	if err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(zoo)) {
		s := zoo[name].Value
		bc, err := compileBody(zoo[name], formats)
		if err != nil {
			return nil, err
		}
		cases = append(cases, bodyCase{name: "zoo/" + name, schema: s, check: bc,
			kin: func(_ testing.TB, body []byte) []Problem { return kinVisitProblems(s, contractFormats(), body) }})
	}
	return cases, nil
})

func testBodyCases(tb testing.TB) []bodyCase {
	tb.Helper()
	cases, err := bodyCases()
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}

// zooSchemas loads testdata/bodycheck_zoo.yaml, validated as loadSpec validates the spec.
func zooSchemas() (openapi3.Schemas, error) {
	data, err := os.ReadFile("testdata/bodycheck_zoo.yaml")
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background(), openapi3.EnableSchemaFormatValidation(), openapi3.EnableSchemaPatternValidation()); err != nil {
		return nil, err
	}
	return doc.Components.Schemas, nil
}

// specResponse is a response of the spec's operations whose body has a JSON schema.
type specResponse struct {
	name   string // operation and status
	route  *routers.Route
	status int
	mt     *openapi3.MediaType
}

// specResponses lists the responses of the embedded spec with an application/json schema, one
// status per distinct schema and operation, as the router of loadSpec holds them.
func specResponses() ([]specResponse, error) {
	s, err := loadSpec()
	if err != nil {
		return nil, err
	}
	doc, err := api.GetSpec()
	if err != nil {
		return nil, err
	}
	var out []specResponse
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			seen := map[string]bool{}
			for _, code := range slices.Sorted(maps.Keys(op.Responses.Map())) {
				mt := op.Responses.Value(code).Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil {
					continue
				}
				id := mt.Schema.Ref
				if id == "" || seen[id] {
					if id != "" {
						continue
					}
					id = code
				}
				seen[id] = true
				status := 599 // a status only the default response covers
				if n, err := strconv.Atoi(code); err == nil {
					status = n
				}
				req := httptest.NewRequest(method, "http://css.test"+concretePath(path), nil)
				route, _, err := s.router.FindRoute(req)
				if err != nil {
					return nil, err
				}
				rmt := route.Operation.Responses.Value(code).Value.Content.Get("application/json")
				out = append(out, specResponse{name: op.OperationID + "/" + code, route: route, status: status, mt: rmt})
			}
		}
	}
	slices.SortFunc(out, func(a, b specResponse) int { return cmp.Compare(a.name, b.name) })
	return out, nil
}

// concretePath fills a spec path's parameters.
func concretePath(p string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		j := strings.IndexByte(p[i:], '}')
		b.WriteString(p[:i])
		b.WriteString("x1")
		p = p[i+j+1:]
	}
}

// kinResponseProblems validates a response body with kin-openapi's ValidateResponse, as
// checkResponse does, and returns contract's problems for it.
func kinResponseProblems(tb testing.TB, r specResponse, body []byte) []Problem {
	tb.Helper()
	s, err := loadSpec()
	if err != nil {
		tb.Fatal(err)
	}
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, SchemaValidationOptions: s.formats,
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	req := httptest.NewRequest(r.route.Method, "http://css.test/", nil)
	in := &openapi3filter.RequestValidationInput{Request: req, Route: r.route, Options: opts}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.status,
		Header: http.Header{"Content-Type": {"application/json"}}, Options: opts}
	rin.SetBodyBytes(body)
	return problemsOf(openapi3filter.ValidateResponse(context.Background(), rin))
}

// kinVisitProblems validates body against schema as ValidateResponse does (decoding with
// encoding/json and UseNumber, then VisitJSON as a response with MultiErrors and the formats),
// and returns contract's problems for it.
func kinVisitProblems(schema *openapi3.Schema, formats map[string]openapi3.StringFormatValidator, body []byte) []Problem {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return problemsOf(&openapi3filter.ResponseError{Reason: reasonBodyUndecoded,
			Err: &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}})
	}
	err := schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.WithStringFormatValidators(formats), openapi3.VisitAsResponse())
	if err == nil {
		return nil
	}
	return problemsOf(&openapi3filter.ResponseError{Reason: reasonBodyMismatch, Err: err})
}

// bodyCheckProblems is what the body check reports, in the same shape: its problems, or the
// one problem of a body that cannot be decoded.
func bodyCheckProblems(bc *bodyCheck, body []byte, max int) (ps []Problem, total int, trailing bool) {
	ps, total, trailing, err := bc.check(body, max)
	if err != nil {
		return []Problem{undecodedProblem(err)}, 1, false
	}
	return ps, total, trailing
}

// agree checks what the body check says of body against kin-openapi: the same problems in the
// same order, the same total, every max honoured, and trailing data as contract detects it.
func agree(t testing.TB, bc bodyCase, body []byte) {
	t.Helper()
	want := bc.kin(t, body)
	got, total, trailing := bodyCheckProblems(bc.check, body, len(want)+5)
	if !slices.Equal(got, want) || total != len(want) {
		t.Fatalf("%s: body %q:\nbody check (total %d):\n%s\nkin-openapi:\n%s", bc.name, body, total, problemLines(got), problemLines(want))
	}
	for _, max := range []int{0, 1, 2, len(want) - 1} {
		if max < 0 || max > len(want) {
			continue
		}
		ps, n, _ := bodyCheckProblems(bc.check, body, max)
		if _, _, _, err := bc.check.check(body, max); err != nil {
			continue
		}
		if n != len(want) || !slices.Equal(ps, want[:max]) {
			t.Fatalf("%s: body %q, max %d: got %d problems (total %d), want the first %d of %d", bc.name, body, max, len(ps), n, max, len(want))
		}
	}
	if wantTrailing := trailingData("application/json", &buffered{data: body}); trailing != wantTrailing {
		t.Fatalf("%s: body %q: trailing %v, contract's trailingData %v", bc.name, body, trailing, wantTrailing)
	}
}

func problemLines(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + strconv.Quote(p.Name) + " " + p.Keyword + ": " + p.Rule + "\n")
	}
	return b.String()
}

func mapKeys[K cmp.Ordered, V any](m map[K]V) iter.Seq[K] { return maps.Keys(m) }
