package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"

	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/signer"
)

// Sign-in credentials of the fake IAM.
const (
	iamUser     = "cloud-user"
	iamPassword = "pw-SECRET-4711"
	iamDomain   = "OTC-EU-DE-00000000001000000001"
	iamProject  = "eu-de"
	iamProjID   = "0123456789abcdef0123456789abcdef"
)

// fakeIAM is Keystone v3 as Open Telekom Cloud's IAM answers it: POST /v3/auth/tokens with the
// password method (201, the token in X-Subject-Token) and GET /v3/projects?name=. Its tokens
// are tok-<n>, valid for ttl from now(); CSS behind it (fakeCSS) takes the ones not revoked.
type fakeIAM struct {
	t       *testing.T
	server  *httptest.Server
	tokens  atomic.Int64 // token requests answered 201
	refused atomic.Int64 // token requests answered 401
	lookups atomic.Int64
	// unavailable is how many more token requests are answered 503 in the CSS error shape,
	// as the gateway in front of IAM answers when throttled or down.
	unavailable atomic.Int64
	ttl         time.Duration
	now         func() time.Time
	// lookupAuth checks the credentials of a project lookup; nil takes any.
	lookupAuth func(r *http.Request) bool
	// next is the links.next of the project list, "" for none; token, when set, changes the
	// token body IAM answers with.
	next  string
	token func(body map[string]any)

	mu      sync.Mutex
	revoked map[string]bool
}

func newFakeIAM(t *testing.T) *fakeIAM {
	t.Helper()
	f := &fakeIAM{t: t, ttl: 24 * time.Hour, now: time.Now, revoked: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/auth/tokens", f.issue)
	mux.HandleFunc("GET /v3/projects", f.projects)
	f.server = httptest.NewServer(mux)
	t.Cleanup(f.server.Close)
	return f
}

func (f *fakeIAM) url() string { return f.server.URL + "/v3" }

func (f *fakeIAM) issue(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name     string `json:"name"`
						Password string `json:"password"`
						Domain   struct {
							Name string `json:"name"`
						} `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Project struct {
					ID     string `json:"id"`
					Name   string `json:"name"`
					Domain struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		f.t.Errorf("token request body: %v", err)
	}
	u := body.Auth.Identity.Password.User
	p := body.Auth.Scope.Project
	w.Header().Set("X-Request-Id", "iam-req-7")
	if f.unavailable.Add(-1) >= 0 {
		f.refused.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprint(w, `{"errCode":"APIGW.0201","errMsg":"Service temporarily unavailable"}`)
		return
	}
	if len(body.Auth.Identity.Methods) != 1 || body.Auth.Identity.Methods[0] != "password" ||
		u.Name != iamUser || u.Password != iamPassword || u.Domain.Name != iamDomain ||
		p.ID != iamProjID && (p.Name != iamProject || p.Domain.Name != iamDomain) {
		f.refused.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprint(w, `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`)
		return
	}
	n := f.tokens.Add(1)
	w.Header().Set("X-Subject-Token", "tok-"+strconv.FormatInt(n, 10)+"-SECRET-issued")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	expires := f.now().Add(f.ttl).UTC().Format("2006-01-02T15:04:05.000000Z")
	answer := fmt.Sprintf(`{"token":{"methods":["password"],"expires_at":%q,"issued_at":"2015-11-09T00:42:57.527404Z",
		"user":{"domain":{"id":"d1","name":%q},"id":"u1","name":%q,"password_expires_at":"2016-11-06T15:32:17.000000"},
		"project":{"domain":{"id":"d1","name":%q},"id":%q,"name":%q},"catalog":[],"roles":[{"name":"te_admin","id":"r1"}]}}`,
		expires, iamDomain, iamUser, iamDomain, iamProjID, iamProject)
	if f.token != nil {
		var v map[string]any
		_ = json.Unmarshal([]byte(answer), &v)
		f.token(v["token"].(map[string]any))
		b, _ := json.Marshal(v)
		answer = string(b)
	}
	_, _ = fmt.Fprint(w, answer)
}

func (f *fakeIAM) projects(w http.ResponseWriter, r *http.Request) {
	f.lookups.Add(1)
	if f.lookupAuth != nil && !f.lookupAuth(r) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprint(w, `{"error":{"code":401,"message":"Authentication failed.","title":"Unauthorized"}}`)
		return
	}
	name := r.URL.Query().Get("name")
	projects := []map[string]any{}
	if name == iamProject {
		projects = append(projects, map[string]any{"id": iamProjID, "name": iamProject, "domain_id": "d1", "enabled": true, "is_domain": false, "parent_id": "d1", "description": ""})
	}
	w.Header().Set("Content-Type", "application/json")
	links := map[string]any{"self": r.URL.String()}
	if f.next != "" {
		links["next"] = f.next
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"projects": projects, "links": links})
}

func (f *fakeIAM) revoke(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revoked[token] = true
}

func (f *fakeIAM) valid(token string) bool {
	if f == nil { // a CSS without an IAM behind it takes any token
		return token != ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.HasPrefix(token, "tok-") && !f.revoked[token]
}

// fakeCSS answers ShowVpcepConnection for project iamProjID to a token the IAM issued, and 401
// to anything else; it records the tokens it saw.
func fakeCSS(t *testing.T, iam *fakeIAM) (*httptest.Server, *tokenLog) {
	t.Helper()
	var seen tokenLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("X-Auth-Token")
		seen.add(tok)
		if r.URL.Path != "/v1.0/"+iamProjID+"/clusters/"+testCluster+"/vpcepservice/connections" {
			writeError(w, http.StatusNotFound, "CSS.0016", "no such path")
			return
		}
		if !iam.valid(tok) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: the token is not valid"}`)
			return
		}
		writeJSON(w, http.StatusOK, pageOf(0))
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

type tokenLog struct {
	mu     sync.Mutex
	tokens []string
}

func (l *tokenLog) add(tok string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens = append(l.tokens, tok)
}

func (l *tokenLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tokens...)
}

func passwordClient(t *testing.T, iam *fakeIAM, css *httptest.Server, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithEndpoint(css.URL), WithIAMEndpoint(iam.url()), WithProjectName(iamProject),
		WithPassword(iamUser, iamPassword, iamDomain), WithRetry(1, 0, 0)}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPassword_tokenFlow: the token is got on first use, scoped to the project by name; the
// project ID in every path is the token's; later calls reuse it.
func TestPassword_tokenFlow(t *testing.T) {
	iam := newFakeIAM(t)
	css, seen := fakeCSS(t, iam)
	c := passwordClient(t, iam, css)
	for range 3 {
		if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
			t.Fatal(err)
		}
	}
	if iam.tokens.Load() != 1 || len(seen.all()) != 3 || seen.all()[2] != "tok-1-SECRET-issued" {
		t.Errorf("%d token requests, tokens seen %q", iam.tokens.Load(), seen.all())
	}
	info, err := c.Auth(context.Background())
	if err != nil || info.Kind != "password" || info.ProjectID != iamProjID || info.ProjectName != iamProject ||
		info.User != iamUser || info.Domain != iamDomain || info.IAMEndpoint != iam.url()+"/" || info.Expires.IsZero() {
		t.Errorf("Auth = %+v, %v", info, err)
	}
}

// TestPassword_renewal: a token is renewed RenewMargin before it expires, and once when a call
// is answered 401; a second 401 is the call's error, not a loop.
func TestPassword_renewal(t *testing.T) {
	t.Run("before expiry", func(t *testing.T) {
		iam := newFakeIAM(t)
		var clock atomic.Int64
		clock.Store(time.Now().UnixNano())
		now := func() time.Time { return time.Unix(0, clock.Load()) }
		iam.now, iam.ttl = now, time.Hour
		css, _ := fakeCSS(t, iam)
		c := passwordClient(t, iam, css, withClock(now))
		list := func() {
			t.Helper()
			if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
				t.Fatal(err)
			}
		}
		list()
		clock.Add(int64(time.Hour - RenewMargin - time.Second)) // still valid for the margin and a second
		list()
		if iam.tokens.Load() != 1 {
			t.Errorf("%d token requests before the margin, want 1", iam.tokens.Load())
		}
		clock.Add(int64(2 * time.Second)) // within the margin now
		list()
		if iam.tokens.Load() != 2 {
			t.Errorf("%d token requests within the margin, want 2", iam.tokens.Load())
		}
	})
	t.Run("on a 401", func(t *testing.T) {
		iam := newFakeIAM(t)
		css, seen := fakeCSS(t, iam)
		c := passwordClient(t, iam, css)
		if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
			t.Fatal(err)
		}
		iam.revoke("tok-1-SECRET-issued")
		if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
			t.Fatalf("after a revoked token: %v", err)
		}
		if iam.tokens.Load() != 2 || strings.Join(seen.all(), " ") != "tok-1-SECRET-issued tok-1-SECRET-issued tok-2-SECRET-issued" {
			t.Errorf("%d token requests, tokens seen %q", iam.tokens.Load(), seen.all())
		}
	})
	t.Run("a second 401 is final", func(t *testing.T) {
		iam := newFakeIAM(t)
		css := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information")
		}))
		t.Cleanup(css.Close)
		c := passwordClient(t, iam, css, WithRetry(3, time.Millisecond, time.Millisecond))
		_, err := c.ListConnections(context.Background(), testCluster, nil)
		if !IsUnauthorized(err) || iam.tokens.Load() != 2 {
			t.Errorf("error %v after %d token requests, want a 401 after 2", err, iam.tokens.Load())
		}
	})
}

// TestPassword_iamUnavailable: a token request answered 503 (or 429) is tried again with the
// client's retry settings; when every attempt is, the error is IAM's, with its message in
// either error shape.
func TestPassword_iamUnavailable(t *testing.T) {
	t.Run("retried", func(t *testing.T) {
		iam := newFakeIAM(t)
		iam.unavailable.Store(2)
		css, _ := fakeCSS(t, iam)
		c := passwordClient(t, iam, css, WithRetry(3, time.Millisecond, time.Millisecond))
		if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
			t.Fatalf("after two 503s from IAM: %v", err)
		}
		if iam.refused.Load() != 2 || iam.tokens.Load() != 1 {
			t.Errorf("%d token requests refused and %d answered, want 2 and 1", iam.refused.Load(), iam.tokens.Load())
		}
	})
	t.Run("every attempt", func(t *testing.T) {
		iam := newFakeIAM(t)
		iam.unavailable.Store(100)
		css, seen := fakeCSS(t, iam)
		c := passwordClient(t, iam, css, WithRetry(3, time.Millisecond, time.Millisecond))
		_, err := c.ListConnections(context.Background(), testCluster, nil)
		var ie *IAMError
		if !errors.As(err, &ie) || ie.StatusCode != http.StatusServiceUnavailable || ie.Message != "Service temporarily unavailable" {
			t.Fatalf("error %v, want IAM's 503 with its errMsg", err)
		}
		if n := iam.refused.Load(); n != 3 {
			t.Errorf("%d token requests, want the 3 attempts of WithRetry", n)
		}
		if len(seen.all()) != 0 {
			t.Errorf("CSS got %d requests without a token", len(seen.all()))
		}
	})
	t.Run("a wrong password is not retried", func(t *testing.T) {
		iam := newFakeIAM(t)
		css, _ := fakeCSS(t, iam)
		c := passwordClient(t, iam, css, WithPassword(iamUser, "wrong", iamDomain), WithRetry(3, time.Millisecond, time.Millisecond))
		if _, err := c.ListConnections(context.Background(), testCluster, nil); !IsIAMUnauthorized(err) {
			t.Fatalf("error %v, want IAM's 401", err)
		}
		if n := iam.refused.Load(); n != 1 {
			t.Errorf("%d token requests, want 1", n)
		}
	})
}

// TestPassword_oneTokenPerAttempt: an attempt looks at the token source once, for its path and
// its header. With tokens that live less than RenewMargin, every attempt signs in, once.
func TestPassword_oneTokenPerAttempt(t *testing.T) {
	iam := newFakeIAM(t)
	iam.ttl = RenewMargin / 5
	css, seen := fakeCSS(t, iam)
	c := passwordClient(t, iam, css)
	for range 3 {
		if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := iam.tokens.Load(); n != 3 {
		t.Errorf("%d token requests for 3 calls, want 3", n)
	}
	if got := strings.Join(seen.all(), " "); got != "tok-1-SECRET-issued tok-2-SECRET-issued tok-3-SECRET-issued" {
		t.Errorf("CSS saw %q", got)
	}
}

// TestPassword_singleFlight: many calls that all need a token at once share one token request.
func TestPassword_singleFlight(t *testing.T) {
	iam := newFakeIAM(t)
	css, _ := fakeCSS(t, iam)
	c := passwordClient(t, iam, css)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Go(func() {
			if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := iam.tokens.Load(); n != 1 {
		t.Errorf("%d token requests for 64 concurrent calls, want 1", n)
	}
}

// TestPassword_wrongPassword: IAM's refusal is a typed error with IAM's message and request
// ID; the password appears nowhere, in any verb.
func TestPassword_wrongPassword(t *testing.T) {
	iam := newFakeIAM(t)
	css, seen := fakeCSS(t, iam)
	var log bytes.Buffer
	c, err := New(WithEndpoint(css.URL), WithIAMEndpoint(iam.url()), WithProjectName(iamProject),
		WithPassword(iamUser, "wrong-"+iamPassword, iamDomain), WithRetry(1, 0, 0),
		WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConnections(context.Background(), testCluster, nil)
	var ie *IAMError
	if !errors.As(err, &ie) || !IsIAMUnauthorized(err) || ie.RequestID != "iam-req-7" {
		t.Fatalf("error = %v (%T), want an *IAMError 401", err, err)
	}
	want := "client: IAM at " + iam.url() + "/ refused the credentials (401): The username or password is wrong. (request id iam-req-7)"
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
	if len(seen.all()) != 0 {
		t.Errorf("CSS got %d requests without a token", len(seen.all()))
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v %#v %v", err, err, c), c.String(), log.String()} {
		if strings.Contains(text, iamPassword) {
			t.Errorf("the password is printed: %s", text)
		}
	}
	// The sign-in is in the debug log, as the CSS attempts are: what was asked, and IAM's answer.
	if !strings.Contains(log.String(), `msg="cssvpcep: IAM request" method=POST path=/v3/auth/tokens`) ||
		!strings.Contains(log.String(), "status=401 request_id=iam-req-7") {
		t.Errorf("the debug log lacks the token request:\n%s", log.String())
	}
}

// TestPassword_unreachableIAM: the error says which URL could not be reached.
func TestPassword_unreachableIAM(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	iamURL := "http://" + l.Addr().String() + "/v3"
	l.Close()
	c, err := New(WithEndpoint("http://127.0.0.1:1"), WithIAMEndpoint(iamURL), WithProjectName(iamProject),
		WithPassword(iamUser, iamPassword, iamDomain))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConnections(context.Background(), testCluster, nil)
	var ie *IAMError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "IAM at "+iamURL+"/ could not be reached") || strings.Contains(err.Error(), iamPassword) {
		t.Errorf("error = %v", err)
	}
}

// TestProjectName_lookedUpOnceWithAKSK: with AK/SK and a project name, the ID is looked up from
// IAM with a signed request, once.
func TestProjectName_lookedUpOnceWithAKSK(t *testing.T) {
	iam := newFakeIAM(t)
	iam.lookupAuth = func(r *http.Request) bool {
		return signer.Verify(r, func(ak string) (string, bool) { return testSK, ak == testAK }, time.Now()) == nil
	}
	var paths []string
	var mu sync.Mutex
	css := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		writeJSON(w, http.StatusOK, pageOf(0))
	}))
	t.Cleanup(css.Close)
	c, err := New(WithEndpoint(css.URL), WithIAMEndpoint(iam.url()), WithProjectName(iamProject), WithAccessKey(testAK, testSK))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
			t.Fatal(err)
		}
	}
	if iam.lookups.Load() != 1 || len(paths) != 2 || !strings.HasPrefix(paths[1], "/v1.0/"+iamProjID+"/") {
		t.Errorf("%d lookups, paths %q", iam.lookups.Load(), paths)
	}

	// A name IAM does not know is an *IAMError naming it.
	c, err = New(WithEndpoint(css.URL), WithIAMEndpoint(iam.url()), WithProjectName("eu-nl"), WithAccessKey(testAK, testSK))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConnections(context.Background(), testCluster, nil)
	if ie := new(IAMError); !errors.As(err, &ie) || !strings.Contains(err.Error(), `no project is named "eu-nl"`) {
		t.Errorf("unknown project: %v", err)
	}
}

