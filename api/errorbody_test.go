package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestErrorBody_codeAndMessageOfEitherShape(t *testing.T) {
	tests := []struct {
		body, code, msg string
	}{
		{`{"errCode":"CSS.0015","externalMessage":"denied"}`, "CSS.0015", "denied"},
		{`{"error_code":"APIGW.0301","error_msg":"bad auth","request_id":"r1"}`, "APIGW.0301", "bad auth"},
		{`{"errCode":"CSS.0001","error_code":"X","externalMessage":"","error_msg":"fallback"}`, "CSS.0001", "fallback"},
		{`{"errCode":"","error_code":"X"}`, "X", ""},
		{`{"unknown":1}`, "", ""},
	}
	for _, tt := range tests {
		var e ErrorBody
		if err := json.Unmarshal([]byte(tt.body), &e); err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		if e.Code() != tt.code || e.Message() != tt.msg {
			t.Errorf("%s: Code() %q, Message() %q; want %q, %q", tt.body, e.Code(), e.Message(), tt.code, tt.msg)
		}
	}
	var e ErrorBody
	if err := json.Unmarshal([]byte(`{"error_code":"APIGW.0301","request_id":"r1"}`), &e); err != nil || e.RequestId == nil || *e.RequestId != "r1" {
		t.Errorf("request_id not decoded: %+v, %v", e, err)
	}
}

// ErrorBody carries exactly the properties of the spec's Error schema, with their JSON names,
// so the hand-written type cannot drift from the spec it stands for.
func TestErrorBody_fieldsAreTheSchemas(t *testing.T) {
	doc, err := GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas["Error"].Value
	var inSpec []string
	for name := range s.Properties {
		inSpec = append(inSpec, name)
	}
	var inType []string
	rt := reflect.TypeFor[ErrorBody]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Type != reflect.TypeFor[*string]() {
			t.Errorf("field %s is a %v, want *string (every property is an optional string)", f.Name, f.Type)
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		inType = append(inType, name)
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(inSpec)), slices.Sorted(slices.Values(inType))); diff != "" {
		t.Errorf("Error schema properties and ErrorBody fields differ (-spec +type):\n%s", diff)
	}
	if got := s.Extensions["x-go-type"]; got != "ErrorBody" {
		t.Errorf("the Error schema's x-go-type is %v, want ErrorBody", got)
	}
}

// The schema's anyOf, which ErrorBody cannot express, rejects a body without either code and
// accepts the two documented shapes and the gateway's fields.
func TestErrorBody_schemaRequiresACode(t *testing.T) {
	doc, err := GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas["Error"].Value
	for body, ok := range map[string]bool{
		`{"errCode":"CSS.0001","externalMessage":"m"}`:                  true,
		`{"error_code":"APIGW.0301","error_msg":"m","request_id":"r"}`:  true,
		`{"errCode":"CSS.0001","added_by_a_gateway":{"anything":true}}`: true,
		`{"externalMessage":"a message, no code"}`:                      false,
		`{"error_msg":"m","request_id":"r"}`:                            false,
		`{}`:                                                            false,
		`{"errCode":1}`:                                                 false,
	} {
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		if err := s.VisitJSON(v); (err == nil) != ok {
			t.Errorf("%s: VisitJSON error %v, want accepted=%v", body, err, ok)
		}
	}
}
