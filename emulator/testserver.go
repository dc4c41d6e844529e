package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cssvpcep/cssvpcep/contract"
)

// shutdownTimeout bounds how long a TestServer's cleanup waits for requests in flight.
const shutdownTimeout = 10 * time.Second

// TB is the part of testing.TB that NewTestServer uses; *testing.T, *testing.B and *testing.F
// have it. Taking this instead of testing.TB keeps package testing out of programs that import
// the emulator.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// TestServer is an Emulator serving on a free loopback port for the length of a test, like
// httptest.Server. Point the code under test at URL, with ProjectID and one of ClusterIDs:
//
//	ts := emulator.NewTestServer(t, emulator.WithToken("test-token"))
//	c, err := client.New(
//		client.WithEndpoint(ts.URL),
//		client.WithProjectID(ts.ProjectID),
//		client.WithToken("test-token"),
//		client.WithHTTPClient(ts.Client()),
//	)
//	page, err := c.ListConnections(ctx, ts.ClusterIDs[0], nil)
//
// Change what it serves while the test runs through Store.
type TestServer struct {
	// URL is the base URL, http://127.0.0.1:<port>, with no trailing slash.
	URL string
	// ProjectID is the project of the seed's first cluster (DefaultProjectID for the built-in
	// seed).
	ProjectID string
	// ClusterIDs are the clusters of ProjectID in seed order (DefaultClusterID, then
	// ClusterID2023 for the built-in seed; synthetic clusters of that project last).
	ClusterIDs []string
	// Emulator is the emulator being served.
	Emulator *Emulator

	client *http.Client
}

// NewTestServer starts an Emulator configured by opts on a free loopback port, with response
// validation on (WithResponseValidation) and tasks that end at once (WithTaskDuration(0),
// unless opts set another duration), and stops it when the test ends: it shuts it down
// gracefully, waits for Serve to return and closes the idle connections of Client, so that a
// goroutine leak check (go.uber.org/goleak) finds nothing left. If the emulator sent a
// response that breaks the spec (a bug of the emulator), the cleanup fails the test with the
// problems. A wrong option or a failure to listen fails the test at once.
func NewTestServer(t TB, opts ...Option) *TestServer {
	t.Helper()
	var (
		mu       sync.Mutex
		problems []string
	)
	collect := withReport(func(ve *contract.ValidationError) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, ve.Error())
	})
	e, err := New(append([]Option{WithResponseValidation(), WithTaskDuration(0), collect}, opts...)...)
	if err != nil {
		t.Fatalf("emulator.NewTestServer: %v", err)
	}
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("emulator.NewTestServer: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- e.Serve(l) }()

	ts := &TestServer{URL: "http://" + l.Addr().String(), Emulator: e, client: &http.Client{Transport: &http.Transport{}}}
	if order := e.store.clusterOrder(); len(order) > 0 {
		ts.ProjectID = order[0][0]
		for _, c := range order {
			if c[0] == ts.ProjectID {
				ts.ClusterIDs = append(ts.ClusterIDs, c[1])
			}
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		// Idle connections first: one the transport dialed for a burst of requests and never
		// used is new to the server, which Shutdown waits 5 seconds for before it counts as
		// idle.
		ts.client.CloseIdleConnections()
		shutdownErr := e.Shutdown(ctx)
		serveErr := <-served
		ts.client.CloseIdleConnections()
		switch {
		case shutdownErr != nil:
			t.Fatalf("emulator.TestServer: shutdown: %v", shutdownErr)
		case !errors.Is(serveErr, http.ErrServerClosed):
			t.Fatalf("emulator.TestServer: serve: %v", serveErr)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(problems) > 0 {
			t.Fatalf("emulator.TestServer: %d responses broke the spec (answered with 500 instead):\n%s", len(problems), strings.Join(problems, "\n"))
		}
	})
	return ts
}

// Store returns the state of the emulator, to read or change while it serves.
func (ts *TestServer) Store() *Store { return ts.Emulator.Store() }

// Client returns an HTTP client with a transport of its own, whose idle connections are
// closed when the test ends.
func (ts *TestServer) Client() *http.Client { return ts.client }