// TestNewFromEnvFunc_precedence: every row of the precedence NewFromEnv documents.
func TestNewFromEnvFunc_precedence(t *testing.T) {
	clouds := filepath.Join("testdata", "clouds.yaml")
	pw := map[string]string{"OS_USERNAME": iamUser, "OS_PASSWORD": iamPassword, "OS_USER_DOMAIN_NAME": iamDomain}
	with := func(base map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	type want struct {
		kind, user, domain, password string
		endpoint, iam                string
		projectID, projectName       string
		source                       string
	}
	tests := []struct {
		name string
		env  map[string]string
		opts []Option
		want want
		err  string
	}{
		{name: "a password and a project name; the region from the name",
			env:  with(pw, "OS_PROJECT_NAME", "eu-de"),
			want: want{kind: "password", user: iamUser, domain: iamDomain, password: iamPassword, endpoint: "https://css.eu-de.otc.t-systems.com/", iam: "https://iam.eu-de.otc.t-systems.com/v3/", projectName: "eu-de", source: "environment"}},
		{name: "a subproject's name gives its region",
			env:  with(pw, "OS_PROJECT_NAME", "eu-nl_demo"),
			want: want{kind: "password", user: iamUser, domain: iamDomain, password: iamPassword, endpoint: "https://css.eu-nl.otc.t-systems.com/", iam: "https://iam.eu-nl.otc.t-systems.com/v3/", projectName: "eu-nl_demo", source: "environment"}},
		{name: "OS_REGION_NAME wins over the project's name",
			env:  with(pw, "OS_PROJECT_NAME", "eu-de", "OS_REGION_NAME", "eu-nl"),
			want: want{kind: "password", user: iamUser, domain: iamDomain, password: iamPassword, endpoint: "https://css.eu-nl.otc.t-systems.com/", iam: "https://iam.eu-nl.otc.t-systems.com/v3/", projectName: "eu-de", source: "environment"}},
		{name: "OS_AUTH_URL and CSS_ENDPOINT win over the region",
			env:  with(pw, "OS_PROJECT_NAME", "eu-de", "OS_AUTH_URL", "http://127.0.0.1:5000/v3", "CSS_ENDPOINT", "http://127.0.0.1:8080"),
			want: want{kind: "password", user: iamUser, domain: iamDomain, password: iamPassword, endpoint: "http://127.0.0.1:8080/", iam: "http://127.0.0.1:5000/v3/", projectName: "eu-de", source: "environment"}},
		{name: "OS_DOMAIN_NAME stands in for OS_USER_DOMAIN_NAME",
			env:  map[string]string{"OS_USERNAME": iamUser, "OS_PASSWORD": iamPassword, "OS_DOMAIN_NAME": iamDomain, "OS_PROJECT_NAME": "eu-de"},
			want: want{kind: "password", user: iamUser, domain: iamDomain, password: iamPassword, endpoint: "https://css.eu-de.otc.t-systems.com/", iam: "https://iam.eu-de.otc.t-systems.com/v3/", projectName: "eu-de", source: "environment"}},
		{name: "OS_PROJECT_ID wins over OS_PROJECT_NAME",
			env:  with(pw, "OS_PROJECT_NAME", "eu-de", "OS_PROJECT_ID", iamProjID, "OS_REGION_NAME", "eu-de"),
			want: want{kind: "password", user: iamUser, domain: iamDomain, password: iamPassword, endpoint: "https://css.eu-de.otc.t-systems.com/", iam: "https://iam.eu-de.otc.t-systems.com/v3/", projectID: iamProjID, source: "environment"}},
		{name: "a password and a project ID, nothing naming the endpoint: the token's catalog will",
			env:  with(pw, "OS_PROJECT_ID", iamProjID, "OS_AUTH_URL", "http://127.0.0.1:5000/v3"),
			want: want{kind: "password", user: iamUser, domain: iamDomain, password: iamPassword, endpoint: "", iam: "http://127.0.0.1:5000/v3/", projectID: iamProjID, source: "environment"}},
		{name: "a token and a project ID, nothing naming the endpoint",
			env: map[string]string{"OS_AUTH_TOKEN": testToken, "OS_PROJECT_ID": "p1"},
			err: "client: NewFromEnv: no endpoint: set CSS_ENDPOINT or OS_REGION_NAME, or use WithEndpoint or WithRegion"},
		{name: "AK/SK and a project ID, nothing naming the endpoint",
			env: map[string]string{"OS_ACCESS_KEY": testAK, "OS_SECRET_KEY": testSK, "OS_PROJECT_ID": "p1"},
			err: "client: NewFromEnv: no endpoint: set CSS_ENDPOINT or OS_REGION_NAME, or use WithEndpoint or WithRegion"},
		{name: "a token and a project ID, as before",
			env:  map[string]string{"OS_AUTH_TOKEN": testToken, "OS_PROJECT_ID": "p1", "OS_REGION_NAME": "eu-de"},
			want: want{kind: "token", endpoint: "https://css.eu-de.otc.t-systems.com/", iam: "https://iam.eu-de.otc.t-systems.com/v3/", projectID: "p1", source: "environment"}},
		{name: "AK/SK and a project name (looked up)",
			env:  map[string]string{"OS_ACCESS_KEY": testAK, "OS_SECRET_KEY": testSK, "OS_PROJECT_NAME": "eu-de"},
			want: want{kind: "AK/SK", endpoint: "https://css.eu-de.otc.t-systems.com/", iam: "https://iam.eu-de.otc.t-systems.com/v3/", projectName: "eu-de", source: "environment"}},
		{name: "OS_CLOUD: clouds.yaml, its password from secure.yaml",
			env:  map[string]string{"OS_CLOUD": "otc", "OS_CLIENT_CONFIG_FILE": clouds},
			want: want{kind: "password", user: "cloud-user", domain: "OTC-EU-NL-00000000001000000001", password: "pw-SECRET-from-secure-yaml", endpoint: "https://css.eu-nl.otc.t-systems.com/", iam: "https://iam.eu-nl.otc.t-systems.com/v3/", projectName: "eu-nl_demo", source: "clouds.yaml " + clouds + ` (cloud "otc") and the environment`}},
		{name: "OS_CLOUD: the variables override the cloud",
			env:  map[string]string{"OS_CLOUD": "otc", "OS_CLIENT_CONFIG_FILE": clouds, "OS_PASSWORD": iamPassword, "OS_PROJECT_NAME": "eu-de", "OS_REGION_NAME": "eu-de"},
			want: want{kind: "password", user: "cloud-user", domain: "OTC-EU-NL-00000000001000000001", password: iamPassword, endpoint: "https://css.eu-de.otc.t-systems.com/", iam: "https://iam.eu-nl.otc.t-systems.com/v3/", projectName: "eu-de", source: "clouds.yaml " + clouds + ` (cloud "otc") and the environment`}},
		{name: "OS_CLOUD with a token",
			env:  map[string]string{"OS_CLOUD": "otc-token", "OS_CLIENT_CONFIG_FILE": clouds},
			want: want{kind: "token", endpoint: "https://css.eu-de.otc.t-systems.com/", iam: "https://iam.eu-de.otc.t-systems.com/v3/", projectID: iamProjID, source: "clouds.yaml " + clouds + ` (cloud "otc-token") and the environment`}},
		{name: "options win over the variables and the cloud",
			env:  map[string]string{"OS_CLOUD": "otc", "OS_CLIENT_CONFIG_FILE": clouds},
			opts: []Option{WithToken(testToken), WithProjectID("p2"), WithRegion("eu-de")},
			want: want{kind: "token", endpoint: "https://css.eu-de.otc.t-systems.com/", iam: "https://iam.eu-nl.otc.t-systems.com/v3/", projectID: "p2", source: "clouds.yaml " + clouds + ` (cloud "otc") and the environment`}},
		{name: "a user name without a password", env: map[string]string{"OS_USERNAME": iamUser, "OS_PROJECT_NAME": "eu-de"},
			err: "client: NewFromEnv: OS_USERNAME is set but OS_PASSWORD is not"},
		{name: "a cloud's user without a password", env: map[string]string{"OS_CLOUD": "otc-nopass", "OS_CLIENT_CONFIG_FILE": clouds},
			err: "client: NewFromEnv: the cloud of OS_CLOUD gives a username, so OS_USERNAME is set but OS_PASSWORD is not"},
		{name: "a password without a user name", env: map[string]string{"OS_PASSWORD": iamPassword, "OS_PROJECT_NAME": "eu-de"},
			err: "client: NewFromEnv: OS_PASSWORD is set but OS_USERNAME is not"},
		{name: "no domain", env: map[string]string{"OS_USERNAME": iamUser, "OS_PASSWORD": iamPassword, "OS_PROJECT_NAME": "eu-de"},
			err: "client: NewFromEnv: OS_USERNAME and OS_PASSWORD are set but not OS_USER_DOMAIN_NAME (or OS_DOMAIN_NAME)"},
		{name: "a password and a token", env: with(pw, "OS_AUTH_TOKEN", testToken, "OS_PROJECT_NAME", "eu-de"),
			err: "client: NewFromEnv: both OS_AUTH_TOKEN and OS_USERNAME/OS_PASSWORD are set: unset one kind of credentials"},
		{name: "three kinds", env: with(pw, "OS_AUTH_TOKEN", testToken, "OS_ACCESS_KEY", testAK, "OS_SECRET_KEY", testSK, "OS_PROJECT_NAME", "eu-de"),
			err: "client: NewFromEnv: OS_AUTH_TOKEN, OS_ACCESS_KEY/OS_SECRET_KEY and OS_USERNAME/OS_PASSWORD are set: unset all kinds of credentials but one"},
		{name: "a cloud's password and a token", env: map[string]string{"OS_CLOUD": "otc", "OS_CLIENT_CONFIG_FILE": clouds, "OS_AUTH_TOKEN": testToken},
			err: "both OS_AUTH_TOKEN and OS_USERNAME/OS_PASSWORD (or the cloud of OS_CLOUD) are set"},
		{name: "an unknown cloud", env: map[string]string{"OS_CLOUD": "nope", "OS_CLIENT_CONFIG_FILE": clouds, "OS_AUTH_TOKEN": testToken, "OS_PROJECT_ID": "p", "OS_REGION_NAME": "eu-de"},
			err: `client: NewFromEnv: OS_CLOUD: cloud "nope" in ` + clouds + `: cloud "nope" not found in clouds.yaml`},
		{name: "no clouds.yaml", env: map[string]string{"OS_CLOUD": "otc", "OS_CLIENT_CONFIG_FILE": "testdata/none.yaml", "OS_AUTH_TOKEN": testToken, "OS_PROJECT_ID": "p", "OS_REGION_NAME": "eu-de"},
			err: `client: NewFromEnv: OS_CLOUD: cloud "otc": no clouds.yaml in testdata/none.yaml`},
		{name: "a password with a line break", env: with(pw, "OS_PASSWORD", "pw\n", "OS_PROJECT_NAME", "eu-de"),
			err: "client: NewFromEnv: OS_PASSWORD: the password has a control character at byte 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewFromEnvFunc(envLookup(tt.env), tt.opts...)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one with %q", err, tt.err)
				}
				if strings.Contains(err.Error(), iamPassword) || strings.Contains(err.Error(), testSK) {
					t.Errorf("the error quotes a secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg := c.cfg
			got := want{endpoint: urlOrEmpty(cfg.endpoint), iam: urlOrEmpty(cfg.iam), projectID: cfg.projectID, projectName: cfg.projectName, source: cfg.source}
			switch {
			case cfg.hasToken:
				got.kind = "token"
			case cfg.hasKeys:
				got.kind = "AK/SK"
			case cfg.password != nil:
				got.kind, got.user, got.domain, got.password = "password", cfg.password.username, cfg.password.domain, cfg.password.password.Reveal()
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestCatalogEndpoint: the CSS endpoint of a token's catalog, as the requests' base; nothing
// from an entry that is not CSS's public one, not an endpoint, or plain http behind https.
func TestCatalogEndpoint(t *testing.T) {
	entry := func(typ, iface, url string) tokens.CatalogEntry {
		return tokens.CatalogEntry{Type: typ, Endpoints: []tokens.Endpoint{{Interface: iface, URL: url}}}
	}
	tests := []struct {
		name, iam string
		entries   []tokens.CatalogEntry
		want      string
	}{
		{"OTC's form", "https://iam.eu-de.otc.t-systems.com/v3",
			[]tokens.CatalogEntry{entry("identity", "public", "https://iam.eu-de.otc.t-systems.com/v3"), entry("css", "public", "https://css.eu-de.otc.t-systems.com/v1.0/0123456789abcdef0123456789abcdef")},
			"https://css.eu-de.otc.t-systems.com/"},
		{"a template", "https://iam.example/v3", []tokens.CatalogEntry{entry("css", "public", "https://css.example/v1.0/$(tenant_id)s")}, "https://css.example/"},
		{"a prefix path", "http://127.0.0.1:1/v3", []tokens.CatalogEntry{entry("css", "public", "http://127.0.0.1:1/gw/v1.0")}, "http://127.0.0.1:1/gw/"},
		{"no CSS entry", "https://iam.example/v3", []tokens.CatalogEntry{entry("identity", "public", "https://iam.example/v3")}, ""},
		{"internal only", "https://iam.example/v3", []tokens.CatalogEntry{entry("css", "internal", "https://css.internal/v1.0/p")}, ""},
		{"http behind https", "https://iam.example/v3", []tokens.CatalogEntry{entry("css", "public", "http://css.example/v1.0/p")}, ""},
		{"user information", "https://iam.example/v3", []tokens.CatalogEntry{entry("css", "public", "https://u:p@css.example/v1.0/p")}, ""},
		{"not a URL", "https://iam.example/v3", []tokens.CatalogEntry{entry("css", "public", "css.example")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := catalogEndpoint(&tokens.ServiceCatalog{Entries: tt.entries}, tt.iam); got != tt.want {
				t.Errorf("catalogEndpoint = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPassword_resendAfterRenewalFails: the request sent again with the renewed token is lost
// on the network; the call fails with that, not with a panic on the missing response.
func TestPassword_resendAfterRenewalFails(t *testing.T) {
	iam := newFakeIAM(t)
	var n atomic.Int64
	css := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information")
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(css.Close)
	c := passwordClient(t, iam, css)
	_, err := c.ListConnections(context.Background(), testCluster, nil)
	var se *SendError
	// net/http itself sends a GET again once when a kept-alive connection closes unanswered.
	if !errors.As(err, &se) || iam.tokens.Load() != 2 || n.Load() < 2 {
		t.Errorf("error %v after %d token requests and %d requests, want a *SendError after 2 and at least 2", err, iam.tokens.Load(), n.Load())
	}
}

// TestProjectName_linksNextIsNotFollowed: a project list's links.next, to another host or
// back to itself, is not followed: the credentials go to IAM only, and one lookup is one
// request (found from outside: the token went to the other host; a list linking to itself
// was fetched 158 times).
func TestProjectName_linksNextIsNotFollowed(t *testing.T) {
	var stolen atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { stolen.Add(1) }))
	t.Cleanup(other.Close)
	for _, next := range []string{other.URL + "/steal?page=2", "SELF"} {
		iam := newFakeIAM(t)
		iam.next = next
		if next == "SELF" {
			iam.next = iam.url() + "/projects?name=" + iamProject
		}
		css, seen := fakeCSS(t, nil)
		c, err := New(WithEndpoint(css.URL), WithIAMEndpoint(iam.url()), WithProjectName(iamProject), WithToken("tok-SECRET-given"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListConnections(context.Background(), testCluster, nil); err != nil {
			t.Fatalf("links.next %s: %v", next, err)
		}
		if n := iam.lookups.Load(); n != 1 {
			t.Errorf("links.next %s: %d lookups, want 1", next, n)
		}
		if len(seen.all()) != 1 {
			t.Errorf("CSS saw %d requests", len(seen.all()))
		}
	}
	if n := stolen.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
}

// TestIAMOriginTransport: a request for IAM to another scheme or host is refused before it
// is sent, its body closed.
func TestIAMOriginTransport(t *testing.T) {
	sent := 0
	rt := iamOriginTransport{next: roundTripFunc(func(*http.Request) (*http.Response, error) { sent++; return nil, errors.New("sent") }),
		scheme: "https", host: "iam.eu-de.otc.t-systems.com"}
	for _, u := range []string{"http://iam.eu-de.otc.t-systems.com/v3/projects", "https://evil.example/v3/projects", "https://iam.eu-de.otc.t-systems.com:444/v3"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		resp, err := rt.RoundTrip(req)
		if resp != nil {
			_ = resp.Body.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "refusing to send a request for IAM to") {
			t.Errorf("%s: %v", u, err)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "https://IAM.eu-de.otc.t-systems.com/v3/projects", nil)
	resp, err := rt.RoundTrip(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err == nil || err.Error() != "sent" || sent != 1 {
		t.Errorf("IAM's own host: %v, %d sent", err, sent)
	}
}

// TestPassword_iamNetworkFailureTriedAsWithRetrySays: IAM closing every connection is tried
// WithRetry's number of times in all, not that number squared (the call's retries used to
// retry the already retried sign-in).
func TestPassword_iamNetworkFailureTriedAsWithRetrySays(t *testing.T) {
	var n atomic.Int64
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(iam.Close)
	css, _ := fakeCSS(t, nil)
	c, err := New(WithEndpoint(css.URL), WithIAMEndpoint(iam.URL+"/v3"), WithProjectName(iamProject),
		WithPassword(iamUser, iamPassword, iamDomain), WithRetry(4, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConnections(context.Background(), testCluster, nil)
	var ie *IAMError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an *IAMError", err)
	}
	// net/http sends a POST again by itself only when it provably was not written: count the
	// sign-ins the client asked for, 4, and what the transport may add to them.
	if got := n.Load(); got < 4 || got > 8 {
		t.Errorf("%d token requests for WithRetry(4), want 4 (at most 8 with net/http's own)", got)
	}
}

// TestPassword_tokenBodyChecked: a token whose project ID would leave its path segment, or
// that has expired already, is refused as IAM's error, before any request to CSS.
func TestPassword_tokenBodyChecked(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(map[string]any)
		want   string
	}{
		{"a dot-segment project ID", func(tok map[string]any) { tok["project"].(map[string]any)["id"] = ".." }, "the project ID of the token IAM issued"},
		{"a 10 kB project ID", func(tok map[string]any) { tok["project"].(map[string]any)["id"] = strings.Repeat("p", 10_000) }, "is 10000 bytes long"},
		{"expired already", func(tok map[string]any) { tok["expires_at"] = "2020-01-01T00:00:00.000000Z" }, "no expires_at in the future"},
		{"no expiry", func(tok map[string]any) { delete(tok, "expires_at") }, "client: IAM at"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			iam := newFakeIAM(t)
			iam.token = tt.change
			css, seen := fakeCSS(t, iam)
			c := passwordClient(t, iam, css)
			_, err := c.ListConnections(context.Background(), testCluster, nil)
			var ie *IAMError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) || len(err.Error()) > 1024 {
				t.Errorf("error %.300v, want an *IAMError saying %q", err, tt.want)
			}
			if len(seen.all()) != 0 {
				t.Errorf("CSS got %d requests", len(seen.all()))
			}
		})
	}
}

// TestPassword_endpointFromTheCatalogOnly: with a password and nothing naming the CSS endpoint,
// the requests go to the one the token's catalog names; when it names none, a call fails with
// ErrNoEndpoint and nothing is sent to CSS; a dry run says where the catalog's goes.
func TestPassword_endpointFromTheCatalogOnly(t *testing.T) {
	ctx := context.Background()
	newClient := func(t *testing.T, iam *fakeIAM, opts ...Option) *Client {
		t.Helper()
		c, err := New(append([]Option{WithIAMEndpoint(iam.url()), WithProjectID(iamProjID),
			WithPassword(iamUser, iamPassword, iamDomain), WithRetry(1, 0, 0)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Run("the catalog names it", func(t *testing.T) {
		iam := newFakeIAM(t)
		css, seen := fakeCSS(t, iam)
		iam.token = func(tok map[string]any) {
			tok["catalog"] = []any{map[string]any{"type": "css", "name": "css", "id": "s1",
				"endpoints": []any{map[string]any{"interface": "public", "region": "eu-de", "region_id": "eu-de", "id": "e1",
					"url": css.URL + "/v1.0/" + iamProjID}}}}
		}
		c := newClient(t, iam)
		if _, err := c.ListConnections(ctx, testCluster, nil); err != nil {
			t.Fatal(err)
		}
		if n := len(seen.all()); n != 1 {
			t.Errorf("%d requests reached CSS, want 1", n)
		}
		info, err := c.Auth(ctx)
		if err != nil || info.Endpoint != css.URL+"/" || info.EndpointFrom != "catalog" {
			t.Errorf("Auth = %+v, %v; want %s/ from the catalog", info, err, css.URL)
		}
	})
	t.Run("the catalog names it under a path, with validation", func(t *testing.T) {
		// Validation routes on the path without the prefix of the endpoint the attempt
		// sends to, the catalog's here (it once stripped only a configured endpoint's).
		iam := newFakeIAM(t)
		css, seen := fakeCSS(t, iam)
		gw := httptest.NewServer(http.StripPrefix("/css", css.Config.Handler))
		t.Cleanup(gw.Close)
		iam.token = func(tok map[string]any) {
			tok["catalog"] = []any{map[string]any{"type": "css", "name": "css", "id": "s1",
				"endpoints": []any{map[string]any{"interface": "public", "region": "eu-de", "region_id": "eu-de", "id": "e1",
					"url": gw.URL + "/css/v1.0/" + iamProjID}}}}
		}
		var reports atomic.Int64
		for _, mode := range []ValidationMode{ValidationFail, ValidationReport} {
			c := newClient(t, iam, WithValidation(mode, func(e *contract.ValidationError) { reports.Add(1); t.Errorf("%s: %v", mode, e) }))
			if _, err := c.ListConnections(ctx, testCluster, nil); err != nil {
				t.Fatalf("%s: %v", mode, err)
			}
		}
		if n := len(seen.all()); n != 2 || reports.Load() != 0 {
			t.Errorf("%d requests reached CSS, %d problems reported; want 2 and none", n, reports.Load())
		}
	})
	t.Run("the catalog names none", func(t *testing.T) {
		iam := newFakeIAM(t)       // its tokens have an empty catalog
		var elsewhere atomic.Int64 // requests to anything but IAM
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if "http://"+r.URL.Host+"/v3" != iam.url() {
				elsewhere.Add(1)
			}
			return http.DefaultTransport.RoundTrip(r)
		})
		var log bytes.Buffer
		c := newClient(t, iam, WithHTTPClient(&http.Client{Transport: rt}), WithRetry(3, 0, 0),
			WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		_, err := c.ListConnections(ctx, testCluster, nil)
		if !errors.Is(err, ErrNoEndpoint) || !strings.HasPrefix(err.Error(), "client: ShowVpcepConnection: no endpoint: ") ||
			!strings.Contains(err.Error(), "names no CSS endpoint") {
			t.Errorf("error = %v, want ErrNoEndpoint naming the operation, saying the catalog names none", err)
		}
		if IsRetryable(err) {
			t.Errorf("%v is retryable", err)
		}
		attempts := regexp.MustCompile(`msg="cssvpcep: attempt".*`).FindAllString(log.String(), -1)
		if len(attempts) != 1 || strings.Contains(attempts[0], "path=") {
			t.Errorf("%d attempts logged, want 1 and no path (nothing was built):\n%s", len(attempts), log.String())
		}
		if n := elsewhere.Load(); n != 0 {
			t.Errorf("%d requests went elsewhere than IAM", n)
		}
		if _, err := c.Auth(ctx); !errors.Is(err, ErrNoEndpoint) {
			t.Errorf("Auth: %v, want ErrNoEndpoint", err)
		}
		if n := iam.tokens.Load(); n != 1 {
			t.Errorf("%d sign-ins, want 1 (the token is good, only the endpoint is missing)", n)
		}
	})
	t.Run("a dry run", func(t *testing.T) {
		iam := newFakeIAM(t)
		var planned PlannedRequest
		c := newClient(t, iam, WithDryRun(func(p PlannedRequest) { planned = p }))
		if _, err := c.ListConnections(ctx, testCluster, nil); !errors.Is(err, ErrDryRun) {
			t.Fatalf("error = %v, want ErrDryRun", err)
		}
		want := "{css_endpoint}/v1.0/" + iamProjID + "/clusters/" + testCluster + "/vpcepservice/connections"
		if planned.URL != want || !strings.Contains(planned.Unresolved, "the CSS endpoint of the token's catalog") {
			t.Errorf("planned %q (unresolved %q), want %q", planned.URL, planned.Unresolved, want)
		}
		if n := iam.tokens.Load(); n != 0 {
			t.Errorf("a dry run signed in %d times", n)
		}
	})
	if s := fmt.Sprint(newClient(t, newFakeIAM(t))); !strings.Contains(s, "{Endpoint:(the token's catalog)") {
		t.Errorf("String() = %s", s)
	}
}
