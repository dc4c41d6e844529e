package conformance

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cssvpcep/cssvpcep/internal/rst"
)

// The pages, relative to CSS_DOCS_DIR.
const (
	seedPage    = "seed/css_03_0112.rst"
	currentPage = "current/obtaining_an_endpoint_connection.rst"
)

// TestDocsConformance checks the committed spec against the seed and the current page and
// reports every difference that x-doc-deviations does not cover, all in one failure.
func TestDocsConformance(t *testing.T) {
	pages := loadPages(t)
	doc := loadSpec(t)
	var open []mismatch
	used := map[string]int{}
	for _, m := range check(pages, doc) {
		if m.dev == "" {
			open = append(open, m)
			continue
		}
		used[m.dev]++
		t.Logf("allowed by deviation %s: %v", m.dev, m)
	}
	devs, _ := readDeviations(doc)
	for _, d := range devs {
		if used[d.ID] == 0 {
			t.Logf("deviation %s (%s at %s) covers nothing this test compares", d.ID, d.Aspect, d.Pointer)
		}
	}
	if len(open) > 0 {
		var b strings.Builder
		for _, m := range open {
			b.WriteString("\n  " + m.String())
		}
		t.Errorf("the spec differs from the pages in %d places that x-doc-deviations does not cover "+
			"(fix the spec, or add a deviation with the pointer and aspect):%s", len(open), b.String())
	}
}

