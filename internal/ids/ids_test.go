package ids

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"

	"github.com/cssvpcep/cssvpcep/api"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The formats and bounds here are the spec's: one source for the client's checks and the
// emulator's.
func TestFormatsAndBoundsAreTheSpecs(t *testing.T) {
	doc, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	schema := func(name string) *openapi3.Schema {
		t.Helper()
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			t.Fatalf("the spec has no schema %s", name)
		}
		return ref.Value
	}
	if got, want := EndpointID.String(), schema("EndpointId").Pattern; got != want {
		t.Errorf("EndpointID %s, the spec's %s", got, want)
	}
	if got, want := AccountID.String(), schema("AccountId").Pattern; got != want {
		t.Errorf("AccountID %s, the spec's %s", got, want)
	}
	for _, tt := range []struct {
		schema, prop string
		min, max     int
	}{
		{"UpdateVpcepConnectionRequest", "endpoint_id_list", 1, MaxEndpointIDs},
		{"UpdateVpcepWhitelistRequest", "vpc_permissions", 0, MaxAccountIDs},
	} {
		p := schema(tt.schema).Properties[tt.prop].Value
		if p.MaxItems == nil || int(*p.MaxItems) != tt.max || int(p.MinItems) != tt.min || !p.UniqueItems {
			t.Errorf("%s.%s: minItems %d, maxItems %v, uniqueItems %v; want %d, %d, true", tt.schema, tt.prop, p.MinItems, p.MaxItems, p.UniqueItems, tt.min, tt.max)
		}
	}
}

func TestSegmentProblem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"c-1", ""},
		{"5c77b71c-5b35-4f50-8984-76387e42451a", ""},
		{"ü-東京", ""},
		{"...", ""},
		{"", "is empty"},
		{" ", `" " is blank`},
		{" c", `" c" has leading or trailing white space`},
		{"a/b", `"a/b" contains '/', which is not allowed in an ID`},
		{`a\b`, `"a\\b" contains '\\', which is not allowed in an ID`},
		{"..", `".." is a dot segment, which URL resolution would remove`},
		{"a\x00b", `"a\x00b" has a control character at byte 1`},
		{"\xff", `"\xff" is not valid UTF-8`},
		{strings.Repeat("x", MaxLength+1), "is 257 bytes long; at most 256 are allowed"},
	}
	for _, tt := range tests {
		if got := SegmentProblem(tt.in); got != tt.want {
			t.Errorf("SegmentProblem(%.20q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestListProblem(t *testing.T) {
	const a, b = "f132bb14-e1d5-4f25-9f7c-a29e4c8effd4", "54b7f739-31a1-40d0-862b-ac85b83ab2da"
	tests := []struct {
		list []string
		want string
	}{
		{[]string{a}, ""},
		{[]string{a, b}, ""},
		{nil, "holds 0 endpoint IDs; at least 1 is needed"},
		{[]string{a, "x"}, `[1] "x" is not a UUID`},
		{[]string{a, b, a}, `[2] "` + a + `" is also [0]: an ID may be given once`},
		{[]string{a, strings.ToUpper(a)}, `[1] "` + strings.ToUpper(a) + `" is also [0]: an ID may be given once`},
		{make([]string, MaxEndpointIDs+1), "holds 101 endpoint IDs; at most 100 are allowed in one request"},
	}
	for _, tt := range tests {
		if got := ListProblem(tt.list, "endpoint ID", EndpointID, "a UUID", 1, MaxEndpointIDs); got != tt.want {
			t.Errorf("ListProblem(%.3q) = %q, want %q", tt.list, got, tt.want)
		}
	}
}

func TestProjectRegion(t *testing.T) {
	for name, want := range map[string]string{
		"eu-de": "eu-de", "eu-de_sub": "eu-de", "cn-north-4": "cn-north-4", "demo-project": "demo-project",
		"MOS": "", "eu": "", "eu-": "", "_eu-de": "", "EU-DE": "", "eu-de x": "", "": "",
	} {
		if got := ProjectRegion(name); got != want {
			t.Errorf("ProjectRegion(%q) = %q, want %q", name, got, want)
		}
	}
}
