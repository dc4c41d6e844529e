package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/ids"
)

// The 200 body is joined from the entry's list encoding; it must be exactly what the
// generated ShowVpcepConnection200JSONResponse writes for the same page, built from the state.
func TestPageResponse_matchesTheGeneratedEncoding(t *testing.T) {
	builtin, err := BuiltinSeed()
	if err != nil {
		t.Fatal(err)
	}
	file, err := ReadSeedFile("testdata/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	synthetic, err := SyntheticCluster(30)
	if err != nil {
		t.Fatal(err)
	}
	odd := "<b>&\"é\u2028"
	clusters := append(append(builtin.Clusters, file.Clusters...),
		SeedCluster{ProjectID: "p", ClusterID: "synthetic", Cluster: synthetic},
		SeedCluster{ProjectID: "p", ClusterID: "empty"},
		SeedCluster{ProjectID: "p", ClusterID: "escapes", Cluster: Cluster{
			Connections:    []api.Connection{{Id: odd, Status: api.Accepted, SpecificationName: &odd, CreatedAt: &api.FlexTime{Raw: "2024-06-11T09:36:24.5+02:00"}}},
			Permissions:    []api.Permission{},
			VpcServiceName: odd,
		}})
	store, err := NewStore(Seed{Clusters: clusters})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clusters {
		for _, pg := range [][2]int{{0, 10}, {0, 1000}, {1, 1}, {5, 7}, {29, 10}, {30, 10}, {1000, 1000}} {
			e, err := store.get(c.ProjectID, c.ClusterID)
			if err != nil {
				t.Fatal(err)
			}
			p := pageOf(e, pg[0], pg[1])
			got, want := httptest.NewRecorder(), httptest.NewRecorder()
			if err := pageResponse(p).VisitShowVpcepConnectionResponse(got); err != nil {
				t.Fatal(err)
			}
			if err := api.ShowVpcepConnection200JSONResponse(p.list()).VisitShowVpcepConnectionResponse(want); err != nil {
				t.Fatal(err)
			}
			if got.Body.String() != want.Body.String() || got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Errorf("%s offset %d limit %d:\n got %d %s\nwant %d %s", c.ClusterID, pg[0], pg[1], got.Code, got.Body, want.Code, want.Body)
			}
			if cl := got.Header().Get("Content-Length"); cl != fmt.Sprint(got.Body.Len()) {
				t.Errorf("Content-Length %s for %d bytes", cl, got.Body.Len())
			}
		}
	}
}

func TestPaging_constantsMatchTheSpec(t *testing.T) {
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	offset := doc.Components.Parameters["Offset"].Value.Schema.Value
	limit := doc.Components.Parameters["Limit"].Value.Schema.Value
	if *offset.Min != 0 || *offset.Max != maxOffset || offset.Default != 0.0 {
		t.Errorf("offset: spec %v-%v default %v", *offset.Min, *offset.Max, offset.Default)
	}
	if *limit.Min != minLimit || *limit.Max != maxLimit || limit.Default != float64(defaultLimit) {
		t.Errorf("limit: spec %v-%v default %v", *limit.Min, *limit.Max, limit.Default)
	}
}

