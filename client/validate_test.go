package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestClient_ListConnections_clusterIDReachesServerExactly(t *testing.T) {
	accepted := []string{
		"c-456",
		"54b7f739-31a1-40d0-862b-ac85b83ab2da",
		"c 1",    // escaped as %20
		"%2F",    // a literal percent sign and "2F", not an escaped slash
		"%",      // escaped as %25
		"100%25", // stays itself, not "100%"
		"ü-ß-東京",
		"a;b", "a+b", "a:b", "a@b", "a=b&c", "a,b", "~x", "a.b", "...", "a..b",
		strings.Repeat("x", MaxIDLength),
	}
	for _, id := range accepted {
		f := setup(t)
		var gotCluster, gotProject string
		hits := f.handle(func(w http.ResponseWriter, r *http.Request) {
			gotCluster, gotProject = r.PathValue("cluster_id"), r.PathValue("project_id")
			writeJSON(w, http.StatusOK, pageOf(0))
		})
		if _, err := f.client.ListConnections(context.Background(), id, nil); err != nil {
			t.Errorf("ListConnections(%q): %v", id, err)
			continue
		}
		if hits.Load() != 1 || gotCluster != id || gotProject != testProject {
			t.Errorf("ListConnections(%q): the server got cluster %q, project %q in %d requests", id, gotCluster, gotProject, hits.Load())
		}
	}
}

func TestClient_ListConnections_rejectsBadClusterID(t *testing.T) {
	tests := []struct {
		id, want string
	}{
		{"", "clusterID is empty"},
		{" ", `clusterID " " is blank`},
		{"\t \t", "is blank"},
		{"/", `contains '/'`},
		{"c 1/x", `contains '/'`}, // the official SDK sends this to /clusters/c%201/x/...
		{"a/../b", `contains '/'`},
		{`a\b`, `contains '\\'`},
		{"..", "is a dot segment"},
		{".", "is a dot segment"},
		{"?", `contains '?'`},
		{"a?limit=1", `contains '?'`},
		{"#", `contains '#'`},
		{"a\x00b", "control character at byte 1"},
		{"a\nb", "control character at byte 1"},
		{"a\rb", "control character"},
		{"a\x7fb", "control character"},
		{"a\u0085b", "control character"},
		{"\xff\xfe", "is not valid UTF-8"},
		{" c", "leading or trailing white space"},
		{"c ", "leading or trailing white space"},
		{strings.Repeat("x", MaxIDLength+1), "is 257 bytes long; at most 256 are allowed"},
	}
	f := setup(t)
	hits := f.handle(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, pageOf(0)) })
	for _, tt := range tests {
		_, err := f.client.ListConnections(context.Background(), tt.id, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "client: ListConnections: clusterID ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ListConnections(%q) = %v, want an error naming clusterID and saying %q", tt.id, err, tt.want)
		}
		for _, err := range f.client.AllConnections(context.Background(), tt.id) {
			if err == nil || !strings.Contains(err.Error(), "AllConnections: clusterID") {
				t.Errorf("AllConnections(%q) yielded %v, want an error naming clusterID", tt.id, err)
			}
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests were sent for invalid IDs", hits.Load())
	}
}

func TestWithProjectID_reachesServerExactly(t *testing.T) {
	for _, id := range []string{"p 1", "%2F", "ü"} {
		f := setup(t, WithProjectID(id))
		var got string
		f.handle(func(w http.ResponseWriter, r *http.Request) {
			got = r.PathValue("project_id")
			writeJSON(w, http.StatusOK, pageOf(0))
		})
		f.list(nil)
		if got != id {
			t.Errorf("WithProjectID(%q): the server got %q", id, got)
		}
	}
}

func TestCheckHeaderText(t *testing.T) {
	for _, v := range []string{"", " ", "a\r\nX-Evil: 1", "a\x00", " a", "a "} {
		if err := checkHeaderText("W", "the value", v); err == nil {
			t.Errorf("checkHeaderText(%q) = nil", v)
		}
	}
	if err := checkHeaderText("W", "the value", "MIIabc+/=-_.x y"); err != nil {
		t.Errorf("checkHeaderText: %v", err)
	}
}
