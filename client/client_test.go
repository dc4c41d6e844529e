package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/contract"
)

// required are the options New cannot do without.
var required = []Option{WithRegion("eu-de"), WithProjectID("p"), WithToken("t")}

func TestNew_optionErrors(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
		want string
	}{
		{"endpoint scheme", WithEndpoint("ftp://css.example"), `client: WithEndpoint: scheme "ftp" is not http or https`},
		{"endpoint no scheme", WithEndpoint("css.example"), `client: WithEndpoint: scheme "" is not http or https`},
		{"endpoint empty", WithEndpoint(""), "client: WithEndpoint: the URL is empty"},
		{"endpoint not a URL", WithEndpoint("http://[::1"), "client: WithEndpoint: not a URL"},
		{"endpoint user info", WithEndpoint("https://admin:hunter2@css.example"), "client: WithEndpoint: the URL carries user information"},
		{"endpoint no host", WithEndpoint("https:///v1"), "client: WithEndpoint: the URL has no host"},
		{"endpoint query", WithEndpoint("https://css.example/?a=b"), "client: WithEndpoint: the URL has a query"},
		{"endpoint empty query", WithEndpoint("https://css.example/?"), "client: WithEndpoint: the URL has a query"},
		{"endpoint fragment", WithEndpoint("https://css.example/#x"), "client: WithEndpoint: the URL has a fragment"},
		{"endpoint dot segment", WithEndpoint("https://css.example/a/../b"), "client: WithEndpoint: the path \"/a/../b\" has a dot segment"},
		{"endpoint white space", WithEndpoint("https://css.example/a b"), "client: WithEndpoint: the URL contains white space"},
		{"endpoint line break", WithEndpoint("https://css.example\n"), "client: WithEndpoint: the URL contains white space"},
		{"region case", WithRegion("EU-DE"), `client: WithRegion: region "EU-DE" does not match`},
		{"region shape", WithRegion("eude"), `client: WithRegion: region "eude" does not match`},
		{"region host injection", WithRegion("eu-de.evil.example/x"), "client: WithRegion: region"},
		{"project empty", WithProjectID(""), "client: WithProjectID: project ID is empty"},
		{"project slash", WithProjectID("a/b"), `client: WithProjectID: project ID "a/b" contains '/'`},
		{"token empty", WithToken(""), "client: WithToken: the token is empty"},
		{"token newline", WithToken("tok\r\nX-Evil: 1"), "client: WithToken: the token has a control character at byte 3"},
		{"access key empty", WithAccessKey("", "sk"), "client: WithAccessKey: signer: access key is empty"},
		{"secret key empty", WithAccessKey("ak", ""), "client: WithAccessKey: the secret key is empty"},
		{"access key space", WithAccessKey("a k", "sk"), "client: WithAccessKey: signer: access key has a character"},
		{"http client", WithHTTPClient(nil), "client: WithHTTPClient: the client is nil"},
		{"user agent empty", WithUserAgent(""), "client: WithUserAgent: the user agent is empty"},
		{"user agent newline", WithUserAgent("ua\nX: y"), "client: WithUserAgent: the user agent has a control character"},
		{"timeout", WithTimeout(-time.Second), "client: WithTimeout: -1s is negative"},
		{"attempts", WithRetry(0, 0, 0), "client: WithRetry: maxAttempts 0 is less than 1"},
		{"min wait", WithRetry(1, -1, 0), "client: WithRetry: minWait -1ns is negative"},
		{"max wait", WithRetry(1, time.Second, time.Millisecond), "client: WithRetry: maxWait 1ms is less than minWait 1s"},
		{"policy", WithRetryPolicy(nil), "client: WithRetryPolicy: the policy is nil"},
		{"backoff", WithBackoff(nil), "client: WithBackoff: the backoff is nil"},
		{"size", WithMaxResponseSize(0), "client: WithMaxResponseSize: 0 is not positive"},
		{"logger", WithLogger(nil), "client: WithLogger: the logger is nil"},
		{"validation mode", WithValidation(0, nil), "client: WithValidation: mode ValidationMode(0) is neither ValidationFail nor ValidationReport"},
		{"validation report", WithValidation(ValidationReport, nil), "client: WithValidation: ValidationReport needs a report function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(append(append([]Option(nil), required...), tt.opt)...)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("New = %v, %v; want an error starting %q", c, err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "X-Evil") {
				t.Errorf("the error quotes a secret: %q", err)
			}
			option, _, _ := strings.Cut(strings.TrimPrefix(tt.want, "client: "), ":")
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Option != option || ce.Variable != "" || err.Error() != ce.Error() ||
				"client: "+option+": "+ce.Err.Error() != err.Error() {
				t.Errorf("errors.As found %#v in %q, want a *ConfigError of %s", ce, err, option)
			}
		})
	}
}

