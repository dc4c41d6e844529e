package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/google/go-cmp/cmp"
)

func TestEmulator_builtinSeed_answersWithTheDocExamples(t *testing.T) {
	f := setup(t)
	if f.ProjectID != emulator.DefaultProjectID || !slices.Equal(f.ClusterIDs, []string{emulator.DefaultClusterID, emulator.ClusterID2023}) {
		t.Fatalf("TestServer IDs %q %q", f.ProjectID, f.ClusterIDs)
	}
	gen := f.generated(t)

	resp, err := gen.ShowVpcepConnectionWithResponse(context.Background(), f.ProjectID, emulator.DefaultClusterID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(specExample(t, api.ExampleCurrent), got); diff != "" {
		t.Errorf("current example (-want +got):\n%s", diff)
	}
	checkRequestID(t, resp.HTTPResponse.Header)

	// The 2023 example as the current API sends it: the switch a boolean, update_at null
	// left out (WithDocQuirks answers in the example's own form).
	resp, err = gen.ShowVpcepConnectionWithResponse(context.Background(), f.ProjectID, emulator.ClusterID2023, nil)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		t.Fatal(err)
	}
	want := specExample(t, api.ExampleSeed)
	want["vpcepUpdateSwitch"] = false
	delete(want["connections"].([]any)[0].(map[string]any), "update_at")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("2023 example (-want +got):\n%s", diff)
	}
}

func TestEmulator_throughOurClient(t *testing.T) {
	f := setup(t)
	c := f.ours(t, client.WithToken(testToken))
	page, err := c.ListConnections(context.Background(), emulator.DefaultClusterID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 2 || len(page.Connections) != 2 || page.ServiceName == "" || len(page.Permissions) != 1 || page.RequestID == "" {
		t.Errorf("page %+v", page)
	}
	if page.Connections[0].Created.IsZero() || page.Connections[0].IP == "" {
		t.Errorf("connection %+v", page.Connections[0])
	}
}

func TestEmulator_paging(t *testing.T) {
	const n = 25
	f := setup(t, emulator.WithSynthetic("p", "c", n))
	gen := f.generated(t)
	tests := []struct {
		name          string
		offset, limit *int32
		from, to      int // the connections wanted, [from, to)
	}{
		{"defaults: offset 0, limit 10", nil, nil, 0, 10},
		{"offset only", ptr[int32](20), nil, 20, n},
		{"limit only", nil, ptr[int32](3), 0, 3},
		{"both", ptr[int32](5), ptr[int32](7), 5, 12},
		{"limit 1", ptr[int32](24), ptr[int32](1), 24, 25},
		{"limit past the end", ptr[int32](22), ptr[int32](10), 22, n},
		{"offset at the end", ptr[int32](n), nil, n, n},
		{"offset past the end", ptr[int32](1000), ptr[int32](1000), n, n},
		{"everything", ptr[int32](0), ptr[int32](1000), 0, n},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := gen.ShowVpcepConnectionWithResponse(context.Background(), "p", "c",
				&api.ShowVpcepConnectionParams{Offset: tt.offset, Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if resp.JSON200 == nil {
				t.Fatalf("status %d: %s", resp.StatusCode(), resp.Body)
			}
			want := make([]string, 0, tt.to-tt.from)
			for i := tt.from; i < tt.to; i++ {
				want = append(want, syntheticID(t, i))
			}
			if diff := cmp.Diff(want, ids(resp.JSON200.Connections)); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
			if resp.JSON200.TotalCount != n {
				t.Errorf("total_count %d, want %d", resp.JSON200.TotalCount, n)
			}
			if !strings.Contains(string(resp.Body), `"connections":[`) {
				t.Errorf("connections is not an array: %s", resp.Body)
			}
		})
	}
}

func TestEmulator_paging_allConnectionsThroughOurClient(t *testing.T) {
	const n = 1500 // two pages of client.MaxPageSize
	f := setup(t, emulator.WithSynthetic(emulator.DefaultProjectID, "big", n))
	c := f.ours(t, client.WithToken(testToken))
	var got []string
	for conn, err := range c.AllConnections(context.Background(), "big") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, conn.ID)
	}
	if len(got) != n || got[0] != syntheticID(t, 0) || got[n-1] != syntheticID(t, n-1) {
		t.Errorf("got %d connections, %q ... %q", len(got), got[0], got[len(got)-1])
	}
}

func TestEmulator_badParameters(t *testing.T) {
	f := setup(t, emulator.WithSynthetic("p", "c", 5))
	tests := []struct {
		query string
		want  []string // in the message
	}{
		{"offset=-1", []string{`"offset"`}},
		{"offset=1001", []string{`"offset"`, "1000"}},
		{"limit=0", []string{`"limit"`}},
		{"limit=1001", []string{`"limit"`, "1000"}},
		{"limit=abc", []string{`"limit"`, "integer"}},
		{"offset=1.5", []string{`"offset"`, "integer"}},
		{"limit=99999999999", []string{`"limit"`}},
		{"limit=", []string{`"limit"`}},
		{"limit=1&limit=2", []string{`"limit"`, "appears 2 times"}},
		{"limit=5000&limit=1", []string{`"limit"`, "appears 2 times"}},
		{"offset=0&offset=0", []string{`"offset"`, "appears 2 times"}},
		{"offset=x&limit=0", []string{`"offset"`, `"limit"`}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := get(t, f.lax, f.URL, connectionsPath("p", "c")+"?"+tt.query, nil)
			checkError(t, r, http.StatusBadRequest, "CSS.0001", append([]string{"Incorrect parameters"}, tt.want...)...)
		})
	}
}

