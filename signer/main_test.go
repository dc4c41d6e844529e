package signer_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cssvpcep/cssvpcep/signer"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testSecret is recognizable so that tests can look for it in every output.
const (
	testAccessKey = "AK-TEST-0001"
	testSecret    = "SK-SECRET-abc123"
)

// t0 is the signing time of most tests.
var t0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func testCreds(t *testing.T) signer.Credentials {
	t.Helper()
	c, err := signer.NewCredentials(testAccessKey, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func lookup(ak string) (string, bool) {
	if ak == testAccessKey {
		return testSecret, true
	}
	return "", false
}

// newRequest builds a client request; an empty body means none.
func newRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// signed returns a request signed with the test credentials at t0.
func signed(t *testing.T, method, url, body string, header http.Header) *http.Request {
	t.Helper()
	req := newRequest(t, method, url, body)
	for k, vs := range header {
		req.Header[k] = vs
	}
	if err := signer.Sign(req, testCreds(t), t0); err != nil {
		t.Fatal(err)
	}
	return req
}

// startServer starts h on an httptest server and returns a client for it; both are shut
// down when the test ends, so that goleak finds no connection goroutines.
func startServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	return srv, &http.Client{Transport: tr}
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