func TestNew_missingAndConflicting(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		want []string
	}{
		{"nothing", nil, []string{"client: no endpoint: use WithEndpoint or WithRegion", "client: no project ID: use WithProjectID", "client: no credentials: use WithToken, WithAccessKey or WithPassword"}},
		{"no endpoint", []Option{WithProjectID("p"), WithToken("t")}, []string{"no endpoint"}},
		{"no project", []Option{WithRegion("eu-de"), WithToken("t")}, []string{"no project ID"}},
		{"no credentials", []Option{WithRegion("eu-de"), WithProjectID("p")}, []string{"no credentials"}},
		{"both credentials", append(append([]Option(nil), required...), WithAccessKey("ak", "sk")), []string{"client: WithToken and WithAccessKey are given: use one kind of credentials"}},
		{"three credentials", append(append([]Option(nil), required...), WithAccessKey("ak", "sk"), WithPassword("u", "pw", "d")), []string{"client: WithToken and WithAccessKey and WithPassword are given: use one kind of credentials"}},
		{"a password without IAM", []Option{WithEndpoint("http://127.0.0.1:1"), WithProjectName("eu-de"), WithPassword("u", "pw", "d")}, []string{"client: no IAM endpoint"}},
		{"several wrong options", []Option{WithTimeout(-1), WithMaxResponseSize(-1)}, []string{"WithTimeout", "WithMaxResponseSize"}},
	}
	for _, tt := range tests {
		_, err := New(tt.opts...)
		for _, w := range tt.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: New = %v, want an error with %q", tt.name, err, w)
			}
		}
		if n := len(configErrors(t, err)); n != len(tt.want) {
			t.Errorf("%s: %d *ConfigErrors, want %d", tt.name, n, len(tt.want))
		}
	}
	_, err := New()
	for _, sentinel := range []error{ErrNoEndpoint, ErrNoProjectID, ErrNoCredentials} {
		if !errors.Is(err, sentinel) {
			t.Errorf("errors.Is(New(), %v) = false", sentinel)
		}
	}
	if _, err := New(required...); err != nil {
		t.Errorf("New(required...) = %v", err)
	}
}

