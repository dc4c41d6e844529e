package contract_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	// connectionsPath is the operation's path for project p1 and cluster c1.
	connectionsPath = "/v1.0/p1/clusters/c1/vpcepservice/connections"
	// secret stands for a credential; no message may ever quote it.
	secret = "tok-SECRET-123"
)

// connectionsAllow is the Allow header for connectionsPath: the spec's methods on its
// template, sorted, so that a new operation on the path changes the expectation with it.
func connectionsAllow(t testing.TB) string {
	t.Helper()
	doc, err := api.Spec()
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Value("/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections")
	if item == nil {
		t.Fatal("the spec has no connections path")
	}
	return strings.Join(slices.Sorted(maps.Keys(item.Operations())), ", ")
}

// example returns the value of a components/examples entry of the embedded spec, as JSON.
func example(t testing.TB, name string) string {
	t.Helper()
	data, err := api.Example(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// reply is what a test server answers.
type reply struct {
	status int
	header http.Header
	body   string
}

// jsonReply is a 200 application/json reply with body.
func jsonReply(body string) reply {
	return reply{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: body}
}

// testServer answers every request with its reply and records what it received.
type testServer struct {
	URL   string
	hits  atomic.Int32
	mu    sync.Mutex
	lastB []byte
	lastU string // the request target as it came on the wire
}

func (s *testServer) lastBody() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastB
}

func (s *testServer) lastURI() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastU
}

func serve(t *testing.T, r reply) *testServer {
	t.Helper()
	ts := &testServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ts.hits.Add(1)
		b, _ := io.ReadAll(req.Body)
		ts.mu.Lock()
		ts.lastB, ts.lastU = b, req.RequestURI
		ts.mu.Unlock()
		for k, v := range r.header {
			w.Header()[k] = v
		}
		w.WriteHeader(r.status)
		_, _ = io.WriteString(w, r.body)
	}))
	t.Cleanup(srv.Close)
	ts.URL = srv.URL
	return ts
}

// transport returns a transport of its own whose idle connections are closed when the test
// ends, so goleak sees no connection goroutines left over.
func transport(t *testing.T) *http.Transport {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// validating returns a RoundTripper over a fresh transport, failing the test if it cannot be
// built.
func validating(t *testing.T, opts ...contract.Option) *contract.RoundTripper {
	t.Helper()
	rt, err := contract.NewRoundTripper(transport(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// newClient returns the generated client for url over rt, sending a token.
func newClient(t *testing.T, url string, rt http.RoundTripper) *api.ClientWithResponses {
	t.Helper()
	c, err := api.NewClientWithResponses(url, api.WithHTTPClient(&http.Client{Transport: rt}),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("X-Auth-Token", secret)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// collect gathers what a reporter receives.
type collect struct {
	mu   sync.Mutex
	errs []*contract.ValidationError
}

func (c *collect) report(e *contract.ValidationError) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, e)
}

func (c *collect) messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var msgs []string
	for _, e := range c.errs {
		msgs = append(msgs, e.Error())
	}
	return msgs
}

func ptr[T any](v T) *T { return &v }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func apiSpec() (*openapi3.T, error) { return api.GetSpec() }