// The cap on request bodies is what the spec's operations need: every example of a request
// body in the spec fits, with room for ten times as much, and the largest bodies the spec
// allows (its longest lists, IDs of the longest form) with room for twice as much. An
// operation added with a body must come with an example that passes here.
func TestMaxRequestBody_fitsTheSpec(t *testing.T) {
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	endpoints := make([]string, ids.MaxEndpointIDs)
	for i := range endpoints {
		endpoints[i] = fmt.Sprintf("f132bb14-e1d5-4f25-9f7c-%012x", i)
	}
	accounts := make([]string, ids.MaxAccountIDs)
	for i := range accounts {
		accounts[i] = fmt.Sprintf("%032x", i)
	}
	for _, body := range []any{
		api.UpdateVpcepConnectionRequest{Action: api.ConnectionActionReceive, EndpointIdList: endpoints},
		api.UpdateVpcepWhitelistRequest{VpcPermissions: accounts},
	} {
		b, err := json.MarshalIndent(body, "", "    ") // a client may indent
		if err != nil {
			t.Fatal(err)
		}
		if 2*len(b) > maxRequestBody {
			t.Errorf("%T: the largest body is %d bytes, more than half of maxRequestBody (%d)", body, len(b), maxRequestBody)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for mediaType, mt := range op.RequestBody.Value.Content {
				examples := []any{mt.Example}
				for _, ex := range mt.Examples {
					if ex.Value != nil {
						examples = append(examples, ex.Value.Value)
					}
				}
				for _, ex := range examples {
					if ex == nil {
						continue
					}
					b, err := json.Marshal(ex)
					if err != nil {
						t.Fatal(err)
					}
					if 10*len(b) > maxRequestBody {
						t.Errorf("%s %s (%s): an example body of %d bytes, more than a tenth of maxRequestBody (%d)", method, path, mediaType, len(b), maxRequestBody)
					}
				}
			}
		}
	}
}

// failing is a strict server whose handler fails, for the 500 path.
type failing struct{ api.StrictServerInterface } // embedded: a new operation does not break the fake

func (failing) ShowVpcepConnection(context.Context, api.ShowVpcepConnectionRequestObject) (api.ShowVpcepConnectionResponseObject, error) {
	return nil, errors.New("the store is on fire")
}

// validatingClient fails t for any response that breaks the spec.
func validatingClient(t *testing.T) *http.Client {
	return &http.Client{Transport: contract.ForTest(t, &http.Transport{}, contract.WithSecurityCheck(false))}
}

// When the handler fails, the answer is 500 CSS.9999 in the CSS shape, with a request ID, and
// matches the spec.
func TestEmulator_handlerError_is500(t *testing.T) {
	e := &Emulator{cfg: defaultConfig()}
	h, err := e.layers(strictHandler(failing{}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	hc := validatingClient(t)
	defer hc.CloseIdleConnections()
	status, header, body := mustGet(t, hc, srv.URL+"/v1.0/p/clusters/c/vpcepservice/connections")
	if status != http.StatusInternalServerError || header.Get("X-Request-Id") == "" ||
		!strings.Contains(body, `"errCode":"CSS.9999"`) || !strings.Contains(body, "the store is on fire") {
		t.Errorf("%d %v %s", status, header, body)
	}
}

func mustGet(t *testing.T, hc *http.Client, url string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// putUnchecked stores a cluster without checking it: the only way to make the emulator send a
// response that breaks the spec.
func putUnchecked(t *testing.T, s *Store, projectID, clusterID string, c Cluster) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(projectID, clusterID, &entry{c: c})
}

// fakeTB records what NewTestServer does with its TB. Fatalf ends the goroutine, as
// testing's does.
type fakeTB struct {
	mu       sync.Mutex
	fatals   []string
	cleanups []func()
}

func (*fakeTB) Helper() {}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
	f.mu.Unlock()
	runtime.Goexit()
}

// run calls fn in a goroutine of its own, so that Fatalf can end it, then the cleanups, last
// first, each in a goroutine of its own too.
func (f *fakeTB) run(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.cleanups[i]()
		}()
		<-done
	}
}

