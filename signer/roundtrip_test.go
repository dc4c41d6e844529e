package signer_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/signer"
)

// verifyingServer starts a server that answers 200 with the body it received when the request
// verifies, else 401 with the error. It returns the server's URL, a client, and a function
// that returns the last escaped path the server saw.
func verifyingServer(t *testing.T) (string, *http.Client, func() string) {
	t.Helper()
	var (
		mu       sync.Mutex
		seenPath string
	)
	srv, client := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seenPath = r.URL.EscapedPath()
		mu.Unlock()
		if err := signer.Verify(r, lookup, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(body)
	})
	return srv.URL, client, func() string {
		mu.Lock()
		defer mu.Unlock()
		return seenPath
	}
}

func TestRoundTrip_overHTTP(t *testing.T) {
	base, client, seenPath := verifyingServer(t)
	const prefix = "/v1.0/0123456789abcdef/clusters/"
	tests := []struct {
		name      string
		clusterID string // escaped with url.PathEscape, as the generated client does
		query     string
		method    string
		body      string
		header    http.Header
		host      string
		wantPath  string // what the server must see, to be sure the case tested what it says
	}{
		{name: "plain", clusterID: "4f3deec3-efa6-4c9f-a3ce-8b7b6c2b5c3d", query: "offset=0&limit=10"},
		{name: "space", clusterID: "a b", wantPath: prefix + "a%20b/vpcepservice/connections"},
		{name: "encoded slash", clusterID: "a/b", wantPath: prefix + "a%2Fb/vpcepservice/connections"},
		{name: "percent sign", clusterID: "100%", wantPath: prefix + "100%25/vpcepservice/connections"},
		{name: "unicode", clusterID: "集群-é", wantPath: prefix + "%E9%9B%86%E7%BE%A4-%C3%A9/vpcepservice/connections"},
		{name: "reserved characters", clusterID: "a+b!$&'()*,;=:@~", wantPath: prefix + "a+b%21$&%27%28%29%2A%2C%3B=:@~/vpcepservice/connections"},
		{name: "query: repeated keys, empty values, plus and %20", clusterID: "c", query: "b=2&a=x+y&a=x%20y&a=&e&k%26=%2B"},
		{name: "query: semicolon and bad escape", clusterID: "c", query: "a;b=1&c=%zz"},
		{
			name: "POST with body and signed headers", clusterID: "c", method: http.MethodPost, body: `{"Name":"test","Id":1}` + "\n",
			header: http.Header{"Content-Type": {"application/json"}, "X-Project-Id": {"p"}, "X-Multi": {" c", "b"}, "Host": {"x"}},
		},
		{name: "explicit Host signed", clusterID: "c", host: "css.example.com", header: http.Header{"Host": {"x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(base + prefix + url.PathEscape(tt.clusterID) + "/vpcepservice/connections")
			if err != nil {
				t.Fatal(err)
			}
			u.RawQuery = tt.query
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(context.Background(), method, u.String(), body)
			if err != nil {
				t.Fatal(err)
			}
			for k, vs := range tt.header {
				req.Header[k] = vs
			}
			req.Host = tt.host
			if err := signer.Sign(req, testCreds(t), time.Now()); err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got := readAll(t, resp.Body)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, got)
			}
			if got != tt.body {
				t.Errorf("the handler read %q, want %q", got, tt.body)
			}
			if seen := seenPath(); tt.wantPath != "" && seen != tt.wantPath {
				t.Errorf("server saw path %q, want %q", seen, tt.wantPath)
			}
		})
	}
}

// The generated client with the editor, and a retry as the client does one: the same request
// signed again before the next attempt.
func TestRoundTrip_generatedClientAndRetry(t *testing.T) {
	var (
		mu       sync.Mutex
		attempts int
		dates    []string
	)
	srv, httpClient := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		attempts++
		dates = append(dates, r.Header.Get("X-Sdk-Date"))
		// The server's clock moves with the client's, an hour per attempt.
		if err := signer.Verify(r, lookup, t0.Add(time.Duration(attempts-1)*time.Hour)); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if attempts == 1 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"connections":[]}`)
	})
	clock := t0
	editor := testCreds(t).RequestEditor(func() time.Time { return clock })
	retrying := doerFunc(func(req *http.Request) (*http.Response, error) {
		for {
			resp, err := httpClient.Do(req)
			if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
				return resp, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			clock = clock.Add(time.Hour) // far past the skew: the old signature would be refused
			if err := editor(req.Context(), req); err != nil {
				return nil, err
			}
		}
	})
	c, err := api.NewClient(srv.URL, api.WithHTTPClient(retrying), api.WithRequestEditorFn(editor))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.ShowVpcepConnection(context.Background(), "proj", "a/b c", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if body := readAll(t, resp.Body); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	mu.Lock()
	defer mu.Unlock()
	if attempts != 2 || dates[0] == dates[1] {
		t.Errorf("attempts = %d with dates %q, want 2 with distinct dates", attempts, dates)
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }
