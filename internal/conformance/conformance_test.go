package conformance

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestDocsConformance checks the committed spec against every page of docPages and reports
// every finding that x-doc-deviations does not cover, all in one failure. A deviation whose
// aspect the checker compares must cover at least one finding (one that covers none is a
// finding itself); a deviation whose aspect it cannot compare (uncomparedAspects) is logged.
func TestDocsConformance(t *testing.T) {
	pages := loadPages(t)
	doc := loadSpec(t)
	var open []mismatch
	for _, m := range check(pages, doc) {
		if m.dev == "" {
			open = append(open, m)
			continue
		}
		t.Logf("allowed by deviation %s: %v", m.dev, m)
	}
	devs, _ := readDeviations(doc)
	for _, d := range devs {
		if why, ok := uncomparedAspects[d.Aspect]; ok {
			t.Logf("deviation %s (%s at %s) is not compared: the checker cannot see %s", d.ID, d.Aspect, d.Pointer, why)
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
// freshly loaded copy of the spec in memory (or the text of a page) and expects exactly the
// listed new findings (those a deviation allows end in "| allowed by <id>"), and exactly the
// listed findings of the unaltered spec to go away.
func TestCheck_reportsAlteredSpec(t *testing.T) {
	pages := loadPages(t)
	baseline := keys(check(pages, loadSpec(t)))

	const (
		connections = "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections"
		closePath   = "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/close"
		clusterPath = "/v1.0/{project_id}/clusters/{cluster_id}"

		seedConns  = seedPage + " | Table 3 connections | "
		seedBody   = seedPage + " | Table 2 Response body parameters | "
		curQuery   = currentPage + " | Table 2 Query Parameters | "
		curBody    = currentPage + " | Table 3 Response body parameters | "
		curConns   = currentPage + " | Table 4 connections | "
		curPerms   = currentPage + " | Table 5 permissions | "
		openBody   = openPage + " | Table 2 Request body parameters | "
		updateBody = updatePage + " | Table 2 Request body parameters | "
		whiteBody  = whitelistPage + " | Table 2 Request body parameters | "
		cluster    = clusterPage + " | Table 2 Response body parameters | "
		zoned      = "a pattern that also accepts 2021-09-17T08:00:07Z, 2021-09-17T08:00:07+01:00, 2021-09-17T08:00:07.5"
	)
	tests := []struct {
		name       string
		alter      func(t *testing.T, doc *openapi3.T)
		alterPages func(t *testing.T, pages []page) []page
		want       []string // new findings
		gone       []string // findings of the unaltered spec that go away
		gonePages  []string // pages all of whose findings of the unaltered spec go away too
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
				o := op(t, doc, connections, http.MethodGet)
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
				schema(t, doc, "ClusterTag").Properties["key"].Value.Nullable = true
			},
			want: []string{
				curBody + "total_count | type | Integer | string",
				curPerms + "permissions[].id | type | String | integer",
				seedBody + "total_count | type | Integer | string",
				curConns + "connections[].update_at | nullable | the default value is null | not nullable",
				seedConns + "connections[].update_at | nullable | the default value is null | not nullable",
				// Null where the page does not mention it: only kibana-whitelist-null allows that.
				clusterPage + " | Table 9 ClusterDetailTags | tags[].key | nullable | (null not mentioned) | nullable",
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
			gone: []string{
				curPerms + "permissions[].created_at | format | CCYY-MM-DDThh:mm:ss | " + zoned + " | allowed by timestamp-zone",
			},
		},
		{
			name: "undocumented property and a dropped status code",
			alter: func(t *testing.T, doc *openapi3.T) {
				schema(t, doc, "Permission").Properties["expires_at"] = openapi3.NewStringSchema().NewRef()
				op(t, doc, connections, http.MethodGet).Responses.Delete("409")
			},
			want: []string{
				curPerms + "permissions[].expires_at | presence | not documented | a property",
				currentPage + " | Status Codes table | 409 | responses | listed | no such response",
				seedPage + " | Status Codes table | 409 | responses | listed | no such response",
			},
		},
		{
			name: "an undocumented response: a shared one is allowed by its deviation, another is not",
			alter: func(t *testing.T, doc *openapi3.T) {
				o := op(t, doc, connections, http.MethodGet)
				o.Responses.Set("429", &openapi3.ResponseRef{Ref: "#/components/responses/OtherError",
					Value: doc.Components.Responses["OtherError"].Value})
				o.Responses.Set("503", &openapi3.ResponseRef{Value: doc.Components.Responses["OtherError"].Value})
			},
			want: []string{
				currentPage + " | Status Codes table | 429 | responses | not listed | a response | allowed by status-default",
				currentPage + " | Status Codes table | 503 | responses | not listed | a response",
			},
		},
		{
			name: "a request body field dropped, another added, an example changed",
			alter: func(t *testing.T, doc *openapi3.T) {
				s := schema(t, doc, "UpdateVpcepConnectionRequest")
				delete(s.Properties, "action")
				s.Required = []string{"endpoint_id_list"}
				schema(t, doc, "StartVpecpRequest").Properties["endpointWithDnsName"] = openapi3.NewBoolSchema().NewRef()
				doc.Components.Examples["UpdateVpcepWhitelistRequest"].Value.Value = map[string]any{"vpc_permissions": []any{}}
			},
			want: []string{
				updateBody + "action | presence | String | absent",
				openBody + "endpointWithDnsName | presence | not documented | a property",
				whitelistPage + ` | Example Requests | (request body) | example | the example {"vpc_permissions":["dffef70c1db243cbb373e45791165281"]} | no example of the body equals it`,
			},
		},
		{
			name: "a wrong Mandatory: a property, and a body that is optional though a field is mandatory",
			alter: func(t *testing.T, doc *openapi3.T) {
				schema(t, doc, "StartVpecpRequest").Required = []string{"profession_vpcep"}
				schema(t, doc, "UpdateVpcepConnectionRequest").Required = []string{"action"}
				doc.Components.RequestBodies["UpdateVpcepWhitelistBody"].Value.Required = false
			},
			want: []string{
				openBody + "profession_vpcep | required | No | Yes",
				updateBody + "endpoint_id_list | required | Yes | No",
				whiteBody + "(request body) | required | Yes (a field is mandatory) | No",
			},
		},
		{
			name: "a list bound dropped, another added",
			alter: func(t *testing.T, doc *openapi3.T) {
				list := schema(t, doc, "UpdateVpcepConnectionRequest").Properties["endpoint_id_list"].Value
				list.MaxItems, list.UniqueItems = nil, false
			},
			want: []string{
				updateBody + "endpoint_id_list | items | (no bounds) | minItems 1 | allowed by endpoint-list-bounds",
			},
			gone: []string{
				updateBody + "endpoint_id_list | items | (no bounds) | minItems 1, maxItems 100, uniqueItems | allowed by endpoint-list-bounds",
			},
		},
		{
			name: "a row of the simple table changed on the page",
			alterPages: func(t *testing.T, pages []page) []page {
				return alterPage(t, pages, whitelistPage,
					"   vpc_permissions Yes       Array of strings Whitelist (user account ID).",
					"   vpcPermissions  No        String           Whitelist (user account ID).")
			},
			want: []string{
				whiteBody + "vpcPermissions | presence | String | absent",
				whiteBody + "vpc_permissions | presence | not documented | a property",
				whiteBody + "(request body) | required | No (every field is optional) | Yes",
				// The row no longer documents vpc_permissions, so its pattern and bounds are not
				// compared and the deviations for them allow nothing.
				specFile + " | x-doc-deviations | account-id-hex | deviation | - | covers no finding of the check (aspect pattern at #/components/schemas/AccountId): " +
					"the spec now agrees with the pages there, or the pointer or aspect is wrong",
				specFile + " | x-doc-deviations | whitelist-bounds | deviation | - | covers no finding of the check (aspect items at #/components/schemas/UpdateVpcepWhitelistRequest/properties/vpc_permissions): " +
					"the spec now agrees with the pages there, or the pointer or aspect is wrong",
			},
			gone: []string{
				whiteBody + "vpc_permissions | pattern | (no format) | pattern ^[0-9a-f]{32}$ | allowed by account-id-hex",
				whiteBody + "vpc_permissions | items | (no bounds) | maxItems 100, uniqueItems | allowed by whitelist-bounds",
			},
		},
		{
			name: "a response $ref broken or pointing at the wrong response",
			alter: func(t *testing.T, doc *openapi3.T) {
				op(t, doc, clusterPath, http.MethodGet).Responses.Set("404", &openapi3.ResponseRef{Ref: "#/components/responses/Missing"})
				op(t, doc, closePath, http.MethodPut).Responses.Set("200", &openapi3.ResponseRef{Ref: "#/components/responses/RequestSucceeded",
					Value: doc.Components.Responses["RequestSucceeded"].Value})
			},
			want: []string{
				clusterPage + " | Status Codes table | 404 | responses | listed | a $ref that leads nowhere (#/components/responses/Missing)",
				closePage + " | Table 2 Response body parameters | 200 | responses | a JSON body | no application/json schema",
				closePage + ` | Example Responses | 200 | example | an example body | no application/json body to hold it`,
			},
		},
		{
			name: "a body the page says is None",
			alter: func(t *testing.T, doc *openapi3.T) {
				op(t, doc, closePath, http.MethodPut).RequestBody = doc.Paths.Value("/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/open").Post.RequestBody
				doc.Components.Responses["RequestSucceeded"].Value.Content = openapi3.NewContentWithJSONSchema(openapi3.NewObjectSchema())
			},
			want: []string{
				closePage + " | Request Parameters | (request body) | presence | None | a request body",
				updatePage + " | Response Parameters | 200 | presence | None (no body) | a body (application/json)",
				whitelistPage + " | Response Parameters | 200 | presence | None (no body) | a body (application/json)",
			},
		},
		{
			name: "the cluster example changed: its comments no longer the only difference",
			alter: func(t *testing.T, doc *openapi3.T) {
				v := normalise(doc.Components.Examples["ClusterDetail"].Value.Value).(map[string]any)
				v["name"] = "renamed"
				doc.Components.Examples["ClusterDetail"].Value.Value = v
			},
			want: []string{
				clusterPage + " | Example Responses | 200 | example | not JSON (invalid character '/' after object key:value pair); without its // comments: " +
					`{"actionProgress":{},"actions":[],"authorityEnable":true,"backupAvailable":false,"bandwidthResourceId":"{BANDWIDTH_RE... | no example of the body equals it`,
				specFile + " | x-doc-deviations | cluster-example-comments | deviation | - | covers no finding of the check (aspect example at #/components/examples/ClusterDetail): " +
					"the spec now agrees with the pages there, or the pointer or aspect is wrong",
			},
			gone: []string{
				clusterPage + " | Example Responses | 200 | example | not JSON (invalid character '/' after object key:value pair) | " +
					"equal to its example once the page's // comments are removed | allowed by cluster-example-comments",
			},
		},
		{
			name: "a deviation removed: what it allowed is reported",
			alter: func(t *testing.T, doc *openapi3.T) {
				removeDeviation(t, doc, "update-switch-string")
			},
			want: []string{
				curBody + "vpcepUpdateSwitch | type | Boolean | oneOf(boolean, string)",
				seedBody + "vpcepUpdateSwitch | type | Boolean | oneOf(boolean, string)",
				specFile + " | x-doc-deviations | update-switch-string | deviation | - | a description of the spec names deviation update-switch-string, which x-doc-deviations does not have",
			},
			gone: []string{
				curBody + "vpcepUpdateSwitch | type | Boolean | oneOf(boolean, string) | allowed by update-switch-string",
				seedBody + "vpcepUpdateSwitch | type | Boolean | oneOf(boolean, string) | allowed by update-switch-string",
			},
		},
		{
			name: "a deviation that allows nothing, one pointing nowhere, one of an unknown aspect",
			alter: func(t *testing.T, doc *openapi3.T) {
				addDeviation(t, doc, map[string]any{"id": "stale", "pointer": "#/components/schemas/Connection/properties/id",
					"aspect": "type", "documented": "String", "decision": "-"})
				addDeviation(t, doc, map[string]any{"id": "typo", "pointer": "#/components/schemas/NoSuchSchema",
					"aspect": "type", "documented": "-", "decision": "-"})
				addDeviation(t, doc, map[string]any{"id": "vague", "pointer": "#/components/schemas/Connection",
					"aspect": "semantics", "documented": "-", "decision": "-"})
				addDeviation(t, doc, map[string]any{"id": "stale", "pointer": "#/components/schemas/Connection",
					"aspect": "behaviour", "documented": "-", "decision": "-"})
			},
			want: []string{
				specFile + " | x-doc-deviations | stale | deviation | - | covers no finding of the check (aspect type at #/components/schemas/Connection/properties/id): " +
					"the spec now agrees with the pages there, or the pointer or aspect is wrong",
				specFile + " | x-doc-deviations | stale | deviation | - | the id is used by an earlier entry too",
				specFile + " | x-doc-deviations | typo | deviation | - | pointer #/components/schemas/NoSuchSchema leads nowhere in the spec",
				specFile + " | x-doc-deviations | typo | deviation | - | covers no finding of the check (aspect type at #/components/schemas/NoSuchSchema): " +
					"the spec now agrees with the pages there, or the pointer or aspect is wrong",
				specFile + ` | x-doc-deviations | vague | deviation | - | aspect "semantics" is neither one the checker compares (` +
					strings.Join(comparedAspects, ", ") + `) nor one it declares it cannot (behaviour, casing, error-body)`,
			},
		},
		{
			name: "a page missing from the table, another naming the wrong operation",
			alterPages: func(t *testing.T, pages []page) []page {
				pages = slices.DeleteFunc(slices.Clone(pages), func(p page) bool { return p.name == closePage })
				k := slices.IndexFunc(pages, func(p page) bool { return p.name == seedPage })
				pages[k].operationID = "StartVpecp"
				return pages
			},
			want: []string{
				specFile + " | paths | PUT /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/close | presence | no page of the test's table documents it | operation StopVpecp",
				seedPage + " | URI | GET /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections | path | operation StartVpecp (the test's table of pages) | operationId ShowVpcepConnection",
			},
			gonePages: []string{seedPage, closePage}, // no longer checked as the operation they document
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadSpec(t)
			if tt.alter != nil {
				tt.alter(t, doc)
			}
			ps := pages
			if tt.alterPages != nil {
				ps = tt.alterPages(t, slices.Clone(pages))
			}
			got := keys(check(ps, doc))
			added := slices.DeleteFunc(slices.Clone(got), func(k string) bool { return slices.Contains(baseline, k) })
			gone := slices.DeleteFunc(slices.Clone(baseline), func(k string) bool { return slices.Contains(got, k) })
			if diff := cmp.Diff(slices.Sorted(slices.Values(tt.want)), added, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("new findings mismatch (-want +got):\n%s", diff)
			}
			wantGone := slices.Clone(tt.gone)
			for _, k := range baseline {
				if slices.ContainsFunc(tt.gonePages, func(p string) bool { return strings.HasPrefix(k, p+" | ") }) {
					wantGone = append(wantGone, k)
				}
			}
			if diff := cmp.Diff(slices.Sorted(slices.Values(wantGone)), gone, cmpopts.EquateEmpty()); diff != "" {
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

// alterPage returns pages with the text of page name changed (old, which must occur once,
// replaced by new) and parsed again.
func alterPage(t *testing.T, pages []page, name, old, new string) []page {
	t.Helper()
	k := slices.IndexFunc(pages, func(p page) bool { return p.name == name })
	if k < 0 || strings.Count(pages[k].text, old) != 1 {
		t.Fatalf("page %s does not hold %q once", name, old)
	}
	p := pages[k]
	pages[k] = parsePage(t, p.name, p.operationID, p.current, strings.Replace(p.text, old, new, 1))
	return pages
}

func deviations(t *testing.T, doc *openapi3.T) []any {
	t.Helper()
	devs, ok := doc.Extensions["x-doc-deviations"].([]any)
	if !ok {
		t.Fatalf("x-doc-deviations is a %T, not a list", doc.Extensions["x-doc-deviations"])
	}
	return devs
}

func removeDeviation(t *testing.T, doc *openapi3.T, id string) {
	t.Helper()
	doc.Extensions["x-doc-deviations"] = slices.DeleteFunc(slices.Clone(deviations(t, doc)), func(d any) bool {
		m, _ := d.(map[string]any)
		return m["id"] == id
	})
}

func addDeviation(t *testing.T, doc *openapi3.T, d map[string]any) {
	t.Helper()
	doc.Extensions["x-doc-deviations"] = append(slices.Clone(deviations(t, doc)), d)
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

func op(t *testing.T, doc *openapi3.T, path, method string) *openapi3.Operation {
	t.Helper()
	item := doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("the spec has no %s %s", method, path)
	}
	return item.GetOperation(method)
}
