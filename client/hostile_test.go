package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// hostileIDs are the IDs of SECURITY.md's client table, each with its exact outcome: the
// Reason of the *ArgumentError that refuses it before any request, or, for an ID the client
// sends, the path segment the server receives (escaped), which must decode to the ID itself.
// validate_test.go has more rows of both kinds.
var hostileIDs = []struct {
	name, id string
	reason   string // "" when the ID is sent
	segment  string // the escaped path segment sent
}{
	{name: "empty", id: "", reason: "is empty"},
	{name: "a space", id: " ", reason: `" " is blank`},
	{name: "a tab and spaces", id: "\t \t", reason: `"\t \t" is blank`},
	{name: "leading space", id: " c", reason: `" c" has leading or trailing white space`},
	{name: "trailing space", id: "c ", reason: `"c " has leading or trailing white space`},
	{name: "inner space", id: "c 1", segment: "c%201"},
	{name: "slash", id: "/", reason: `"/" contains '/', which is not allowed in an ID`},
	{name: "a path", id: "a/../b", reason: `"a/../b" contains '/', which is not allowed in an ID`},
	{name: "back slash", id: `a\b`, reason: `"a\\b" contains '\\', which is not allowed in an ID`},
	{name: "escaped slash", id: "%2F", segment: "%252F"},
	{name: "escaped dot-dot", id: "%2e%2e", segment: "%252e%252e"},
	{name: "dot-dot", id: "..", reason: `".." is a dot segment, which URL resolution would remove`},
	{name: "dot", id: ".", reason: `"." is a dot segment, which URL resolution would remove`},
	{name: "three dots", id: "...", segment: "..."},
	{name: "question mark", id: "?", reason: `"?" contains '?', which is not allowed in an ID`},
	{name: "a query", id: "c?limit=1000", reason: `"c?limit=1000" contains '?', which is not allowed in an ID`},
	{name: "hash", id: "#", reason: `"#" contains '#', which is not allowed in an ID`},
	{name: "NUL", id: "a\x00b", reason: `"a\x00b" has a control character at byte 1`},
	{name: "line break", id: "a\nb", reason: `"a\nb" has a control character at byte 1`},
	{name: "header injection", id: "c\r\nX-Evil: 1", reason: `"c\r\nX-Evil: 1" has a control character at byte 1`},
	{name: "DEL", id: "a\x7f", reason: `"a\x7f" has a control character at byte 1`},
	{name: "C1 control", id: "a\u0085", reason: `"a\u0085" has a control character at byte 1`},
	{name: "invalid UTF-8", id: "\xff\xfe", reason: `"\xff\xfe" is not valid UTF-8`},
	{name: "unicode", id: "ü-ß-東京", segment: "%C3%BC-%C3%9F-%E6%9D%B1%E4%BA%AC"},
	{name: "right-to-left override", id: "a\u202eb", segment: "a%E2%80%AEb"},
	{name: "256 bytes", id: strings.Repeat("x", MaxIDLength), segment: strings.Repeat("x", MaxIDLength)},
	{name: "257 bytes", id: strings.Repeat("x", MaxIDLength+1), reason: "is 257 bytes long; at most 256 are allowed"},
	{name: "10 kB", id: strings.Repeat("x", 10<<10), reason: "is 10240 bytes long; at most 256 are allowed"},
}

// Every hostile cluster ID: ListConnections refuses it with an *ArgumentError naming clusterID
// before any request, or sends it as exactly one path segment that decodes to it.
func TestClient_ListConnections_hostileClusterIDs(t *testing.T) {
	for _, tt := range hostileIDs {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			var gotID, gotPath string
			hits := f.handle(func(w http.ResponseWriter, r *http.Request) {
				gotID, gotPath = r.PathValue("cluster_id"), r.URL.EscapedPath()
				writeJSON(w, http.StatusOK, pageOf(0))
			})
			_, err := f.client.ListConnections(context.Background(), tt.id, nil)
			if tt.reason != "" {
				var ae *ArgumentError
				want := "client: ListConnections: clusterID " + tt.reason
				if !errors.As(err, &ae) || ae.Func != "ListConnections" || ae.Name != "clusterID" || ae.Reason != tt.reason || err.Error() != want {
					t.Errorf("ListConnections: %v, want %q", err, want)
				}
				if hits.Load() != 0 {
					t.Errorf("%d requests were sent", hits.Load())
				}
				return
			}
			wantPath := "/v1.0/" + testProject + "/clusters/" + tt.segment + "/vpcepservice/connections"
			if err != nil || hits.Load() != 1 || gotID != tt.id || gotPath != wantPath {
				t.Errorf("ListConnections: %v; the server got %q at %s in %d requests, want %s", err, gotID, gotPath, hits.Load(), wantPath)
			}
		})
	}
}

// The same IDs as project IDs: WithProjectID refuses them with a *ConfigError, or the project
// reaches the server exactly.
func TestWithProjectID_hostileIDs(t *testing.T) {
	for _, tt := range hostileIDs {
		t.Run(tt.name, func(t *testing.T) {
			if tt.reason != "" {
				_, err := New(WithRegion("eu-de"), WithToken(testToken), WithProjectID(tt.id))
				var ce *ConfigError
				want := "client: WithProjectID: project ID " + tt.reason
				if !errors.As(err, &ce) || ce.Option != "WithProjectID" || err.Error() != want {
					t.Errorf("New: %v, want %q", err, want)
				}
				return
			}
			f := setup(t, WithProjectID(tt.id))
			var got, gotPath string
			f.handle(func(w http.ResponseWriter, r *http.Request) {
				got, gotPath = r.PathValue("project_id"), r.URL.EscapedPath()
				writeJSON(w, http.StatusOK, pageOf(0))
			})
			f.list(nil)
			if want := "/v1.0/" + tt.segment + "/clusters/" + testCluster + "/vpcepservice/connections"; got != tt.id || gotPath != want {
				t.Errorf("the server got project %q at %s, want %s", got, gotPath, want)
			}
		})
	}
}