// A *ConfigError made by hand prints sensibly too.
func TestConfigError_Error(t *testing.T) {
	for _, tt := range []struct {
		err  *ConfigError
		want string
	}{
		{&ConfigError{Option: "WithX", Err: errors.New("bad")}, "client: WithX: bad"},
		{&ConfigError{Option: "WithX", Variable: "X", Err: errors.New("bad")}, "client: NewFromEnv: X: bad"},
		{&ConfigError{Err: errors.New("bad")}, "client: bad"},
		{&ConfigError{Option: "WithX"}, "client: WithX: <nil>"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestNew_endpoints(t *testing.T) {
	tests := []struct {
		opts []Option
		want string
	}{
		{[]Option{WithRegion("eu-de")}, "https://css.eu-de.otc.t-systems.com/"},
		{[]Option{WithRegion("eu-nl")}, "https://css.eu-nl.otc.t-systems.com/"},
		{[]Option{WithEndpoint("https://css.cn-north-4.myhuaweicloud.com")}, "https://css.cn-north-4.myhuaweicloud.com/"},
		{[]Option{WithEndpoint("HTTP://127.0.0.1:8080")}, "http://127.0.0.1:8080/"},
		{[]Option{WithEndpoint("https://proxy.example/css")}, "https://proxy.example/css/"},
		{[]Option{WithEndpoint("https://proxy.example/a%2Fb/")}, "https://proxy.example/a%2Fb/"},
		{[]Option{WithRegion("eu-de"), WithEndpoint("http://localhost:1")}, "http://localhost:1/"},
		{[]Option{WithEndpoint("http://localhost:1"), WithRegion("eu-nl")}, "https://css.eu-nl.otc.t-systems.com/"},
	}
	for _, tt := range tests {
		c, err := New(append([]Option{WithProjectID("p"), WithToken("t")}, tt.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.cfg.endpoint.String(); got != tt.want || c.server != tt.want {
			t.Errorf("endpoint = %q (request builders' server %q), want %q", got, c.server, tt.want)
		}
	}
}

func TestNew_defaults(t *testing.T) {
	c, err := New(required...)
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.cfg
	if cfg.timeout != DefaultTimeout || cfg.maxAttempts != 3 || cfg.maxResponseSize != 16<<20 || cfg.validation != 0 || cfg.projectHeader {
		t.Errorf("defaults: %v", cfg)
	}
	if cfg.logger.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("the default logger logs")
	}
}

func TestClient_ListConnections_endpointPathPrefix(t *testing.T) {
	// The server validates what it receives (the client-side validator routes on the path
	// alone, so it is shown the path without the prefix, see validatingTransport).
	mux := http.NewServeMux()
	var gotPath string
	mux.HandleFunc(connectionsPattern, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, pageOf(1, "a"))
	})
	validated, err := contract.NewMiddleware(mux, contract.WithResponseValidation(true), contract.WithSecurityCheck(true))
	if err != nil {
		t.Fatal(err)
	}
	outer := http.NewServeMux()
	outer.Handle("/proxy/css/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.EscapedPath()
		http.StripPrefix("/proxy/css", validated).ServeHTTP(w, r)
	}))
	srv := httptest.NewServer(outer)
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	var problems atomic.Int64
	for _, opts := range [][]Option{nil, {WithValidation(ValidationFail, func(*contract.ValidationError) { problems.Add(1) })}} {
		c, err := New(append([]Option{WithEndpoint(srv.URL + "/proxy/css"), WithProjectID(testProject), WithToken(testToken),
			WithHTTPClient(&http.Client{Transport: tr})}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		page, err := c.ListConnections(context.Background(), "c 1", &ListOptions{Limit: 5})
		if err != nil {
			t.Fatalf("ListConnections: %v", err)
		}
		if want := "/proxy/css/v1.0/" + testProject + "/clusters/c%201/vpcepservice/connections"; gotPath != want || len(page.Connections) != 1 {
			t.Errorf("the server got %q, want %q", gotPath, want)
		}
	}
	if problems.Load() != 0 {
		t.Errorf("run-time validation found %d problems with a path prefix", problems.Load())
	}
}

func TestClient_ListConnections_headers(t *testing.T) {
	tests := []struct {
		name        string
		opts        []Option
		wantUA      *regexp.Regexp
		wantProject string
	}{
		{"defaults", nil, regexp.MustCompile(`^cssvpcep-go/0\.1\.0 \(` + runtime.GOOS + `/` + runtime.GOARCH + `; go[^)]+\)$`), ""},
		{"custom", []Option{WithUserAgent("my-tool/2.0"), WithProjectIDHeader()}, regexp.MustCompile(`^my-tool/2\.0$`), testProject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, tt.opts...)
			f.handle(func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("X-Auth-Token"); got != testToken {
					t.Errorf("X-Auth-Token = %q", got)
				}
				if r.Header.Get("Authorization") != "" {
					t.Error("a token request carries Authorization")
				}
				if got := r.Header.Get("User-Agent"); !tt.wantUA.MatchString(got) {
					t.Errorf("User-Agent = %q, want %v", got, tt.wantUA)
				}
				if got := r.Header.Get("X-Project-Id"); got != tt.wantProject {
					t.Errorf("X-Project-Id = %q, want %q", got, tt.wantProject)
				}
				if got := r.Header.Get("Accept"); got != "application/json" {
					t.Errorf("Accept = %q", got)
				}
				writeJSON(w, http.StatusOK, pageOf(0))
			})
			f.list(nil)
		})
	}
}

func TestClient_ListConnections_accessKeyWithProjectHeader(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f := setup(t, useAccessKey(), WithProjectIDHeader(), withClock(func() time.Time { return now }))
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Authorization"), "SignedHeaders=accept;user-agent;x-project-id;x-sdk-date,") {
			t.Errorf("Authorization = %q, want X-Project-Id signed", r.Header.Get("Authorization"))
		}
		writeJSON(w, http.StatusOK, pageOf(0))
	})
	f.list(nil)
}

func TestClient_ListConnections_refusesRedirectToAnotherHost(t *testing.T) {
	var otherHits atomic.Int64
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		leaked.Store(r.Header.Get("X-Auth-Token"))
		writeJSON(w, http.StatusOK, pageOf(0))
	}))
	defer other.Close()

	f := setup(t)
	if f.user.CheckRedirect != nil {
		t.Error("New modified the caller's http.Client")
	}
	hits := f.handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", other.URL+r.URL.RequestURI())
		writeError(w, http.StatusTemporaryRedirect, "MOVED", "moved")
	})
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	if err == nil || !strings.Contains(err.Error(), "refusing a redirect from host "+f.server.Listener.Addr().String()+` to host "`+other.Listener.Addr().String()+`"`) {
		t.Errorf("error = %v, want the redirect refused", err)
	}
	if otherHits.Load() != 0 || leaked.Load() != nil {
		t.Errorf("the other host got %d requests (token %v)", otherHits.Load(), leaked.Load())
	}
	if hits.Load() != 1 || IsRetryable(err) {
		t.Errorf("%d requests, IsRetryable %v; a refused redirect is final", hits.Load(), IsRetryable(err))
	}
}