// TestCheck_reportsAlteredSpec proves the checker sees what it claims to: each case alters a
// freshly loaded copy of the spec in memory and expects exactly the listed new findings (those
// a deviation allows end in "| allowed by <id>"), and no finding of the unaltered spec to go
// away.
func TestCheck_reportsAlteredSpec(t *testing.T) {
	pages := loadPages(t)
	baseline := keys(check(pages, loadSpec(t)))

	const (
		seedConns = seedPage + " | Table 3 connections | "
		curQuery  = currentPage + " | Table 2 Query Parameters | "
		curBody   = currentPage + " | Table 3 Response body parameters | "
		curConns  = currentPage + " | Table 4 connections | "
		curPerms  = currentPage + " | Table 5 permissions | "
		seedBody  = seedPage + " | Table 2 Response body parameters | "
	)
	tests := []struct {
		name  string
		alter func(t *testing.T, doc *openapi3.T)
		want  []string // new findings
		gone  []string // findings of the unaltered spec that go away
	}{
		{
			name: "limit maximum, vpcepDnsName dropped, status enum",
			alter: func(t *testing.T, doc *openapi3.T) {
				max := 500.0
				paramSchema(t, doc, "Limit").Max = &max
				delete(schema(t, doc, "Connection").Properties, "vpcepDnsName")
				schema(t, doc, "ConnectionStatus").Enum = []any{"accepted", "pending"}
			},
			want: []string{
				curQuery + "limit | maximum | 1000 | 500",
				curConns + "connections[].status | enum | accepted, rejected | accepted, pending",
				curConns + "connections[].vpcepDnsName | presence | String | absent",
				seedConns + "connections[].status | enum | accepted, rejected | accepted, pending",
			},
		},
		{
			name: "offset required, limit default, minimum",
			alter: func(t *testing.T, doc *openapi3.T) {
				param(t, doc, "Offset").Required = true
				paramSchema(t, doc, "Limit").Default = 20
				paramSchema(t, doc, "Offset").Min = nil
			},
			want: []string{
				curQuery + "limit | default | 10 | 20",
				curQuery + "offset | minimum | 0 | (none)",
				curQuery + "offset | required | No | Yes",
			},
		},
		{
			name: "undocumented query parameter, offset moved to a header",
			alter: func(t *testing.T, doc *openapi3.T) {
				o := operation(t, doc)
				o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: &openapi3.Parameter{
					Name: "marker", In: "query", Schema: openapi3.NewStringSchema().NewRef(),
				}})
				param(t, doc, "Offset").In = "header"
			},
			want: []string{
				currentPage + " | parameter tables | marker | presence | not documented | in: query",
				curQuery + "offset | in | query | header",
			},
		},
		{
			name: "types and nullable",
			alter: func(t *testing.T, doc *openapi3.T) {
				schema(t, doc, "ConnectionList").Properties["total_count"].Value.Type = &openapi3.Types{"string"}
				schema(t, doc, "Connection").Properties["update_at"].Value.Nullable = false
				schema(t, doc, "Permission").Properties["id"] = openapi3.NewIntegerSchema().NewRef()
			},
			want: []string{
				curBody + "total_count | type | Integer | string",
				curPerms + "permissions[].id | type | String | integer",
				seedBody + "total_count | type | Integer | string",
				// A deviation covers any difference in its aspect at its pointer, even one
				// against its own decision (update_at may be null).
				curConns + "connections[].update_at | nullable | the default value is null | not nullable | allowed by update-at-null",
				seedConns + "connections[].update_at | nullable | the default value is null | not nullable | allowed by update-at-null",
			},
		},
		{
			name: "a time format that rejects the documented layout",
			alter: func(t *testing.T, doc *openapi3.T) {
				schema(t, doc, "Permission").Properties["created_at"] = openapi3.NewDateTimeSchema().NewRef()
			},
			want: []string{
				curPerms + "permissions[].created_at | format | CCYY-MM-DDThh:mm:ss | format date-time (RFC 3339), which rejects 2021-09-17T08:00:07",
			},
		},
		{
			name: "undocumented property and a dropped status code",
			alter: func(t *testing.T, doc *openapi3.T) {
				schema(t, doc, "Permission").Properties["expires_at"] = openapi3.NewStringSchema().NewRef()
				operation(t, doc).Responses.Delete("409")
			},
			want: []string{
				curPerms + "permissions[].expires_at | presence | not documented | a property",
				currentPage + " | Status Codes table | 409 | responses | listed | no such response",
				seedPage + " | Status Codes table | 409 | responses | listed | no such response",
			},
		},
		{
			name: "an undocumented response is allowed by status-codes",
			alter: func(t *testing.T, doc *openapi3.T) {
				operation(t, doc).Responses.Set("429", operation(t, doc).Responses.Value("400"))
			},
			want: []string{
				currentPage + " | Status Codes table | 429 | responses | not listed | a response | allowed by status-codes",
			},
		},
		{
			name: "a deviation removed: what it allowed is reported",
			alter: func(t *testing.T, doc *openapi3.T) {
				devs, ok := doc.Extensions["x-doc-deviations"].([]any)
				if !ok {
					t.Fatalf("x-doc-deviations is a %T, not a list", doc.Extensions["x-doc-deviations"])
				}
				doc.Extensions["x-doc-deviations"] = slices.DeleteFunc(slices.Clone(devs), func(d any) bool {
					m, _ := d.(map[string]any)
					return m["id"] == "update-switch-string"
				})
			},
			want: []string{
				curBody + "vpcepUpdateSwitch | type | Boolean | oneOf(boolean, string)",
				seedBody + "vpcepUpdateSwitch | type | Boolean | oneOf(boolean, string)",
			},
			gone: []string{
				curBody + "vpcepUpdateSwitch | type | Boolean | oneOf(boolean, string) | allowed by update-switch-string",
				seedBody + "vpcepUpdateSwitch | type | Boolean | oneOf(boolean, string) | allowed by update-switch-string",
			},
		},
		{
			name: "a deviation pointing nowhere",
			alter: func(t *testing.T, doc *openapi3.T) {
				devs, _ := doc.Extensions["x-doc-deviations"].([]any)
				doc.Extensions["x-doc-deviations"] = append(slices.Clone(devs), map[string]any{
					"id": "typo", "pointer": "#/components/schemas/NoSuchSchema", "aspect": "type",
					"documented": "-", "decision": "-",
				})
			},
			want: []string{
				"openapi/cssvpcep.yaml | x-doc-deviations | typo | deviation | - | pointer #/components/schemas/NoSuchSchema leads nowhere in the spec",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadSpec(t)
			tt.alter(t, doc)
			got := keys(check(pages, doc))
			added := slices.DeleteFunc(slices.Clone(got), func(k string) bool { return slices.Contains(baseline, k) })
			gone := slices.DeleteFunc(slices.Clone(baseline), func(k string) bool { return slices.Contains(got, k) })
			if diff := cmp.Diff(slices.Sorted(slices.Values(tt.want)), added, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("new findings mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(slices.Sorted(slices.Values(tt.gone)), gone, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings of the unaltered spec that went away mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// keys returns the sorted keys of the findings; a finding a deviation allows ends in
// "| allowed by <id>".
func keys(ms []mismatch) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		k := m.key()
		if m.dev != "" {
			k += " | allowed by " + m.dev
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func schema(t *testing.T, doc *openapi3.T, name string) *openapi3.Schema {
	t.Helper()
	s, ok := doc.Components.Schemas[name]
	if !ok || s.Value == nil {
		t.Fatalf("the spec has no schema %s", name)
	}
	return s.Value
}

func param(t *testing.T, doc *openapi3.T, name string) *openapi3.Parameter {
	t.Helper()
	p, ok := doc.Components.Parameters[name]
	if !ok || p.Value == nil {
		t.Fatalf("the spec has no parameter %s", name)
	}
	return p.Value
}

func paramSchema(t *testing.T, doc *openapi3.T, name string) *openapi3.Schema {
	t.Helper()
	p := param(t, doc, name)
	if p.Schema == nil || p.Schema.Value == nil {
		t.Fatalf("parameter %s has no schema", name)
	}
	return p.Schema.Value
}

func operation(t *testing.T, doc *openapi3.T) *openapi3.Operation {
	t.Helper()
	item := doc.Paths.Value("/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections")
	if item == nil || item.Get == nil {
		t.Fatal("the spec has no GET /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections")
	}
	return item.Get
}

// loadPages reads and parses the two pages from CSS_DOCS_DIR. Without CSS_DOCS_DIR the test
// skips, or fails in CI.
func loadPages(t *testing.T) []page {
	t.Helper()
	dir := os.Getenv("CSS_DOCS_DIR")
	if dir == "" {
		msg := "CSS_DOCS_DIR is not set: set it to the directory holding seed/" + filepath.Base(seedPage) +
			" and current/" + filepath.Base(currentPage) + " (relative paths are taken from the module root), " +
			"e.g. CSS_DOCS_DIR=../shared/docs"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(moduleRoot(t), dir)
	}
	var pages []page
	for _, name := range []string{seedPage, currentPage} {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatalf("CSS_DOCS_DIR=%s: %v", os.Getenv("CSS_DOCS_DIR"), err)
		}
		tables, err := rst.Parse(string(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pages = append(pages, page{name: name, current: name == currentPage, tables: tables, sections: rst.Sections(string(b))})
	}
	return pages
}

// loadSpec loads the committed spec from the module's openapi directory.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(moduleRoot(t), "openapi", "cssvpcep.yaml"))
	if err != nil {
		t.Fatalf("loading the spec: %v", err)
	}
	return doc
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