// A response that breaks the spec is replaced by 500 CSS.9999 naming the problem, and the
// TestServer's cleanup fails the test with it.
func TestNewTestServer_failsTheTestOnABadResponse(t *testing.T) {
	tb := &fakeTB{}
	tb.run(func() {
		ts := NewTestServer(tb)
		putUnchecked(t, ts.Store(), "p", "bad", Cluster{Connections: []api.Connection{{Id: "x", Status: "bogus"}}})
		status, header, body := mustGet(t, ts.Client(), ts.URL+"/v1.0/p/clusters/bad/vpcepservice/connections")
		if status != http.StatusInternalServerError || !strings.Contains(body, `"errCode":"CSS.9999"`) ||
			!strings.Contains(body, "connections[0].status") || header.Get("X-Request-Id") == "" {
			t.Errorf("%d %v %s", status, header, body)
		}
	})
	if len(tb.fatals) != 1 || !strings.Contains(tb.fatals[0], "1 responses broke the spec") || !strings.Contains(tb.fatals[0], "connections[0].status") {
		t.Errorf("Fatalf calls: %q", tb.fatals)
	}

	// A bad option fails at once, and leaves nothing to clean up.
	tb = &fakeTB{}
	tb.run(func() { NewTestServer(tb, WithFailRate(2, 0)) })
	if len(tb.fatals) != 1 || !strings.Contains(tb.fatals[0], "WithFailRate") || len(tb.cleanups) != 0 {
		t.Errorf("Fatalf calls: %q, %d cleanups", tb.fatals, len(tb.cleanups))
	}
}

// Shutdown lets the requests in flight finish, refuses new ones, and makes Serve return
// http.ErrServerClosed.
func TestEmulator_Shutdown_waitsForRequestsInFlight(t *testing.T) {
	e, err := New(WithLatency(200*time.Millisecond, 0))
	if err != nil {
		t.Fatal(err)
	}
	arrived := make(chan struct{}, 8)
	inner := e.handler
	e.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		inner.ServeHTTP(w, r)
	})
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.Serve(l) }()

	url := "http://" + l.Addr().String() + "/v1.0/" + DefaultProjectID + "/clusters/" + DefaultClusterID + "/vpcepservice/connections"
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	const n = 5
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Errorf("a request in flight failed: %v", err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	for range n {
		<-arrived
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := e.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("Shutdown returned after %v, before the requests in flight could finish", took)
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK {
			t.Errorf("a request in flight got %d", s)
		}
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := hc.Do(req); err == nil {
		resp.Body.Close()
		t.Error("a request after Shutdown was answered")
	}
	l2, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serve(l2); !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve after Shutdown returned %v", err)
	}
	if _, err := l2.Accept(); err == nil {
		t.Error("Serve after Shutdown left its listener open")
	}
}

// When ctx ends before the requests in flight do, Shutdown closes their connections and says
// so.
func TestEmulator_Shutdown_contextEnds(t *testing.T) {
	e, err := New(WithLatency(5*time.Second, 0))
	if err != nil {
		t.Fatal(err)
	}
	arrived := make(chan struct{}, 1)
	inner := e.handler
	e.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		inner.ServeHTTP(w, r)
	})
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.Serve(l) }()
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	failed := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://"+l.Addr().String()+"/", nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		failed <- err
	}()
	<-arrived
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := e.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown returned %v", err)
	}
	if err := <-failed; err == nil {
		t.Error("the request in flight was answered")
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
}

// A cluster detail survives cloneDetail (a copy through its JSON) whole, shares no memory
// with the original, and the spec's example, the template of every cluster without details,
// passes the Store's checks.
func TestCloneDetail_isLosslessAndDeep(t *testing.T) {
	tmpl, err := detailTemplate()
	if err != nil {
		t.Fatal(err)
	}
	c := cloneDetail(tmpl)
	a, err := json.Marshal(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("the clone differs:\n%s\n%s", a, b)
	}
	(*c.Instances)[0].Status = api.InstanceStatusUnavailable
	(*c.ActionProgress)["x"] = 1
	if (*tmpl.Instances)[0].Status != api.InstanceStatusAvailable || len(*tmpl.ActionProgress) != 0 {
		t.Error("the clone shares memory with the template")
	}
	d, err := newDetail("5c77b71c-5b35-4f50-8984-76387e42451a")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkDetail(d.Id, d); err != nil {
		t.Errorf("the template breaks the checks: %v", err)
	}
	if *d.Name != "css-5c77" || *(*d.Instances)[0].Name != "css-5c77-ess-esn-1-1" {
		t.Errorf("names %q %q", *d.Name, *(*d.Instances)[0].Name)
	}
}
