package contract

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestBodyCheck_formsOutsideYAML holds the body check to kin-openapi for schema forms its 3.0
// validator handles that a 3.0 document does not spell (the loader builds some from 3.1
// documents or JSON): boolean schemas, lists of types, 3.1's numeric exclusive bounds, and a
// schema kin-openapi deems empty although it lists a property.
func TestBodyCheck_formsOutsideYAML(t *testing.T) {
	yes, no := true, false
	three := 3.0
	ref := func(s *openapi3.Schema) *openapi3.SchemaRef { return &openapi3.SchemaRef{Value: s} }
	schemas := map[string]*openapi3.Schema{
		"boolean schemas": openapi3.NewObjectSchema().
			WithPropertyRef("any", ref(&openapi3.Schema{Always: &yes})).
			WithPropertyRef("none", ref(&openapi3.Schema{Always: &no})).
			WithPropertyRef("noneButNull", ref(&openapi3.Schema{Always: &no, Nullable: true})),
		"a list of types": {Type: &openapi3.Types{"string", "integer", "null"}, MaxLength: ptrTo(uint64(2)), Min: &three},
		"3.1 bounds": {Type: &openapi3.Types{"number"}, ExclusiveMin: openapi3.ExclusiveBound{Value: &three},
			ExclusiveMax: openapi3.ExclusiveBound{Value: ptrTo(10.0)}},
		"empty though it has a property": {Properties: openapi3.Schemas{"a": ref(&openapi3.Schema{Description: "anything"})}},
		"not empty":                      {Properties: openapi3.Schemas{"a": ref(&openapi3.Schema{Description: "anything"})}, MinProps: 1},
		"a plain name in the mapping": {
			OneOf: openapi3.SchemaRefs{
				{Ref: "#/components/schemas/A", Value: openapi3.NewObjectSchema().WithProperty("k", openapi3.NewStringSchema()).WithProperty("a", openapi3.NewIntegerSchema())},
				{Ref: "#/components/schemas/B", Value: openapi3.NewObjectSchema().WithProperty("b", openapi3.NewBoolSchema())},
			},
			Discriminator: &openapi3.Discriminator{PropertyName: "k", Mapping: map[string]openapi3.MappingRef{"a": {Ref: "A"}, "b": {Ref: "#/components/schemas/B"}}},
		},
		"multipleOf beyond 2^51": {Type: &openapi3.Types{"number"}, MultipleOf: ptrTo(0.1)},
		"multipleOf 0":           {Type: &openapi3.Types{"integer"}, MultipleOf: ptrTo(0.0)},
	}
	bodies := []string{
		`{}`, `null`, `{"any":null,"none":1,"noneButNull":null}`, `{"none":null,"noneButNull":[]}`, `"ab"`, `"abc"`, `2`, `3`, `4`,
		`1.5`, `null`, `true`, `[]`, `3.0000001`, `10`, `9.99`, `{"a":null}`, `{"a":1,"a":null}`, `{"k":"a","a":"x"}`,
		`{"k":"b","b":1}`, `{"k":"c"}`, `{"k":1}`, `{"b":true}`, `0.3`, `0.30000000000000004`, `4503599627370496.5`,
		`1e300`, `-0.7`, `123456789012345.6`, `0`, `-0`,
	}
	for name, s := range schemas {
		bc, err := compileBody(ref(s), bodyFormats{strings: contractFormats()})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := bodyCase{name: name, schema: s, check: bc,
			kin: func(_ testing.TB, body []byte) []Problem { return kinVisitProblems(s, contractFormats(), body) }}
		for _, body := range bodies {
			agree(t, c, []byte(body))
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
