package client

import (
	"github.com/cssvpcep/cssvpcep/internal/quote"

	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
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
	// isArgumentError checks that err is an *ArgumentError of fn naming clusterID, with the
	// reason CheckID gives.
	isArgumentError := func(fn, id string, err error) bool {
		t.Helper()
		var ae *ArgumentError
		want := reasonOf(t, CheckID("clusterID", id))
		return errors.As(err, &ae) && ae.Func == fn && ae.Name == "clusterID" && ae.Reason == want
	}
	for _, tt := range tests {
		_, err := f.client.ListConnections(context.Background(), tt.id, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "client: ListConnections: clusterID ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ListConnections(%q) = %v, want an error naming clusterID and saying %q", tt.id, err, tt.want)
		}
		if !isArgumentError("ListConnections", tt.id, err) {
			t.Errorf("ListConnections(%q) = %#v, want an *ArgumentError", tt.id, err)
		}
		for _, err := range f.client.AllConnections(context.Background(), tt.id) {
			if err == nil || !strings.Contains(err.Error(), "AllConnections: clusterID") || !isArgumentError("AllConnections", tt.id, err) {
				t.Errorf("AllConnections(%q) yielded %v, want an *ArgumentError naming clusterID", tt.id, err)
			}
		}
		for p, err := range f.client.AllPages(context.Background(), tt.id) {
			if p != nil || !isArgumentError("AllPages", tt.id, err) {
				t.Errorf("AllPages(%q) yielded %v, %v, want an *ArgumentError naming clusterID", tt.id, p, err)
			}
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests were sent for invalid IDs", hits.Load())
	}
}

// reasonOf returns the Reason of the *ArgumentError err.
func reasonOf(t *testing.T, err error) string {
	t.Helper()
	var ae *ArgumentError
	if !errors.As(err, &ae) {
		t.Fatalf("%v is not an *ArgumentError", err)
	}
	return ae.Reason
}

func TestCheckID(t *testing.T) {
	for _, id := range []string{"c", "54b7f739-31a1-40d0-862b-ac85b83ab2da", "c 1", "%2F", "ü", "...", strings.Repeat("x", MaxIDLength)} {
		if err := CheckID("clusterID", id); err != nil {
			t.Errorf("CheckID(%q) = %v", id, err)
		}
	}
	err := CheckID("--cluster-id", "a/b")
	var ae *ArgumentError
	if !errors.As(err, &ae) || *ae != (ArgumentError{Name: "--cluster-id", Reason: `"a/b" contains '/', which is not allowed in an ID`}) {
		t.Errorf("CheckID = %#v", err)
	}
	if err.Error() != `client: --cluster-id "a/b" contains '/', which is not allowed in an ID` {
		t.Errorf("Error() = %q", err)
	}
}

// No message quotes more than 64 bytes of a value, however long or however escaped.
func TestCheckID_quotesLittle(t *testing.T) {
	for _, id := range []string{
		strings.Repeat("\x01", MaxIDLength),        // each byte quoted as 4
		strings.Repeat("é", MaxIDLength/2-1) + "/", // cut at a character boundary
		strings.Repeat("x", MaxIDLength-1) + "#",
		" " + strings.Repeat("x", MaxIDLength-1),
		strings.Repeat("\xff", MaxIDLength),
	} {
		reason := reasonOf(t, CheckID("id", id))
		q, _, ok := strings.Cut(reason, "…")
		if !ok || !strings.HasPrefix(q, `"`) || len(q) > 2+4*quote.Max {
			t.Errorf("CheckID(%.10q…) quotes too much: %q", id, reason)
		}
		if unquoted, err := strconv.Unquote(q); err != nil || len(unquoted) > quote.Max || !utf8.ValidString(unquoted) && utf8.ValidString(id) {
			t.Errorf("CheckID(%.10q…): quoted %q (%v)", id, q, err)
		}
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

func TestHeaderTextProblem(t *testing.T) {
	for _, v := range []string{"", " ", "a\r\nX-Evil: 1", "a\x00", " a", "a "} {
		if reason := headerTextProblem("the value", v); reason == "" {
			t.Errorf("headerTextProblem(%q) = \"\"", v)
		}
	}
	if reason := headerTextProblem("the value", "MIIabc+/=-_.x y"); reason != "" {
		t.Errorf("headerTextProblem: %s", reason)
	}
}
