package contract

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/api"
)

// bodyCaseNamed returns the compiled schema of that name (see bodyCases).
func bodyCaseNamed(t testing.TB, name string) bodyCase {
	t.Helper()
	for _, bc := range testBodyCases(t) {
		if bc.name == name {
			return bc
		}
	}
	t.Fatalf("no body case %q", name)
	return bodyCase{}
}

// p is a problem of the body at path: what contract reports for a schema error.
func p(path, keyword, rule string) Problem {
	return Problem{In: "body", Name: path, Keyword: keyword, Rule: rule}
}

const timestampRule = `string doesn't match the regular expression "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"`

// TestBodyCheck_problems lists bodies and what the body check says of them, which is what
// contract reports today from kin-openapi (each row is checked against kin-openapi too).
func TestBodyCheck_problems(t *testing.T) {
	const (
		list = "ShowVpcepConnection/200"
		errs = "ShowVpcepConnection/400"
	)
	cluster := func(fields string) string {
		return `{"id":"00000000-0000-0000-0000-000000000000","name":"abcd","status":"100","nodes":[{"id":"1","type":"ess","specCode":"x"}],"flavor":"ess.spec-4u8g"` + fields + `}`
	}
	conn := func(fields string) string {
		return `{"connections":[{"id":"a","status":"accepted"` + fields + `}],"total_count":1}`
	}
	tests := []struct {
		name, schema, body string
		want               []Problem
		trailing           bool
	}{
		{"the seed example", list, example(t, api.ExampleSeed), nil, false},
		{"the current example", list, example(t, api.ExampleCurrent), nil, false},
		{"empty connections", list, `{"connections":[{},{}],"total_count":0}`, []Problem{
			p("connections[0].id", "required", `property "id" is missing`),
			p("connections[0].status", "required", `property "status" is missing`),
			p("connections[1].id", "required", `property "id" is missing`),
			p("connections[1].status", "required", `property "status" is missing`),
		}, false},
		{"not an object", list, `[]`, []Problem{p("", "type", "value must be an object")}, false},
		{"null", list, `null`, []Problem{p("", "nullable", "Value is not nullable")}, false},
		// Members are reported in name order, whatever their order in the bytes; required
		// properties after them.
		{"name order", list, `{"vpcepUpdateSwitch":1,"total_count":-1,"permissions":{},"connections":[{"status":"on"}]}`, []Problem{
			p("connections[0].status", "enum", `value is not one of the allowed values ["accepted","rejected"]`),
			p("connections[0].id", "required", `property "id" is missing`),
			p("permissions", "type", "value must be an array"),
			p("total_count", "minimum", "number must be at least 0"),
			// The second alternative's enum comes before its type.
			p("vpcepUpdateSwitch", "oneOf", `value doesn't match any schema from "oneOf" (value must be a boolean; or value is not one of the allowed values ["true","false"])`),
		}, false},
		// encoding/json keeps the last of equal keys; only that one is checked.
		{"duplicate key, the last valid", list, `{"connections":[],"total_count":"x","total_count":1}`, nil, false},
		{"duplicate key, the last invalid", list, `{"connections":[],"total_count":1,"total_count":"x"}`,
			[]Problem{p("total_count", "type", "value must be an integer")}, false},
		{"escaped key", list, `{"connections":[],"total\u005fcount":0}`, nil, false},
		{"key differing in case", list, `{"connections":[],"Total_count":0}`,
			[]Problem{p("total_count", "required", `property "total_count" is missing`)}, false},
		{"1e2 is an integer", list, `{"connections":[],"total_count":1e2}`, nil, false},
		{"-0 is at least 0", list, `{"connections":[],"total_count":-0}`, nil, false},
		{"not an integer", list, `{"connections":[],"total_count":1.5}`, []Problem{p("total_count", "type", "value must be an integer")}, false},
		{"beyond int32", list, `{"connections":[],"total_count":2147483648}`, []Problem{p("total_count", "format",
			`integer doesn't match the format "int32" (value should be between -2147483648 and 2147483647)`)}, false},
		{"beyond int64 too", list, `{"connections":[],"total_count":1e19}`, []Problem{p("total_count", "format",
			`integer doesn't match the format "int32" (value should be between -9223372036854775808 and 9223372036854775807)`)}, false},
		{"beyond float64", list, `{"connections":[],"total_count":1e400}`, []Problem{p("total_count", "type", "cannot convert json.Number to float64")}, false},
		{"bad time stamp", list, conn(`,"created_at":"2024-13-01T00:00:00Z","update_at":null`), []Problem{p("connections[0].created_at", "pattern", timestampRule)}, false},
		{"addresses", list, conn(`,"vpcepIp":"::1","vpcepIpv6Address":"10.0.0.1"`), []Problem{
			p("connections[0].vpcepIp", "format", `string doesn't match the format "ipv4" (Not an IPv4 address (it's IPv6))`),
			p("connections[0].vpcepIpv6Address", "format", `string doesn't match the format "ipv6" (Not an IPv6 address (it's IPv4))`),
		}, false},
		{"escapes and broken UTF-8 in a string", list, conn(`,"vpcServiceName":"\ud800\u00e9` + "\xff" + `"`), nil, false},
		{"a lone surrogate is not the enum value", list, `{"connections":[{"id":"a","status":"accepte\ud800"}],"total_count":1}`,
			[]Problem{p("connections[0].status", "enum", `value is not one of the allowed values ["accepted","rejected"]`)}, false},
		{"an escaped enum value", list, `{"connections":[{"id":"a","status":"\u0061ccepted"}],"total_count":1}`, nil, false},
		{"switch as a string", list, `{"connections":[],"total_count":0,"vpcepUpdateSwitch":"true"}`, nil, false},
		{"switch neither", list, `{"connections":[],"total_count":0,"vpcepUpdateSwitch":"yes"}`, []Problem{p("vpcepUpdateSwitch", "oneOf",
			`value doesn't match any schema from "oneOf" (value must be a boolean; or value is not one of the allowed values ["true","false"])`)}, false},
		{"data after the value", list, `{"connections":[],"total_count":0} x`, nil, true},
		{"white space after the value", list, "{\"connections\":[],\"total_count\":0} \r\n\t", nil, false},
		{"a number, then more", list, `0x`, []Problem{p("", "type", "value must be an object")}, true},
		{"01 is 0, then 1", list, `01`, []Problem{p("", "type", "value must be an object")}, true},
		{"deep but within the limit", list, `{"connections":[],"total_count":0,"x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`, nil, false},
		{"too deep", list, `{"connections":[],"total_count":0,"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
			[]Problem{undecodedProblem(&jsonSyntaxError{msg: "invalid character '[' exceeded max depth"})}, false},
		{"empty body", list, ``, []Problem{undecodedProblem(io.EOF)}, false},
		{"white space only", list, " \n", []Problem{undecodedProblem(io.EOF)}, false},
		{"cut short", list, `{"connections":[`, []Problem{undecodedProblem(io.ErrUnexpectedEOF)}, false},
		{"a trailing comma", list, `{"connections":[],}`, []Problem{undecodedProblem(&jsonSyntaxError{msg: "invalid character '}' looking for beginning of object key string"})}, false},
		{"a control byte in a string", list, "{\"connections\":[\"\x01\"]}", []Problem{undecodedProblem(&jsonSyntaxError{msg: `invalid character '\x01' in string literal`})}, false},
		{"a bad escape", list, `{"a\q":1}`, []Problem{undecodedProblem(&jsonSyntaxError{msg: `invalid character 'q' in string escape code`})}, false},
		{"a byte order mark", list, "\xef\xbb\xbf{}", []Problem{undecodedProblem(&jsonSyntaxError{msg: `invalid character 'ï' looking for beginning of value`})}, false},
		{"problems before a syntax error", list, `{"connections":1,"total_count":"x",]`, []Problem{undecodedProblem(&jsonSyntaxError{msg: `invalid character ']' looking for beginning of object key string`})}, false},
		{"an error body", errs, `{"errCode":"CSS.0001","externalMessage":"Incorrect parameters."}`, nil, false},
		// The Error schema requires errCode or error_code (an anyOf of the two shapes).
		{"an empty error body", errs, `{}`, []Problem{p("", "anyOf", `doesn't match any schema from "anyOf"`)}, false},
		{"an error body of another shape", errs, `{"code":1}`, []Problem{p("", "anyOf", `doesn't match any schema from "anyOf"`)}, false},
		{"the gateway's shape", errs, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"r1"}`, nil, false},
		{"a cluster missing most", "zoo/ClusterDetail", `{"id":"x"}`, []Problem{
			p("id", "pattern", `string doesn't match the regular expression "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"`),
			// required in the schema's order
			p("name", "required", `property "name" is missing`),
			p("status", "required", `property "status" is missing`),
			p("nodes", "required", `property "nodes" is missing`),
			p("flavor", "required", `property "flavor" is missing`),
		}, false},
		{"maxProperties counts distinct keys", "zoo/ClusterDetail", cluster(`,"publicKibana":{"eipSize":1,"eipSize":2,"eipSize":3}`), nil, false},
		{"maxProperties", "zoo/ClusterDetail", cluster(`,"publicKibana":{"eipSize":1,"a":2,"b":3,"elbWhiteList":{"x":"::1"}}`), []Problem{
			p("publicKibana", "maxProperties", "there must be at most 2 properties"),
			p("publicKibana.elbWhiteList.x", "format", `string doesn't match the format "ipv4" (Not an IPv4 address (it's IPv6))`),
		}, false},
		{"additionalProperties false", "zoo/Request", `{"names":["a"],"mode":"fast","zz":1,"limits":{"cpu":-6,"gpu":1}}`, []Problem{
			p("limits.cpu", "minimum", "number must be at least -5"),
			p("limits", "properties", `property "gpu" is unsupported`),
			p("", "properties", `property "zz" is unsupported`),
		}, false},
		// A key is the peer's: kin-openapi's rule quotes it whole, contract's rewrite and the
		// body check quote 64 bytes of it, as internal/quote quotes every such value.
		{"additionalProperties false, a long key", "zoo/Request", `{"names":["a"],"mode":"fast","` + strings.Repeat("k", 5000) + `":1}`, []Problem{
			p("", "properties", `property "`+strings.Repeat("k", 64)+`"… is unsupported`),
		}, false},
		{"a recursive schema", "zoo/Shapes", `{"pet":{"kind":"cat","lives":3},"tree":{"value":1,"children":[{"value":"x"}]}}`, []Problem{
			p("tree.children[0].value", "type", "value must be an integer"),
		}, false},
		{"writeOnly in a response", "zoo/WriteOnly", `{"secret":"s","name":"n"}`, []Problem{
			p("secret", "writeOnly", `writeOnly property "secret" in response`),
		}, false},
		// token, required by an allOf subschema, is declared writeOnly by another.
		{"a missing writeOnly property is no error", "zoo/WriteOnly", `{"name":"n"}`, nil, false},
		{"discriminator", "zoo/Pet", `{"kind":"dog","bark":"miaow"}`, []Problem{p("", "oneOf",
			`value doesn't match any schema from "oneOf" (value is not one of the allowed values ["woof","yap"])`)}, false},
		{"discriminator value unknown", "zoo/Pet", `{"kind":"cow"}`, []Problem{p("", "discriminator", `discriminator property "kind" has invalid value`)}, false},
		{"discriminator missing", "zoo/Pet", `{"lives":3}`, []Problem{p("", "discriminator", `input does not contain the discriminator property "kind"`)}, false},
		{"oneOf, both match", "zoo/Shapes", `{"oneNumber":3}`, []Problem{p("oneNumber", "oneOf",
			`value matches more than one schema from "oneOf" (matches schemas at indices [0 1])`)}, false},
		{"allOf", "zoo/Shapes", `{"all":{"a":1,"b":4}}`, []Problem{p("all", "allOf",
			`doesn't match all schemas from "allOf" (value must be a string; and number must be at most 3)`)}, false},
		{"not", "zoo/Shapes", `{"notString":"s","notNull":2}`, []Problem{
			p("notNull", "not", `does not match the schema's "not"`),
			p("notString", "not", `does not match the schema's "not"`),
		}, false},
		{"enum of arrays and objects", "zoo/Shapes", `{"objEnum":{"a":1.0},"numEnum":1e20}`, nil, false},
		{"enum of arrays and objects, none", "zoo/Shapes", `{"objEnum":[1,"x",2]}`, []Problem{p("objEnum", "enum",
			`value is not one of the allowed values [{"a":1},[1,"x"],null,2.5,true,"s"]`)}, false},
		{"uniqueItems compares decoded values", "zoo/Shapes", `{"uniq":[{"a":1,"b":"\u0078"},{"b":"x","a":1}]}`, []Problem{
			p("uniq", "uniqueItems", "duplicate items found")}, false},
		{"uniqueItems keeps numbers as written", "zoo/Shapes", `{"uniq":[1,1.0,"1"]}`, nil, false},
		{"multipleOf", "zoo/ClusterDetail", cluster(`,"bandwidth":12,"ratio":0.07`), []Problem{
			p("bandwidth", "multipleOf", "number must be a multiple of 5"),
		}, false},
		{"length in runes", "zoo/Scalar", `"😀😀😀"`, nil, false},
		{"length in runes, too long", "zoo/Scalar", `"ab\u00e9d"`, []Problem{p("", "maxLength", "maximum string length is 3")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bc := bodyCaseNamed(t, tt.schema)
			got, total, trailing := bodyCheckProblems(bc.check, []byte(tt.body), 100)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if total != len(tt.want) || trailing != tt.trailing {
				t.Errorf("total %d, trailing %v; want %d, %v", total, trailing, len(tt.want), tt.trailing)
			}
			// The expectations are kin-openapi's.
			agree(t, bc, []byte(tt.body))
		})
	}
}

// example returns the value of a components/examples entry of the embedded spec, as JSON.
func example(t testing.TB, name string) string {
	t.Helper()
	data, err := api.Example(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestBodyCheck_hostile checks 1 MB of empty connections, each missing id and status: the
// problems stop at max, the total is exact, and what the check allocates does not grow with
// the body or with the problems past max.
func TestBodyCheck_hostile(t *testing.T) {
	bc := bodyCaseNamed(t, "ShowVpcepConnection/200").check
	body := hostileBody(1 << 20)
	conns := strings.Count(string(body), "{}")
	const max = 50
	ps, total, trailing, err := bc.check(body, max)
	if err != nil || trailing {
		t.Fatalf("check: %v, trailing %v", err, trailing)
	}
	if total != 2*conns {
		t.Errorf("total %d, want %d (2 for each of %d connections)", total, 2*conns, conns)
	}
	if len(ps) != max {
		t.Fatalf("%d problems, want max %d", len(ps), max)
	}
	for i, p := range ps {
		name := fmt.Sprintf("connections[%d].%s", i/2, []string{"id", "status"}[i%2])
		if p.Name != name || p.Keyword != "required" {
			t.Fatalf("problem %d is %v, want %s required", i, p, name)
		}
	}

	// kin-openapi allocates about 400 bytes per byte of such a body. The check keeps its
	// problems (max of them, each a Problem and its path: well under 200 bytes) and the
	// checker's stacks, which a pool recycles: 64 kB is generous for max = 50 and, most of all,
	// does not depend on the body's size. (No collection meanwhile: it would empty the pool,
	// whose refill would be counted.)
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for _, size := range []int{1 << 20, 2 << 20} {
		body := hostileBody(size)
		if got := allocatedBytes(func() { _, _, _, _ = bc.check(body, max) }); got > 64<<10 {
			t.Errorf("a check of %d bytes allocated %d bytes, want at most 64 kB", size, got)
		}
	}
}

// allocatedBytes returns the bytes f allocates on the heap, the least of a few runs (after a
// first run that fills the pools).
func allocatedBytes(f func()) uint64 {
	f()
	least := uint64(1 << 63)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// TestBodyCheck_validBodiesAllocateLittle: a valid body costs one allocation for each string
// with a format to check (a format validator takes a string) and nothing else to speak of.
func TestBodyCheck_validBodiesAllocateLittle(t *testing.T) {
	if raceEnabled {
		// Under the race detector sync.Pool drops a quarter of what is put back, so a check
		// refills the pool at random and the count is the race detector's, not the code's.
		// make test runs this test again without -race (test-go).
		t.Skip("the race detector's sync.Pool drops checkers at random; make test runs this without -race")
	}
	bc := bodyCaseNamed(t, "ShowVpcepConnection/200").check
	// A collection would empty the pool of checkers, whose refill would be counted.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for _, tt := range []struct {
		name      string
		body      []byte
		addresses int // vpcepIp and vpcepIpv6Address values
	}{
		{"the current example", []byte(example(t, api.ExampleCurrent)), 2},
		{"a page of 1,000 connections", pageBody(1000), 1000},
	} {
		allocs := testing.AllocsPerRun(5, func() {
			if ps, _, _, err := bc.check(tt.body, 10); err != nil || len(ps) > 0 {
				t.Fatalf("check: %v %v", ps, err)
			}
		})
		if allocs > float64(tt.addresses+1) {
			t.Errorf("%s: %v allocations per check, want at most %d", tt.name, allocs, tt.addresses+1)
		}
	}
}

// raceEnabled is true under the race detector (race_test.go).
var raceEnabled bool

// TestBodyCheck_concurrent checks bodies with one compiled check from several goroutines at
// once (run with -race).
func TestBodyCheck_concurrent(t *testing.T) {
	bc := bodyCaseNamed(t, "ShowVpcepConnection/200")
	bodies := newBodyGen(7).bodies(bc.schema, bc.examples, 40)
	want := make([][]Problem, len(bodies))
	for i, b := range bodies {
		want[i], _, _ = bodyCheckProblems(bc.check, b, 20)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, b := range bodies {
				if got, _, _ := bodyCheckProblems(bc.check, b, 20); !slices.Equal(got, want[i]) {
					t.Errorf("body %q: %v, then %v", b, want[i], got)
				}
			}
		})
	}
	wg.Wait()
}

// TestCompileBody_everyResponseOfTheSpec compiles the body schema of every response of the
// embedded spec: one that does not compile is validated by kin-openapi alone, at its speed.
func TestCompileBody_everyResponseOfTheSpec(t *testing.T) {
	doc, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, resp := range op.Responses.Map() {
				for mediaType, mt := range resp.Value.Content {
					if mt.Schema == nil {
						continue
					}
					n++
					if _, err := compileBody(mt.Schema, bodyFormats{strings: contractFormats()}); err != nil {
						t.Errorf("%s %s %s %s: %v", method, path, code, mediaType, err)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("the spec has no response body schema")
	}
}

// TestCompileBody_refuses: a schema the body check does not implement is refused, for the
// caller to leave to kin-openapi, rather than checked wrongly.
func TestCompileBody_refuses(t *testing.T) {
	str := openapi3.NewStringSchema()
	self := &openapi3.Schema{}
	self.AllOf = openapi3.SchemaRefs{{Value: self}, {Value: str}}
	ref := func(s *openapi3.Schema) *openapi3.SchemaRef { return &openapi3.SchemaRef{Value: s} }
	five := uint64(5)
	tests := []struct {
		name   string
		schema *openapi3.SchemaRef
	}{
		{"unresolved", &openapi3.SchemaRef{Ref: "#/components/schemas/X"}},
		{"an unresolved property", ref(openapi3.NewObjectSchema().WithPropertyRef("a", &openapi3.SchemaRef{Ref: "#/x"}))},
		{"a binary body", ref(openapi3.NewBytesSchema().WithFormat("binary"))},
		{"const (3.1)", ref(&openapi3.Schema{Const: "x"})},
		{"prefixItems (3.1)", ref(&openapi3.Schema{Type: &openapi3.Types{"array"}, PrefixItems: openapi3.SchemaRefs{ref(str)}})},
		{"if (3.1), deep inside", ref(openapi3.NewArraySchema().WithItems(&openapi3.Schema{If: ref(str)}))},
		{"maxContains (3.1)", ref(&openapi3.Schema{MaxContains: &five})},
		{"an empty type list", ref(&openapi3.Schema{Type: &openapi3.Types{}})},
		{"a pattern Go cannot compile", ref(openapi3.NewStringSchema().WithPattern(`(?=x)`))},
		{"a schema applied through itself", ref(self)},
		{"an enum entry of another type", ref(&openapi3.Schema{Enum: []any{struct{}{}}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if bc, err := compileBody(tt.schema, bodyFormats{}); !errors.Is(err, errNotCompiled) {
				t.Errorf("compileBody = %v, %v; want an error wrapping errNotCompiled", bc, err)
			}
		})
	}
}

// TestContractFormats: the formats the body check is given are those loadSpec has kin-openapi
// check, seen from what kin-openapi says with each.
func TestContractFormats(t *testing.T) {
	s, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	mine := []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(contractFormats())}
	for _, format := range []string{"ipv4", "ipv6", "date-time", "date", "byte", "email", "uuid"} {
		schema := openapi3.NewStringSchema().WithFormat(format)
		for _, v := range []string{"10.0.0.1", "::1", "fe80::1%eth0", "1.2.3", "", "2024-01-01", "x", "aGk="} {
			got := fmt.Sprint(schema.VisitJSON(v, mine...))
			want := fmt.Sprint(schema.VisitJSON(v, s.formats...))
			if got != want {
				t.Errorf("format %s, %q: %s; loadSpec's: %s", format, v, got, want)
			}
		}
	}
}
