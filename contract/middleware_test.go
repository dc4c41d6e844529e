package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/google/go-cmp/cmp"
)

// recordNext is a next handler that records the requests that reach it and answers with r.
type recordNext struct {
	calls atomic.Int32
	last  atomic.Pointer[http.Request]
	r     reply
}

func (n *recordNext) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	n.calls.Add(1)
	n.last.Store(req)
	for k, v := range n.r.header {
		w.Header()[k] = v
	}
	if n.r.status != 0 {
		w.WriteHeader(n.r.status)
	}
	_, _ = io.WriteString(w, n.r.body)
}

func middleware(t *testing.T, next http.Handler, opts ...contract.Option) http.Handler {
	t.Helper()
	h, err := contract.NewMiddleware(next, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// do serves one request through h.
func do(h http.Handler, method, target string, header http.Header, body io.Reader) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// errorBody decodes the middleware's JSON reply, checking its media type.
func errorBody(t *testing.T, w *httptest.ResponseRecorder) map[string]string {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	return body
}

func TestMiddleware_rejectsBadRequests(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		target    string
		body      io.Reader
		status    int
		allow     string
		wantReply map[string]string
	}{{
		name:   "bad query",
		target: connectionsPath + "?limit=0&offset=abc",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: query parameter "offset": value is an invalid integer; query parameter "limit": number must be at least 1`},
	}, {
		name:   "limit too large",
		target: connectionsPath + "?limit=1001",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: query parameter "limit": number must be at most 1000`},
	}, {
		// kin-openapi judges the first value only; whatever the order, a repeat is the problem.
		name:   "limit twice, the bad value second",
		target: connectionsPath + "?limit=1&limit=5000",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: query parameter "limit": appears 2 times, at most once allowed`},
	}, {
		name:   "limit twice, the bad value first",
		target: connectionsPath + "?limit=5000&limit=1",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: query parameter "limit": appears 2 times, at most once allowed`},
	}, {
		name:   "offset three times with one value, limit twice with one key escaped",
		target: connectionsPath + "?offset=1&limit=0&offset=1&lim%69t=&offset=1",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: query parameter "offset": appears 3 times, at most once allowed; query parameter "limit": appears 2 times, at most once allowed`},
	}, {
		name:   "offset twice, limit bad",
		target: connectionsPath + "?offset=1&limit=0&offset=2",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: query parameter "offset": appears 2 times, at most once allowed; query parameter "limit": number must be at least 1`},
	}, {
		name:   "cluster_id a dot segment",
		target: "/v1.0/p1/clusters/./vpcepservice/connections",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: path parameter "cluster_id": "." is a dot segment, which URL normalization removes`},
	}, {
		name:   "project_id a dot-dot segment",
		target: "/v1.0/../clusters/c1/vpcepservice/connections",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: path parameter "project_id": ".." is a dot segment, which URL normalization removes`},
	}, {
		// Decoded, %2E is a dot too (and WHATWG URL parsers resolve it as one).
		name:   "cluster_id an escaped dot, next to an escaped slash",
		target: "/v1.0/p%2F1/clusters/%2E/vpcepservice/connections",
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: path parameter "cluster_id": "." is a dot segment, which URL normalization removes`},
	}, {
		name:   "body on a GET",
		target: connectionsPath,
		body:   strings.NewReader(`{}`),
		status: http.StatusBadRequest,
		wantReply: map[string]string{"errCode": "CSS.0001",
			"externalMessage": `Incorrect parameters: body: the operation takes no request body`},
	}, {
		name:   "unknown path",
		target: "/v1.0/p1/clusters/c1/vpcepservice",
		status: http.StatusNotFound,
		wantReply: map[string]string{"errCode": "CSS.0016",
			"externalMessage": "Resource not found: no operation of the spec matches GET /v1.0/p1/clusters/c1/vpcepservice"},
	}, {
		name:   "PUT",
		method: http.MethodPut,
		target: connectionsPath,
		status: http.StatusMethodNotAllowed,
		allow:  connectionsAllow(t),
		wantReply: map[string]string{"errCode": "CSS.0004",
			"externalMessage": "Invalid operation: method PUT is not allowed on " + connectionsPath + " (allowed: " + connectionsAllow(t) + ")"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &recordNext{r: jsonReply(listJSON("", ""))}
			var reported collect
			h := middleware(t, next, contract.WithReporter(reported.report))
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			w := do(h, method, tt.target, nil, tt.body)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if got := w.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if diff := cmp.Diff(tt.wantReply, errorBody(t, w)); diff != "" {
				t.Errorf("reply (-want +got):\n%s", diff)
			}
			if next.calls.Load() != 0 {
				t.Error("the next handler was called")
			}
			if n := len(reported.messages()); n != 1 {
				t.Errorf("reported %d errors, want 1", n)
			}
		})
	}
}

// A valid request reaches the next handler as it came: no defaults written into the query.
func TestMiddleware_passesValidRequests(t *testing.T) {
	for _, target := range []string{
		connectionsPath,
		connectionsPath + "?offset=0&limit=1000",
		connectionsPath + "?limit=1&unknown=kept",
	} {
		t.Run(target, func(t *testing.T) {
			next := &recordNext{r: jsonReply(listJSON("", ""))}
			w := do(middleware(t, next), http.MethodGet, target, nil, nil)
			if w.Code != http.StatusOK || next.calls.Load() != 1 {
				t.Fatalf("status %d, next called %d times", w.Code, next.calls.Load())
			}
			if got := next.last.Load().URL.String(); got != target {
				t.Errorf("next got %s, want %s", got, target)
			}
		})
	}
}

// clusterServer records the path parameters the generated server decoded.
type clusterServer struct {
	fakeServer
	last atomic.Pointer[[2]string]
}

func (s *clusterServer) ShowVpcepConnection(ctx context.Context, req api.ShowVpcepConnectionRequestObject) (api.ShowVpcepConnectionResponseObject, error) {
	s.last.Store(&[2]string{req.ProjectId, req.ClusterId})
	return s.fakeServer.ShowVpcepConnection(ctx, req)
}

// The middleware routes as the generated server's ServeMux does: on the escaped path, segment
// by segment, so an escaped slash stays inside its parameter, and each value is decoded once.
func TestMiddleware_escapedSlashInPathParameters(t *testing.T) {
	tests := []struct {
		target           string
		project, cluster string
	}{
		{"/v1.0/p1/clusters/a%2Fb/vpcepservice/connections", "p1", "a/b"},
		{"/v1.0/p1/clusters/a%252Fb/vpcepservice/connections", "p1", "a%2Fb"},
		{"/v1.0/p%2f1/clusters/%252E/vpcepservice/connections?limit=2", "p/1", "%2E"},
		{"/v1%2E0/x%2Fy/clusters/a%2F..%25/vpcepservice/connections", "x/y", "a/..%"},
		{"/v1.0/%E2%82%AC/clusters/%F0%9F%98%80%2F/vpcepservice/connections", "€", "😀/"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			server := &clusterServer{}
			if err := json.Unmarshal([]byte(example(t, api.ExampleCurrent)), &server.list); err != nil {
				t.Fatal(err)
			}
			var reported collect
			h := middleware(t, api.Handler(api.NewStrictHandler(server, nil)), contract.WithResponseValidation(true), contract.WithReporter(reported.report))
			w := do(h, http.MethodGet, tt.target, nil, nil)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, body %s", w.Code, w.Body)
			}
			got := server.last.Load()
			if got == nil || *got != [2]string{tt.project, tt.cluster} {
				t.Errorf("the handler got %q, want %q", got, [2]string{tt.project, tt.cluster})
			}
			if msgs := reported.messages(); len(msgs) != 0 {
				t.Errorf("reported %q", msgs)
			}
		})
	}

	// An escaped slash in a literal segment makes a path the spec does not have, for ServeMux too.
	for _, target := range []string{
		"/v1.0/p1/clusters%2Fc1/vpcepservice/connections",
		"/v1.0/p1/clusters/c1/vpcepservice%2Fconnections",
		"/v1.0/p1/clusters/c1/vpcepservice/connections%2F",
	} {
		w := do(middleware(t, &recordNext{}), http.MethodGet, target, nil, nil)
		if w.Code != http.StatusNotFound || errorBody(t, w)["errCode"] != "CSS.0016" {
			t.Errorf("%s: %d %s, want 404 CSS.0016", target, w.Code, w.Body)
		}
	}
}

func TestMiddleware_security(t *testing.T) {
	next := &recordNext{r: jsonReply(listJSON("", ""))}
	h := middleware(t, next, contract.WithSecurityCheck(true))

	w := do(h, http.MethodGet, connectionsPath+"?limit=0", nil, nil)
	if w.Code != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", w.Code)
	}
	want := map[string]string{"error_code": "APIGW.0301",
		"error_msg": `Incorrect IAM authentication information: no credentials: send header "X-Auth-Token" for token, or header "Authorization" for aksk`}
	if diff := cmp.Diff(want, errorBody(t, w)); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if w := do(h, http.MethodGet, connectionsPath, http.Header{"X-Auth-Token": {secret}}, nil); w.Code != http.StatusOK {
		t.Errorf("with a token: status %d", w.Code)
	}
	if w := do(middleware(t, next), http.MethodGet, connectionsPath, nil, nil); w.Code != http.StatusOK {
		t.Errorf("by default, without credentials: status %d, want 200", w.Code)
	}
}

// Without strictness, a bad response is reported and sent as the handler wrote it.
func TestMiddleware_reportsBadResponses(t *testing.T) {
	sent := `{"connections":[{"id":"a","status":"pending"}],"total_count":1}`
	next := &recordNext{r: reply{status: 200, header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r-1"}}, body: sent}}
	var reported collect
	h := middleware(t, next, contract.WithResponseValidation(false), contract.WithReporter(reported.report))

	w := do(h, http.MethodGet, connectionsPath, nil, nil)
	if w.Code != 200 || w.Body.String() != sent || w.Header().Get("X-Request-Id") != "r-1" {
		t.Errorf("status %d, body %s, headers %v", w.Code, w.Body, w.Header())
	}
	want := []string{responsePrefix + `connections[0].status: value is not one of the allowed values ["accepted","rejected"]`}
	if diff := cmp.Diff(want, reported.messages()); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}

	// A handler that writes nothing sends 200 with no body, which breaks the spec too.
	reported = collect{}
	h = middleware(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		contract.WithResponseValidation(false), contract.WithReporter(reported.report))
	do(h, http.MethodGet, connectionsPath, nil, nil)
	want = []string{responsePrefix + `header "Content-Type": media type is not one the spec declares for this status (application/json)`}
	if diff := cmp.Diff(want, reported.messages()); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}

// Strictly, a bad response is replaced by a 500 that says why.
func TestMiddleware_strictReplacesBadResponses(t *testing.T) {
	next := &recordNext{r: reply{status: 200, header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r-2"}, "X-Other": {"dropped"}},
		body: `{"connections":{},"total_count":1}`}}
	var reported collect
	h := middleware(t, next, contract.WithResponseValidation(true), contract.WithReporter(reported.report))

	w := do(h, http.MethodGet, connectionsPath, nil, nil)
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", w.Code)
	}
	want := map[string]string{"errCode": "CSS.9999",
		"externalMessage": "Failed to process the request: the response breaks the contract: connections: value must be an array"}
	if diff := cmp.Diff(want, errorBody(t, w)); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if w.Header().Get("X-Request-Id") != "r-2" || w.Header().Get("X-Other") != "" {
		t.Errorf("headers %v: want X-Request-Id kept and the handler's others dropped", w.Header())
	}
	if len(reported.messages()) != 1 {
		t.Errorf("reported %v", reported.messages())
	}
}

func TestMiddleware_strictSendsGoodResponses(t *testing.T) {
	sent := example(t, api.ExampleCurrent)
	next := &recordNext{r: reply{status: 200, header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r-3"}}, body: sent}}
	w := do(middleware(t, next, contract.WithResponseValidation(true)), http.MethodGet, connectionsPath, nil, nil)
	if w.Code != 200 || w.Body.String() != sent || w.Header().Get("X-Request-Id") != "r-3" || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("status %d, headers %v, body %s", w.Code, w.Header(), w.Body)
	}
}

func TestMiddleware_strictBodyLimit(t *testing.T) {
	var writeErr error
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, writeErr = io.WriteString(w, example(t, api.ExampleCurrent))
	})
	var reported collect
	h := middleware(t, next, contract.WithResponseValidation(true), contract.WithBodyLimit(32), contract.WithReporter(reported.report))
	w := do(h, http.MethodGet, connectionsPath, nil, nil)
	if w.Code != http.StatusInternalServerError || !errors.Is(writeErr, contract.ErrBodyTooLarge) {
		t.Errorf("status %d, the handler's write returned %v", w.Code, writeErr)
	}
	want := []string{responsePrefix + "body: is larger than the 32-byte limit, so it was not validated"}
	if diff := cmp.Diff(want, reported.messages()); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}

// fakeServer stands for the emulator: the generated strict server over a fixed page. The
// tests exercise only ShowVpcepConnection; the interface it embeds (nil) stands for the other
// operations, so that one added to the spec does not break the fake.
type fakeServer struct {
	api.StrictServerInterface
	list api.ConnectionList
}

var _ api.StrictServerInterface = fakeServer{}

func (s fakeServer) ShowVpcepConnection(context.Context, api.ShowVpcepConnectionRequestObject) (api.ShowVpcepConnectionResponseObject, error) {
	return api.ShowVpcepConnection200JSONResponse(s.list), nil
}

// emulatorHandler is the generated handler over a page decoded from the current example.
func emulatorHandler(t testing.TB, current string) http.Handler {
	var list api.ConnectionList
	if err := json.Unmarshal([]byte(current), &list); err != nil {
		t.Fatal(err)
	}
	return api.Handler(api.NewStrictHandler(fakeServer{list: list}, nil))
}

// The generated server behind the strict middleware and the generated client behind ForTest
// agree with the spec end to end.
func TestMiddleware_endToEnd(t *testing.T) {
	h := middleware(t, emulatorHandler(t, example(t, api.ExampleCurrent)), contract.WithResponseValidation(true))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := newClient(t, srv.URL, contract.ForTest(t, transport(t)))

	resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", &api.ShowVpcepConnectionParams{Limit: ptr(api.Limit(10))})
	if err != nil || resp.JSON200 == nil || len(resp.JSON200.Connections) != 2 {
		t.Fatalf("err %v, status %d, body %s", err, resp.StatusCode(), resp.Body)
	}
	// What a client without the RoundTripper could send.
	unchecked := newClient(t, srv.URL, transport(t))
	resp, err = unchecked.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", &api.ShowVpcepConnectionParams{Limit: ptr(api.Limit(5000))})
	if err != nil || resp.JSON400 == nil || *resp.JSON400.ErrCode != "CSS.0001" {
		t.Fatalf("err %v, status %d, body %s", err, resp.StatusCode(), resp.Body)
	}
}

// One middleware and one RoundTripper serve many goroutines at once (run with -race).
func TestMiddleware_concurrentUse(t *testing.T) {
	h := middleware(t, emulatorHandler(t, example(t, api.ExampleCurrent)), contract.WithResponseValidation(true))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := newClient(t, srv.URL, contract.ForTest(t, transport(t)))

	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			params := &api.ShowVpcepConnectionParams{Offset: ptr(api.Offset(i)), Limit: ptr(api.Limit(1 + i))}
			resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", params)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
			} else if resp.JSON200 == nil {
				t.Errorf("request %d: status %d, body %s", i, resp.StatusCode(), resp.Body)
			}
		})
	}
	wg.Wait()
}

// A query pair that url.ParseQuery drops (an escape that does not decode, a ";") would be
// validated and served as if it had not been sent: the middleware answers 400 naming it, before
// the handler sees the request.
func TestMiddleware_rejectsQueryPairsParseQueryDrops(t *testing.T) {
	long := strings.Repeat("n", 100<<10)
	tests := []struct{ query, want string }{
		{"limit=%zz", `query parameter "limit": invalid URL escape "%zz"`},
		{"limit=5%", `query parameter "limit": invalid URL escape "%"`},
		{"limit=1;offset=2", `query parameter "limit": holds ";", which does not separate query parameters; use "&"`},
		{"limit=1&offset=2;", `query parameter "offset": holds ";"`},
		{"%zz=1", `query parameter "%zz": invalid URL escape "%zz"`},
		{"other=%zz", `query parameter "other": invalid URL escape "%zz"`},
		{"limit=%zz&offset=1;x", `query parameter "limit": invalid URL escape "%zz"; query parameter "offset": holds ";"`},
		// A long name is cut to 64 bytes.
		{long + "=%zz", `query parameter "` + long[:64] + `…": invalid URL escape "%zz"`},
	}
	for _, tt := range tests {
		t.Run(tt.query[:min(len(tt.query), 40)], func(t *testing.T) {
			next := &recordNext{r: jsonReply(listJSON("", ""))}
			var reported collect
			w := do(middleware(t, next, contract.WithReporter(reported.report)), http.MethodGet, connectionsPath+"?"+tt.query, nil, nil)
			reply := errorBody(t, w)
			if w.Code != http.StatusBadRequest || reply["errCode"] != "CSS.0001" ||
				!strings.HasPrefix(reply["externalMessage"], "Incorrect parameters: "+tt.want) {
				t.Errorf("status %d, reply %v; want 400 CSS.0001 %q", w.Code, reply, tt.want)
			}
			if len(reply["externalMessage"]) > 1024 {
				t.Errorf("the reply is %d bytes long", len(reply["externalMessage"]))
			}
			if next.calls.Load() != 0 || len(reported.messages()) != 1 {
				t.Errorf("next called %d times, %d reports", next.calls.Load(), len(reported.messages()))
			}
		})
	}
	// Valid escapes pass.
	next := &recordNext{r: jsonReply(listJSON("", ""))}
	if w := do(middleware(t, next), http.MethodGet, connectionsPath+"?limit=%31&offset=%30&x=a+b", nil, nil); w.Code != http.StatusOK || next.calls.Load() != 1 {
		t.Errorf("valid escapes: status %d, next called %d times", w.Code, next.calls.Load())
	}
}

// A request target that is not a path (OPTIONS *, CONNECT host:port) is a bad request: 400 in
// the CSS shape, naming the target.
func TestMiddleware_rejectsTargetsThatAreNotPaths(t *testing.T) {
	for _, tt := range []struct{ method, target, want string }{
		{http.MethodOptions, "*", `Incorrect parameters: the request target "*" is not a path`},
		{http.MethodConnect, "css.example:443", `Incorrect parameters: the request target "css.example:443" is not a path`},
	} {
		next := &recordNext{r: jsonReply(listJSON("", ""))}
		var reported collect
		w := do(middleware(t, next, contract.WithReporter(reported.report)), tt.method, tt.target, nil, nil)
		want := map[string]string{"errCode": "CSS.0001", "externalMessage": tt.want}
		if diff := cmp.Diff(want, errorBody(t, w)); w.Code != http.StatusBadRequest || diff != "" {
			t.Errorf("%s %s: status %d, reply (-want +got):\n%s", tt.method, tt.target, w.Code, diff)
		}
		if next.calls.Load() != 0 || len(reported.messages()) != 1 {
			t.Errorf("%s %s: next called %d times, %d reports", tt.method, tt.target, next.calls.Load(), len(reported.messages()))
		}
	}
}

// The method and the path in a 404 or 405 come from the request: at most 64 bytes of the
// method and 256 of the path are kept, so a 100 kB path or method gets a short answer.
func TestMiddleware_boundsWhatItQuotes(t *testing.T) {
	long := strings.Repeat("a", 100<<10)
	for _, tt := range []struct {
		name, method, target string
		status               int
		want                 string
	}{
		{"a long path", http.MethodGet, "/" + long, http.StatusNotFound,
			"Resource not found: no operation of the spec matches GET /" + long[:255] + "…"},
		{"a long method", strings.Repeat("M", 100<<10), connectionsPath, http.StatusMethodNotAllowed,
			"Invalid operation: method " + strings.Repeat("M", 64) + "… is not allowed on " + connectionsPath + " (allowed: " + connectionsAllow(t) + ")"},
	} {
		w := do(middleware(t, &recordNext{}), tt.method, tt.target, nil, nil)
		if reply := errorBody(t, w); w.Code != tt.status || reply["externalMessage"] != tt.want {
			t.Errorf("%s: status %d, message %.300q; want %d %.300q", tt.name, w.Code, reply["externalMessage"], tt.status, tt.want)
		}
		if w.Body.Len() > 1024 {
			t.Errorf("%s: the reply is %d bytes long", tt.name, w.Body.Len())
		}
	}
}

// countingBody counts the reads of a request body.
type countingBody struct {
	io.Reader
	reads atomic.Int32
}

func (b *countingBody) Read(p []byte) (int, error) {
	b.reads.Add(1)
	return b.Reader.Read(p)
}

func (b *countingBody) Close() error { return nil }

// A declared body on an operation that takes none is refused from its Content-Length, as
// kin-openapi refuses it, without a byte being read: a client that declares a body and never
// sends it gets its 400 at once.
func TestMiddleware_readsNoBodyTheOperationDoesNotTake(t *testing.T) {
	next := &recordNext{r: jsonReply(listJSON("", ""))}
	body := &countingBody{Reader: strings.NewReader(`{"a":1}`)}
	req := httptest.NewRequest(http.MethodGet, connectionsPath+"?limit=0", body)
	req.ContentLength = 7
	w := httptest.NewRecorder()
	middleware(t, next).ServeHTTP(w, req)
	want := map[string]string{"errCode": "CSS.0001",
		"externalMessage": `Incorrect parameters: query parameter "limit": number must be at least 1; body: the operation takes no request body`}
	if diff := cmp.Diff(want, errorBody(t, w)); w.Code != http.StatusBadRequest || diff != "" {
		t.Errorf("status %d, reply (-want +got):\n%s", w.Code, diff)
	}
	if n := body.reads.Load(); n != 0 {
		t.Errorf("the body was read %d times", n)
	}
}

// A server in front that caps bodies with http.MaxBytesReader makes a longer body a 413, in the
// CSS shape, rather than a body that "cannot be read".
func TestMiddleware_bodyCappedInFront(t *testing.T) {
	h := middleware(t, &recordNext{r: jsonReply(listJSON("", ""))})
	capped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 10)
		h.ServeHTTP(w, r)
	})
	req := httptest.NewRequest(http.MethodGet, connectionsPath, io.NopCloser(strings.NewReader(strings.Repeat("x", 100))))
	req.ContentLength = -1 // as sent chunked: only reading tells its length
	w := httptest.NewRecorder()
	capped.ServeHTTP(w, req)
	want := map[string]string{"errCode": "CSS.0001", "externalMessage": "Incorrect parameters: the request body is larger than 10 bytes"}
	if diff := cmp.Diff(want, errorBody(t, w)); w.Code != http.StatusRequestEntityTooLarge || diff != "" {
		t.Errorf("status %d, reply (-want +got):\n%s", w.Code, diff)
	}
}
