package contract

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// A query parameter may repeat only when its schema may be an array, which kin-openapi reads
// from every value; the CSS spec has none, so the schemas are made up here.
func TestRepeatable(t *testing.T) {
	array := openapi3.NewArraySchema().WithItems(openapi3.NewIntegerSchema())
	cyclic := &openapi3.Schema{}
	cyclic.AnyOf = openapi3.SchemaRefs{{Value: cyclic}, {Value: openapi3.NewStringSchema()}}
	tests := []struct {
		name string
		p    *openapi3.Parameter
		want bool
	}{
		{"integer", &openapi3.Parameter{Schema: openapi3.NewIntegerSchema().NewRef()}, false},
		{"no type", &openapi3.Parameter{Schema: (&openapi3.Schema{}).NewRef()}, false},
		{"array", &openapi3.Parameter{Schema: array.NewRef()}, true},
		{"array or null", &openapi3.Parameter{Schema: (&openapi3.Schema{Type: &openapi3.Types{"array", "null"}}).NewRef()}, true},
		{"oneOf an array", &openapi3.Parameter{Schema: openapi3.NewOneOfSchema(openapi3.NewIntegerSchema(), array).NewRef()}, true},
		{"anyOf itself or a string", &openapi3.Parameter{Schema: cyclic.NewRef()}, false},
		{"JSON content, an array", &openapi3.Parameter{Content: openapi3.NewContentWithJSONSchema(array)}, true},
		{"JSON content, an object", &openapi3.Parameter{Content: openapi3.NewContentWithJSONSchema(openapi3.NewObjectSchema())}, false},
	}
	for _, tt := range tests {
		if got := repeatable(tt.p); got != tt.want {
			t.Errorf("%s: repeatable %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The rules' errors come first; kin-openapi's about the same parameter are dropped, the rest
// kept, whatever shape kin-openapi returned them in.
func TestJoinRuleErrors(t *testing.T) {
	limit := &openapi3.Parameter{In: "query", Name: "limit"}
	offset := &openapi3.Parameter{In: "query", Name: "offset"}
	other := errors.New("security")
	rule := &openapi3filter.RequestError{Parameter: limit, Reason: "appears 2 times, at most once allowed"}
	kinLimit := &openapi3filter.RequestError{Parameter: &openapi3.Parameter{In: "query", Name: "limit"}, Reason: "number must be at most 1000"}
	kinOffset := &openapi3filter.RequestError{Parameter: offset, Reason: "value is an invalid integer"}
	broken := []*openapi3filter.RequestError{rule}

	if got := joinRuleErrors(nil, other); !errors.Is(got, other) {
		t.Errorf("no rule broken: %v, want kin-openapi's error as it is", got)
	}
	tests := []struct {
		kin  error
		want openapi3.MultiError
	}{
		{nil, openapi3.MultiError{rule}},
		{kinLimit, openapi3.MultiError{rule}},
		{other, openapi3.MultiError{rule, other}},
		{openapi3.MultiError{kinOffset, kinLimit, other}, openapi3.MultiError{rule, kinOffset, other}},
	}
	for _, tt := range tests {
		got, ok := joinRuleErrors(broken, tt.kin).(openapi3.MultiError) //nolint:errorlint // the list itself
		if !ok || len(got) != len(tt.want) {
			t.Errorf("kin-openapi %v: got %v, want %v", tt.kin, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] { //nolint:errorlint // the very errors
				t.Errorf("kin-openapi %v: got %v, want %v", tt.kin, got, tt.want)
				break
			}
		}
	}
}

// queryProblems names each pair url.ParseQuery would drop, and nothing for a query it takes
// whole.
func TestQueryProblems(t *testing.T) {
	tests := []struct {
		query string
		want  []Problem
	}{
		{"", nil},
		{"limit=1&offset=%32&x=a+b%20c&&flag", nil},
		{"limit=%", []Problem{{In: "query", Name: "limit", Rule: `invalid URL escape "%"`}}},
		{"limit=%2", []Problem{{In: "query", Name: "limit", Rule: `invalid URL escape "%2"`}}},
		{"limit=%2g", []Problem{{In: "query", Name: "limit", Rule: `invalid URL escape "%2g"`}}},
		{"li%6dit=1;offset=2", []Problem{{In: "query", Name: "limit", Rule: `holds ";", which does not separate query parameters; use "&"`}}},
		{"a;b=1", []Problem{{In: "query", Name: "a;b", Rule: `holds ";", which does not separate query parameters; use "&"`}}},
		{"%zz;=1", []Problem{{In: "query", Name: "%zz;", Rule: `invalid URL escape "%zz"`}}},
		{"ok=1&a=%zz&ok=2&b=;", []Problem{
			{In: "query", Name: "a", Rule: `invalid URL escape "%zz"`},
			{In: "query", Name: "b", Rule: `holds ";", which does not separate query parameters; use "&"`},
		}},
	}
	for _, tt := range tests {
		got := queryProblems(tt.query)
		if len(got) != len(tt.want) {
			t.Errorf("%q: %v, want %v", tt.query, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: %v, want %v", tt.query, got, tt.want)
				break
			}
		}
		if _, err := url.ParseQuery(tt.query); (err == nil) != (got == nil) {
			t.Errorf("%q: url.ParseQuery says %v, the rule %v", tt.query, err, got)
		}
	}
}

// FuzzQueryProblems holds the rule to url.ParseQuery for any query: a problem exactly when
// ParseQuery fails, one for each pair it drops, each with a bounded name.
func FuzzQueryProblems(f *testing.F) {
	for _, q := range []string{"", "limit=1&offset=2", "limit=%zz", "limit=1;offset=2", "%zz=1", "a=%2", "&&a&=;", "a=%e2%82%ac", "a=%"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		got := queryProblems(query)
		_, err := url.ParseQuery(query)
		if (err == nil) != (got == nil) {
			t.Fatalf("%q: url.ParseQuery says %v, the rule %v", query, err, got)
		}
		dropped := 0
		for pair := range strings.SplitSeq(query, "&") {
			if _, err := url.ParseQuery(pair); err != nil {
				dropped++
			}
		}
		if query != "" && len(got) != dropped {
			t.Errorf("%q: %d problems for %d pairs dropped: %v", query, len(got), dropped, got)
		}
		for _, p := range got {
			if p.In != "query" || len(p.Name) > 64+len("…") || p.Rule == "" {
				t.Errorf("%q: problem %+v", query, p)
			}
		}
	})
}