func TestClient_ListConnections_followsRedirectOnSameHost(t *testing.T) {
	var chainCalled atomic.Int64
	f := setup(t, withCheckRedirect(func(*http.Request, []*http.Request) error {
		chainCalled.Add(1)
		return nil
	}))
	var count atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) == 1 {
			w.Header().Set("Location", r.URL.Path+"?offset=0")
			writeError(w, http.StatusFound, "MOVED", "moved")
			return
		}
		if r.Header.Get("X-Auth-Token") != testToken {
			t.Error("the token did not follow a same-host redirect")
		}
		writeJSON(w, http.StatusOK, pageOf(0))
	})
	if _, err := f.client.ListConnections(context.Background(), testCluster, nil); err != nil {
		t.Fatal(err)
	}
	if count.Load() != 2 || chainCalled.Load() != 1 {
		t.Errorf("%d requests, the caller's CheckRedirect called %d times", count.Load(), chainCalled.Load())
	}
}

func TestGuardRedirect(t *testing.T) {
	req := func(u string) *http.Request {
		r, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	guard := guardRedirect(nil)
	tests := []struct {
		from, to string
		ok       bool
	}{
		{"https://a.example/x", "https://a.example/y", true},
		{"https://a.example/x", "https://A.EXAMPLE/y", true},
		{"https://a.example/x", "https://b.example/y", false},
		{"https://a.example/x", "https://a.example:8443/y", false},
		{"https://a.example/x", "http://a.example/y", false},
		{"http://a.example/x", "https://a.example/y", true},
	}
	for _, tt := range tests {
		err := guard(req(tt.to), []*http.Request{req(tt.from)})
		if (err == nil) != tt.ok {
			t.Errorf("redirect %s -> %s: %v", tt.from, tt.to, err)
		}
	}
	via := make([]*http.Request, maxRedirects)
	for i := range via {
		via[i] = req("https://a.example/x")
	}
	if err := guard(req("https://a.example/y"), via); err == nil {
		t.Error("no redirect limit")
	}
	stop := errors.New("stop")
	if err := guardRedirect(func(*http.Request, []*http.Request) error { return stop })(req("https://a.example/y"), via[:1]); !errors.Is(err, stop) {
		t.Errorf("the caller's CheckRedirect was not called: %v", err)
	}
}

func TestClient_ListConnections_responseTooLarge(t *testing.T) {
	big := pageOf(50, ids(0, 50)...)
	for _, chunked := range []bool{false, true} {
		var retries atomic.Int64
		f := setup(t, WithMaxResponseSize(1000), retryCounter(&retries))
		f.handle(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if !chunked {
				data, _ := json.Marshal(big)
				w.Header().Set("Content-Length", strconv.Itoa(len(data)))
				_, _ = w.Write(data)
				return
			}
			w.WriteHeader(http.StatusOK)
			http.NewResponseController(w).Flush() // no Content-Length
			_ = json.NewEncoder(w).Encode(big)
		})
		_, err := f.client.ListConnections(context.Background(), testCluster, nil)
		if !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), "more than 1000 bytes") {
			t.Errorf("chunked %v: error = %v, want ErrResponseTooLarge naming the limit", chunked, err)
		}
		if retries.Load() != 1 || IsRetryable(err) {
			t.Errorf("chunked %v: asked the policy %d times, IsRetryable %v", chunked, retries.Load(), IsRetryable(err))
		}
	}
}

func TestLimitedBody(t *testing.T) {
	var read int64
	src := readerFunc(func(p []byte) (int, error) { // an endless body
		read += int64(len(p))
		for i := range p {
			p[i] = 'x'
		}
		return len(p), nil
	})
	b := newLimitedBody(src, 100)
	n, err := io.Copy(io.Discard, b)
	if !errors.Is(err, ErrResponseTooLarge) || n != 100 || read > 101 {
		t.Errorf("copied %d, read %d from the source, error %v", n, read, err)
	}
	b = newLimitedBody(strings.NewReader(strings.Repeat("x", 100)), 100)
	if data, err := io.ReadAll(b); err != nil || len(data) != 100 {
		t.Errorf("a body of exactly the limit: %d bytes, %v", len(data), err)
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