// The handler checks the ranges itself, in case it is reached without package contract.
func TestServer_ShowVpcepConnection_outOfRange(t *testing.T) {
	store, err := emulator.NewStore(emulator.Seed{Clusters: []emulator.SeedCluster{{ProjectID: "p", ClusterID: "c"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := emulator.NewServer(store, false)
	for _, p := range []api.ShowVpcepConnectionParams{
		{Offset: ptr[int32](-1)}, {Offset: ptr[int32](1001)}, {Limit: ptr[int32](0)}, {Limit: ptr[int32](1001)}, {Limit: ptr[int32](-5)},
	} {
		resp, err := s.ShowVpcepConnection(context.Background(), api.ShowVpcepConnectionRequestObject{ProjectId: "p", ClusterId: "c", Params: p})
		if !errors.Is(err, emulator.ErrIncorrectParameters) || resp != nil {
			t.Errorf("%+v: %#v, %v", p, resp, err)
		}
	}
	// Through the bare handler, with no contract in front.
	h := s.Handler()
	for _, q := range []string{"offset=-1", "limit=2000", "limit=x"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, connectionsPath("p", "c")+"?"+q, nil))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"errCode":"CSS.0001"`) {
			t.Errorf("%s: %d %s", q, rec.Code, rec.Body)
		}
	}
}

func TestEmulator_unknownProjectOrCluster(t *testing.T) {
	f := setup(t)
	gen := f.generated(t)
	tests := []struct{ project, cluster, want string }{
		{f.ProjectID, "no-such-cluster", `project "demo-project" has no cluster "no-such-cluster"`},
		{"no-such-project", emulator.DefaultClusterID, `project "no-such-project" has no clusters`},
	}
	for _, tt := range tests {
		resp, err := gen.ShowVpcepConnectionWithResponse(context.Background(), tt.project, tt.cluster, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := response{status: resp.StatusCode(), header: resp.HTTPResponse.Header, body: resp.Body}
		checkError(t, r, http.StatusNotFound, "CSS.3027", "The cluster does not exist", tt.want)
		if resp.JSON404 == nil {
			t.Errorf("JSON404 not decoded")
		}
	}

	c := f.ours(t, client.WithToken(testToken))
	_, err := c.ListConnections(context.Background(), "no-such-cluster", nil)
	var apiErr *client.APIError
	if !client.IsNotFound(err) || !errors.As(err, &apiErr) || apiErr.Code != "CSS.3027" || apiErr.RequestID == "" {
		t.Errorf("ListConnections: %v", err)
	}
}

func TestEmulator_pathAndMethodWithoutOperation(t *testing.T) {
	f := setup(t)
	r := get(t, f.lax, f.URL, "/v1.0/demo-project/clusters", nil)
	checkError(t, r, http.StatusNotFound, "CSS.0016")
	// ServeMux would redirect these to their clean form, in plain HTML; the contract layer
	// answers first, naming the parameter.
	for _, id := range []string{".", ".."} {
		r = get(t, f.lax, f.URL, connectionsPath(f.ProjectID, id), nil)
		checkError(t, r, http.StatusBadRequest, "CSS.0001", `path parameter "cluster_id"`, "dot segment")
	}

	allowed := specMethods(t, connectionsTemplate)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodHead} {
		r = do(t, f.lax, m, f.URL+defaultPath, nil)
		if m == http.MethodHead {
			if r.status != http.StatusMethodNotAllowed || len(r.body) != 0 {
				t.Errorf("HEAD: %d %q", r.status, r.body)
			}
			checkRequestID(t, r.header)
			continue
		}
		checkError(t, r, http.StatusMethodNotAllowed, "CSS.0004", m)
		if allow := r.header.Get("Allow"); allow != strings.Join(allowed, ", ") {
			t.Errorf("Allow %q, want %q", allow, strings.Join(allowed, ", "))
		}
	}
}

// The bare handler's own answers to what the generated router has no route for, in the CSS
// shape rather than ServeMux's text.
func TestServer_Handler_noRoute(t *testing.T) {
	store, err := emulator.NewStore(emulator.Seed{})
	if err != nil {
		t.Fatal(err)
	}
	h := emulator.NewServer(store, false).Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"errCode":"CSS.0016"`) {
		t.Errorf("unknown path: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1.0//clusters/c/vpcepservice/connections", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"errCode":"CSS.0016"`) {
		t.Errorf("path with an empty segment: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, connectionsPath("p", "c"), nil))
	if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Body.String(), `"errCode":"CSS.0004"`) ||
		!strings.Contains(rec.Header().Get("Allow"), http.MethodGet) {
		t.Errorf("PUT: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

// A cluster ID holding an encoded slash names no cluster of the Store (which refuses such IDs).
// Both the contract layer and the generated router keep %2F inside its segment, so the answer
// is CSS.3027 for cluster "a/b", as CSS would give, through the emulator and the bare handler.
func TestEmulator_encodedSlashInClusterID(t *testing.T) {
	f := setup(t)
	r := get(t, f.lax, f.URL, connectionsPath(f.ProjectID, "a%2Fb"), nil)
	checkError(t, r, http.StatusNotFound, "CSS.3027", `no cluster "a/b"`)

	store, err := emulator.NewStore(emulator.Seed{Clusters: []emulator.SeedCluster{{ProjectID: "p", ClusterID: "a"}}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	emulator.NewServer(store, false).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, connectionsPath("p", "a%2Fb"), nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"errCode":"CSS.3027"`) ||
		!strings.Contains(rec.Body.String(), `no cluster \"a/b\"`) {
		t.Errorf("bare handler: %d %s", rec.Code, rec.Body)
	}
}

func TestEmulator_requestIDs_uniqueAndOnEveryAnswer(t *testing.T) {
	f := setup(t)
	seen := map[string]bool{}
	for i := range 50 {
		target := defaultPath
		if i%2 == 1 {
			target = connectionsPath(f.ProjectID, "x"+strconv.Itoa(i))
		}
		r := get(t, f.strict, f.URL, target, nil)
		id := checkRequestID(t, r.header)
		if seen[id] {
			t.Fatalf("request ID %s repeated", id)
		}
		seen[id] = true
	}
}

// Every status the emulator answers with matches the spec: the validating transport judges
// the response of every request that names the operation, checkErrorSchema the others, and
// the TestServer validates its own responses (strictly) too.
func TestEmulator_everyStatusMatchesTheSpec(t *testing.T) {
	plain := setup(t)
	authed := setup(t, emulator.WithToken(testToken))
	failing := setup(t, emulator.WithFailRate(1, 1))
	tasks := setup(t, offSeed(), emulator.WithTaskDuration(time.Hour))
	seen := map[int]bool{}
	checkBody := func(f *fixture, method, target, body string, status int, code string) {
		t.Helper()
		var r response
		if body == "" {
			r = do(t, f.lax, method, f.URL+target, nil)
		} else {
			r = doBody(t, f.lax, method, f.URL+target, body)
		}
		seen[r.status] = true
		if code == "" {
			if r.status != status {
				t.Fatalf("%s %s: %d %s", method, target, r.status, r.body)
			}
			if method == http.MethodGet && strings.HasSuffix(target, "/connections") {
				decodeList(t, r.body)
			}
			checkRequestID(t, r.header)
			return
		}
		checkError(t, r, status, code)
	}
	check := func(f *fixture, method, target string, status int, code string) {
		t.Helper()
		checkBody(f, method, target, "", status, code)
	}
	service := "/v1.0/p/clusters/" + offCluster + "/vpcepservice/"
	checkBody(tasks, http.MethodPost, service+"open", "{}", 200, "")
	checkBody(tasks, http.MethodPost, service+"open", "{}", 202, "CSS.0011")
	checkBody(tasks, http.MethodPost, service+"permissions", `{"vpc_permissions":[]}`, 202, "CSS.0011")
	check(tasks, http.MethodGet, service+"connections", 400, "CSS.5182")
	check(tasks, http.MethodGet, "/v1.0/p/clusters/"+offCluster, 200, "")
	checkBody(plain, http.MethodPost, "/v1.0/"+plain.ProjectID+"/clusters/"+emulator.DefaultClusterID+"/vpcepservice/open", "{}", 409, "CSS.0031")
	checkBody(plain, http.MethodPost, defaultPath, `{"action":"receive","endpoint_id_list":["`+noEndpoint+`"]}`, 404, "CSS.0028")
	check(plain, http.MethodGet, defaultPath, 200, "")
	check(plain, http.MethodGet, defaultPath+"?offset=5&limit=1", 200, "")
	check(plain, http.MethodGet, defaultPath+"?limit=0", 400, "CSS.0001")
	check(authed, http.MethodGet, defaultPath, 401, "APIGW.0301")
	check(plain, http.MethodGet, connectionsPath("demo-project", "nope"), 404, "CSS.3027")
	check(plain, http.MethodGet, "/v1.0/nope", 404, "CSS.0016")
	check(plain, http.MethodDelete, defaultPath, 405, "CSS.0004")
	for range 10 { // rate 1: every request fails, 429 or 503 as seed 1 draws them
		r := get(t, failing.lax, failing.URL, defaultPath, nil)
		seen[r.status] = true
		code := "APIGW.0308"
		if r.status == http.StatusServiceUnavailable {
			code = "CSS.9999"
		}
		checkError(t, r, r.status, code)
		if r.header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	for _, s := range []int{200, 202, 400, 401, 404, 405, 409, 429, 503} {
		if !seen[s] {
			t.Errorf("no answer with status %d was seen", s)
		}
	}
}
