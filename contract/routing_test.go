package contract

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/google/go-cmp/cmp"
)

// Each path parameter is its escaped segment decoded exactly once, and a segment's escapes,
// "%2F" included, never split it.
func TestValidator_route_decodesEachSegmentOnce(t *testing.T) {
	v, err := newValidator(&config{bodyLimit: DefaultBodyLimit}, false)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		target           string
		project, cluster string // both "" when no operation matches
	}{
		{"/v1.0/p1/clusters/c1/vpcepservice/connections", "p1", "c1"},
		{"/v1.0/p1/clusters/a%2Fb/vpcepservice/connections", "p1", "a/b"},
		{"/v1.0/p1/clusters/a%2fb/vpcepservice/connections", "p1", "a/b"},
		{"/v1.0/p1/clusters/a%252Fb/vpcepservice/connections", "p1", "a%2Fb"},
		{"/v1.0/p1/clusters/a%25252Fb/vpcepservice/connections", "p1", "a%252Fb"},
		{"/v1.0/p%2F1/clusters/a%25b%2F%25%32%46/vpcepservice/connections", "p/1", "a%b/%2F"},
		{"/v1.0/p%2F/clusters/%2F%2F/vpcepservice/connections/", "p/", "//"},
		{"/v1%2E0/p%2F1/clusters/%E2%82%AC/vpcep%73ervice/connections", "p/1", "€"},
		{"/v1%2E0/p1/clusters/%2E/vpcepservice/connections", "p1", "."},
		{"/v1.0/p1/clusters%2Fc1/vpcepservice/connections", "", ""},
		{"/v1.0/p1/clusters/c1%2Fvpcepservice/connections", "", ""},
		{"/v1.0/p1/clusters/c1/vpcepservice/connections%2F", "", ""},
		{"/v1.0/p1/clusters/a/b/vpcepservice/connections", "", ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, tt.target, nil)
		_, params, verr := v.route(req)
		switch {
		case tt.project == "" && (verr == nil || !errors.Is(verr.Err, routers.ErrPathNotFound)):
			t.Errorf("%s: params %q, error %v; want no operation", tt.target, params, verr)
		case tt.project == "":
		case verr != nil:
			t.Errorf("%s: %v", tt.target, verr)
		default:
			if diff := cmp.Diff(map[string]string{"project_id": tt.project, "cluster_id": tt.cluster}, params); diff != "" {
				t.Errorf("%s: params (-want +got):\n%s", tt.target, diff)
			}
		}
	}
}

// An escape that does not decode makes the path invalid, a 400 rather than "no operation".
// URL.EscapedPath never returns one (net/http answers such a request line 400 itself, and a
// client's transport sends EscapedPath), so routingPath is tested on its own.
func TestRoutingPath_invalidEscape(t *testing.T) {
	for _, p := range []string{"/v1.0/p1/clusters/a%zz%2Fb/vpcepservice/connections", "/v1.0/p1/clusters/%2F/x%"} {
		_, err := routingPath(p)
		var ee url.EscapeError
		if !errors.As(err, &ee) {
			t.Errorf("%s: error %v, want a url.EscapeError", p, err)
		}
	}
	got, err := routingPath("/v1%2E0/a%2F%25b/")
	if want := "/v1.0/a%2F%25b/"; err != nil || got != want {
		t.Errorf("routingPath = %q, %v; want %q", got, err, want)
	}
}
