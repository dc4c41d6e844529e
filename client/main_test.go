package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/redact"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Recognizable credentials: no log line, error or printed value may ever contain them.
const (
	testProject = "p-123"
	testCluster = "c-456"
	testToken   = "tok-SECRET-1"
	testAK      = "AKTEST"
	testSK      = "sk-SECRET-2"

	connectionsPattern = "GET /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections"
)

// fixture is a client talking to an httptest server through the contract validator.
type fixture struct {
	t         *testing.T
	client    *Client
	mux       *http.ServeMux
	server    *httptest.Server
	transport *http.Transport
	user      *http.Client  // the client given to WithHTTPClient
	done      chan struct{} // closed when the test ends, for handlers that block

	mu         sync.Mutex
	violations []*contract.ValidationError
}

// setup returns a fixture whose traffic must all match the spec: contract.ForTest fails the
// test for any request or response that breaks it. Retry waits are a millisecond or so.
func setup(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	return newFixture(t, false, opts)
}

// setupViolating is setup for tests whose server breaks the spec on purpose: the problems are
// collected in f.violations instead of failing the test, for the test to check.
func setupViolating(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	return newFixture(t, true, opts)
}

func newFixture(t *testing.T, collect bool, opts []Option) *fixture {
	t.Helper()
	f := &fixture{t: t, mux: http.NewServeMux(), transport: &http.Transport{}, done: make(chan struct{})}
	f.server = httptest.NewServer(f.mux)
	var rt http.RoundTripper
	if collect {
		rt = contract.ForTest(t, f.transport, contract.WithReporter(func(e *contract.ValidationError) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.violations = append(f.violations, e)
		}))
	} else {
		rt = contract.ForTest(t, f.transport)
	}
	f.user = &http.Client{Transport: rt}
	base := []Option{
		WithEndpoint(f.server.URL),
		WithProjectID(testProject),
		WithToken(testToken),
		WithHTTPClient(f.user),
		WithRetry(3, time.Millisecond, 2*time.Millisecond),
	}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.client = c
	t.Cleanup(func() {
		close(f.done)
		f.server.Close()
		f.transport.CloseIdleConnections()
	})
	return f
}

// handle registers h for the connections path and returns a counter of the requests it got.
func (f *fixture) handle(h http.HandlerFunc) *atomic.Int64 {
	var n atomic.Int64
	f.mux.HandleFunc(connectionsPattern, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	})
	return &n
}

func (f *fixture) problems() []*contract.ValidationError {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*contract.ValidationError(nil), f.violations...)
}

// useAccessKey replaces the fixture's token with AK/SK credentials.
func useAccessKey() Option {
	return func(c *config) error {
		c.token, c.hasToken = redact.Secret{}, false
		return WithAccessKey(testAK, testSK)(c)
	}
}

// withCheckRedirect gives the fixture's http.Client (a copy of it) a CheckRedirect.
func withCheckRedirect(fn func(*http.Request, []*http.Request) error) Option {
	return func(c *config) error {
		hc := *c.httpClient
		hc.CheckRedirect = fn
		c.httpClient = &hc
		return nil
	}
}

// withClock sets the signing clock.
func withClock(now func() time.Time) Option {
	return func(c *config) error {
		c.now = now
		return nil
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// writeError answers with a CSS error body in the service's shape.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"errCode": code, "externalMessage": msg})
}

// conn is a valid connection in wire form.
func conn(id string) map[string]any {
	return map[string]any{"id": id, "status": "accepted", "maxSession": "3000", "created_at": "2024-06-11T09:36:24Z"}
}

// pageOf is a valid page body.
func pageOf(total int, ids ...string) map[string]any {
	conns := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		conns = append(conns, conn(id))
	}
	return map[string]any{"connections": conns, "total_count": total}
}

// ids returns "id-<from>" ... "id-<to-1>".
func ids(from, to int) []string {
	out := make([]string, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		out = append(out, "id-"+strconv.Itoa(i))
	}
	return out
}

// specExample returns a doc example of the spec (components/examples) as JSON.
func specExample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := api.Example(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustTime parses an RFC 3339 time.
func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// retryCounter is a RetryPolicy around DefaultRetryPolicy that counts the failed attempts it
// is asked about.
func retryCounter(n *atomic.Int64) Option {
	return WithRetryPolicy(func(ctx context.Context, op Operation, resp *http.Response, err error) (bool, error) {
		n.Add(1)
		return DefaultRetryPolicy(ctx, op, resp, err)
	})
}

// list calls ListConnections for testCluster and fails the test on an error.
func (f *fixture) list(opts *ListOptions) *Page {
	f.t.Helper()
	p, err := f.client.ListConnections(context.Background(), testCluster, opts)
	if err != nil {
		f.t.Fatalf("ListConnections: %v", err)
	}
	return p
}
