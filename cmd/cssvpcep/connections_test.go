package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/emulator"
)

func TestConnections_golden(t *testing.T) {
	t.Parallel()
	ts := emulator.NewTestServer(t, emulator.WithToken(testToken), emulator.WithSynthetic(emulator.DefaultProjectID, "synthetic-25", 25))
	quirks := emulator.NewTestServer(t, emulator.WithToken(testToken), emulator.WithDocQuirks())
	for _, tc := range []struct {
		name string
		ts   *emulator.TestServer
		args []string
	}{
		{"connections-table", ts, []string{"--cluster-id", emulator.DefaultClusterID}},
		{"connections-json", ts, []string{"--cluster-id", emulator.DefaultClusterID, "-o", "json"}},
		{"connections-2023-table", quirks, []string{"--cluster-id", emulator.ClusterID2023}},
		{"connections-2023-json", quirks, []string{"--cluster-id", emulator.ClusterID2023, "--output=json"}},
		{"connections-page-table", ts, []string{"--cluster-id", "synthetic-25", "--offset", "5", "--limit", "3"}},
		{"connections-page-json", ts, []string{"--cluster-id", "synthetic-25", "--offset=24", "--limit=3", "-o=json"}},
		{"connections-default-page-table", ts, []string{"--cluster-id", "synthetic-25"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runBinary(t, emulatorEnv(tc.ts), append([]string{"connections"}, tc.args...)...)
			wantCode(t, r, exitOK)
			if r.stderr != "" {
				t.Errorf("stderr: %s", r.stderr)
			}
			golden(t, tc.name, r.stdout)
		})
	}
}

// The JSON output is itself a valid response body of the operation, and a fixed point: served
// back to the command, it comes out the same.
func TestConnections_jsonIsAResponseBody(t *testing.T) {
	t.Parallel()
	ts := emulator.NewTestServer(t, emulator.WithToken(testToken), emulator.WithDocQuirks())
	for _, cluster := range []string{emulator.DefaultClusterID, emulator.ClusterID2023} {
		r := runBinary(t, emulatorEnv(ts), "connections", "--cluster-id", cluster, "-o", "json")
		wantCode(t, r, exitOK)

		body := r.stdout
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)

		transport := &http.Transport{}
		t.Cleanup(transport.CloseIdleConnections)
		hc := &http.Client{Transport: contract.ForTest(t, transport, contract.WithSecurityCheck(false))}
		resp, err := hc.Get(srv.URL + "/v1.0/p/clusters/c/vpcepservice/connections")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()

		again := runBinary(t, with(emulatorEnv(ts), client.EnvEndpoint, srv.URL), "connections", "--cluster-id", "c", "-o", "json")
		wantCode(t, again, exitOK)
		if again.stdout != body {
			t.Errorf("served back, the JSON changed:\n%s\nthen\n%s", body, again.stdout)
		}
		var list api.ConnectionList
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Errorf("the JSON does not decode as a ConnectionList: %v", err)
		}
	}
}

func TestConnections_all(t *testing.T) {
	t.Parallel()
	ts := emulator.NewTestServer(t, emulator.WithToken(testToken),
		emulator.WithSynthetic(emulator.DefaultProjectID, "c1500", 1500),
		emulator.WithSynthetic(emulator.DefaultProjectID, "c2500", 2500),
		emulator.WithSynthetic(emulator.DefaultProjectID, "c1000", 1000))
	env := emulatorEnv(ts)

	t.Run("1500 connections, all listed", func(t *testing.T) {
		t.Parallel()
		r := runBinary(t, env, "connections", "--cluster-id", "c1500", "--all", "-o", "json", "--debug")
		wantCode(t, r, exitOK)
		var out struct {
			Connections []struct {
				ID string `json:"id"`
			} `json:"connections"`
			TotalCount     int    `json:"total_count"`
			VpcServiceName string `json:"vpcServiceName"`
			Switch         bool   `json:"vpcepUpdateSwitch"`
			Permissions    []any  `json:"permissions"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Connections) != 1500 || out.TotalCount != 1500 || out.VpcServiceName == "" || !out.Switch || len(out.Permissions) != 1 {
			t.Errorf("got %d connections, total_count %d, service %q, switch %v, %d permissions",
				len(out.Connections), out.TotalCount, out.VpcServiceName, out.Switch, len(out.Permissions))
		}
		if last := out.Connections[len(out.Connections)-1].ID; last != "5e0c0000-0000-4000-8000-0000000005db" {
			t.Errorf("the last connection is %s", last)
		}
		// The pages, and no request more: the rest of the response comes from the first.
		if n := strings.Count(r.stderr, `msg="cssvpcep: attempt"`); n != 2 {
			t.Errorf("%d requests, want 2:\n%s", n, r.stderr)
		}
	})
	t.Run("1000 connections, one request", func(t *testing.T) {
		t.Parallel()
		r := runBinary(t, env, "connections", "--cluster-id", "c1000", "--all", "--debug")
		wantCode(t, r, exitOK)
		if n := strings.Count(r.stdout, "\n5e0c0000-"); n != 1000 {
			t.Errorf("%d rows, want 1000", n)
		}
		if !strings.HasSuffix(r.stdout, "   1000 of 1000 connections\n") {
			t.Errorf("the summary: %q", r.stdout[max(0, len(r.stdout)-100):])
		}
		if n := strings.Count(r.stderr, `msg="cssvpcep: attempt"`); n != 1 {
			t.Errorf("%d requests, want 1:\n%s", n, r.stderr)
		}
	})
	t.Run("2500 connections, out of reach", func(t *testing.T) {
		t.Parallel()
		r := runBinary(t, env, "connections", "--cluster-id", "c2500", "--all")
		wantCode(t, r, exitFailure)
		if r.stdout != "" {
			t.Errorf("a failed --all printed %d bytes", len(r.stdout))
		}
		if !strings.Contains(r.stderr, "total_count is 2500") || !strings.Contains(r.stderr, "2000") {
			t.Errorf("stderr: %s", r.stderr)
		}
	})
}

// errorServer answers every request with status, the headers and body, and counts requests.
func errorServer(t *testing.T, status int, contentType, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("X-Request-Id", "req-0001")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestConnections_apiErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		attempts    int32
	}{
		{"error-css-shape", http.StatusNotFound, "application/json",
			`{"errCode":"CSS.3027","externalMessage":"The cluster does not exist: c"}`, 1},
		{"error-documented-shape", http.StatusForbidden, "application/json",
			`{"error_code":"CSS.0015","error_msg":"No permission to perform this operation."}`, 1},
		{"error-gateway-401", http.StatusUnauthorized, "application/json",
			`{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail","request_id":"req-0001"}`, 1},
		{"error-html-502", http.StatusBadGateway, "text/html",
			"<html>\r\n<head><title>502 Bad Gateway</title><style>body{color:red}</style></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, calls := errorServer(t, tc.status, tc.contentType, tc.body)
			env := map[string]string{client.EnvEndpoint: srv.URL, client.EnvProjectID: "p", client.EnvAuthToken: testToken}
			r := runBinary(t, env, "connections", "--cluster-id", "c")
			wantCode(t, r, exitFailure)
			if r.stdout != "" {
				t.Errorf("stdout: %s", r.stdout)
			}
			if n := calls.Load(); n != tc.attempts {
				t.Errorf("%d requests, want %d", n, tc.attempts)
			}
			if strings.Contains(r.stderr, "<") {
				t.Errorf("stderr has markup: %s", r.stderr)
			}
			golden(t, tc.name, r.stderr)
		})
	}
}

func TestConnections_networkError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	env := map[string]string{client.EnvEndpoint: url, client.EnvProjectID: "p", client.EnvAuthToken: testToken}
	r := runBinary(t, env, "connections", "--cluster-id", "c")
	wantCode(t, r, exitFailure)
	if !strings.Contains(r.stderr, "connection refused") || !strings.Contains(r.stderr, "3 attempts") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestConnections_debug(t *testing.T) {
	t.Parallel()
	ts := emulator.NewTestServer(t, emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK))
	token := emulatorEnv(ts)
	keys := with(token, client.EnvAuthToken, "", client.EnvAccessKey, testAK, client.EnvSecretKey, testSK)
	for name, env := range map[string]map[string]string{"token": token, "AK/SK": keys} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := runBinary(t, env, "connections", "--cluster-id", emulator.DefaultClusterID, "--debug")
			wantCode(t, r, exitOK)
			for _, want := range []string{
				"level=DEBUG", "method=GET",
				"path=/v1.0/demo-project/clusters/" + emulator.DefaultClusterID + "/vpcepservice/connections",
				"status=200", "request_id=",
			} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("the debug log lacks %q:\n%s", want, r.stderr)
				}
			}
			if !strings.Contains(r.stdout, "2 of 2 connections") {
				t.Errorf("stdout: %s", r.stdout)
			}
		})
	}
	t.Run("wrong secret key", func(t *testing.T) {
		t.Parallel()
		r := runBinary(t, with(keys, client.EnvSecretKey, testSK+"-wrong"), "connections", "--cluster-id", emulator.DefaultClusterID, "--debug")
		wantCode(t, r, exitFailure)
		if !strings.Contains(r.stderr, "status=401") || !strings.Contains(r.stderr, "APIGW.0301") {
			t.Errorf("stderr: %s", r.stderr)
		}
	})
}

func TestConnections_usageErrors(t *testing.T) {
	t.Parallel()
	srv, calls := errorServer(t, http.StatusTeapot, "text/plain", "no request was meant to reach me")
	env := map[string]string{client.EnvEndpoint: srv.URL, client.EnvProjectID: "p", client.EnvAuthToken: testToken}
	noCreds := with(env, client.EnvAuthToken, "")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want []string // lines or parts of lines of stderr
	}{
		{"no cluster ID", env, nil, []string{"cssvpcep connections: --cluster-id is required\n"}},
		{"empty cluster ID", env, []string{"--cluster-id="}, []string{"--cluster-id: is empty"}},
		{"cluster ID with a slash", env, []string{"--cluster-id", "a/b"}, []string{`--cluster-id: "a/b" contains '/', which is not allowed in an ID`}},
		{"cluster ID with white space", env, []string{"--cluster-id", "c "}, []string{`--cluster-id: "c " has leading or trailing white space`}},
		{"no credentials", noCreds, []string{"--cluster-id", "c"},
			[]string{"cssvpcep connections: no credentials: set OS_AUTH_TOKEN; or OS_ACCESS_KEY and OS_SECRET_KEY; or OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME; or name a cloud of clouds.yaml with --cloud or OS_CLOUD\n"}},
		{"both kinds of credentials", with(env, client.EnvAccessKey, testAK, client.EnvSecretKey, testSK), []string{"--cluster-id", "c"},
			[]string{"both OS_AUTH_TOKEN and OS_ACCESS_KEY/OS_SECRET_KEY are set"}},
		{"access key alone", with(noCreds, client.EnvAccessKey, testAK), []string{"--cluster-id", "c"},
			[]string{"OS_ACCESS_KEY is set but OS_SECRET_KEY is not"}},
		{"secret key alone", with(noCreds, client.EnvSecretKey, testSK), []string{"--cluster-id", "c"},
			[]string{"OS_SECRET_KEY is set but OS_ACCESS_KEY is not"}},
		{"token with white space", with(env, client.EnvAuthToken, testToken+" "), []string{"--cluster-id", "c"},
			[]string{"OS_AUTH_TOKEN: the token has leading or trailing white space"}},
		{"access key with a comma", with(noCreds, client.EnvAccessKey, "AK,1", client.EnvSecretKey, testSK), []string{"--cluster-id", "c"},
			[]string{"OS_ACCESS_KEY: signer: access key has a character not allowed"}},
		{"everything missing", map[string]string{}, []string{"--cluster-id", "c"},
			[]string{"no endpoint: give --endpoint or --region, or set CSS_ENDPOINT or OS_REGION_NAME", "no project: give --project-id or --project-name, or set OS_PROJECT_ID or OS_PROJECT_NAME", "no credentials"}},
		{"ftp endpoint", env, []string{"--cluster-id", "c", "--endpoint", "ftp://example.com"}, []string{`--endpoint: scheme "ftp" is not http or https`}},
		{"endpoint without a host", env, []string{"--cluster-id", "c", "--endpoint", "http://"}, []string{"--endpoint: the URL has no host"}},
		{"endpoint with a space", env, []string{"--cluster-id", "c", "--endpoint", "http://example.com/a b"}, []string{"--endpoint: the URL contains white space"}},
		{"endpoint with a space in the host", env, []string{"--cluster-id", "c", "--endpoint", "http://exa mple.com"}, []string{"--endpoint: the URL contains white space"}},
		{"endpoint with a password", env, []string{"--cluster-id", "c", "--endpoint", "https://u:" + testSK + "@example.com"}, []string{"--endpoint: the URL carries user information"}},
		{"empty endpoint flag", env, []string{"--cluster-id", "c", "--endpoint", ""}, []string{"--endpoint: the URL is empty"}},
		{"bad CSS_ENDPOINT", with(env, client.EnvEndpoint, "ftp://example.com"), []string{"--cluster-id", "c"}, []string{`CSS_ENDPOINT: scheme "ftp" is not http or https`}},
		{"bad region flag", env, []string{"--cluster-id", "c", "--region", "EU"}, []string{`--region: region "EU" does not match`}},
		{"bad OS_REGION_NAME", with(env, client.EnvEndpoint, "", client.EnvRegion, "eu_de"), []string{"--cluster-id", "c"}, []string{`OS_REGION_NAME: region "eu_de" does not match`}},
		{"region and endpoint", env, []string{"--cluster-id", "c", "--region", "eu-de", "--endpoint", srv.URL}, []string{"--region and --endpoint both give the endpoint: give one"}},
		{"bad project ID flag", env, []string{"--cluster-id", "c", "--project-id", "a?b"}, []string{`--project-id: project ID "a?b" contains`}},
		{"bad OS_PROJECT_ID", with(env, client.EnvProjectID, ".."), []string{"--cluster-id", "c"}, []string{`OS_PROJECT_ID: project ID ".." is a dot segment`}},
		{"CSS_ENDPOINT with white space", with(env, client.EnvEndpoint, srv.URL+"\n"), []string{"--cluster-id", "c"}, []string{"CSS_ENDPOINT: the URL contains white space"}},
		{"bad project ID flag, no OS_PROJECT_ID", with(env, client.EnvProjectID, ""), []string{"--cluster-id", "c", "--project-id", "a?b"},
			[]string{"cssvpcep connections: --project-id: project ID \"a?b\" contains '?', which is not allowed in an ID\nRun"}},
		{"bad endpoint flag, no CSS_ENDPOINT", with(env, client.EnvEndpoint, ""), []string{"--cluster-id", "c", "--endpoint", "http://"},
			[]string{"cssvpcep connections: --endpoint: the URL has no host\nRun"}},
		{"a wrong cluster ID and a wrong environment, reported at once", with(env, client.EnvAuthToken, "", client.EnvAccessKey, testAK), []string{"--cluster-id", ".."},
			[]string{"--cluster-id: \"..\" is a dot segment", "OS_ACCESS_KEY is set but OS_SECRET_KEY is not"}},
		{"limit too large", env, []string{"--cluster-id", "c", "--limit", "1001"}, []string{"cssvpcep connections: --limit: 1001 is out of range 1-1000\n"}},
		{"limit zero", env, []string{"--cluster-id", "c", "--limit=0"}, []string{"--limit: 0 is out of range 1-1000"}},
		{"limit not a number", env, []string{"--cluster-id", "c", "--limit", "ten"}, []string{`--limit: "ten" is not a whole number`}},
		{"limit without a value", env, []string{"--cluster-id", "c", "--limit"}, []string{"--limit needs a value"}},
		{"negative offset", env, []string{"--cluster-id", "c", "--offset", "-1"}, []string{"--offset: -1 is out of range 0-1000"}},
		{"huge offset", env, []string{"--cluster-id", "c", "--offset", "99999999999999999999"}, []string{`--offset: "99999999999999999999" is out of range 0-1000`}},
		{"all with limit", env, []string{"--cluster-id", "c", "--all", "--limit", "5"}, []string{"--all lists every connection: it takes no --offset or --limit"}},
		{"all not a boolean", env, []string{"--cluster-id", "c", "--all=maybe"}, []string{`--all: "maybe" is not true or false`}},
		{"unknown output", env, []string{"--cluster-id", "c", "-o", "yaml"}, []string{`-o: "yaml" is not table or json`}},
		{"unknown flag", env, []string{"--cluster-id", "c", "--token", testToken}, []string{"cssvpcep connections: unknown flag --token\n"}},
		{"unknown short flag", env, []string{"-x"}, []string{"unknown flag -x"}},
		{"an argument", env, []string{"--cluster-id", "c", "extra"}, []string{`unexpected argument "extra"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runBinary(t, tc.env, append([]string{"connections"}, tc.args...)...)
			wantCode(t, r, exitUsage)
			if r.stdout != "" {
				t.Errorf("stdout: %s", r.stdout)
			}
			for _, want := range tc.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if !strings.HasSuffix(r.stderr, "Run 'cssvpcep connections --help' for usage.\n") {
				t.Errorf("stderr does not end with the pointer to --help:\n%s", r.stderr)
			}
		})
	}
	t.Cleanup(func() {
		if n := calls.Load(); n != 0 {
			t.Errorf("usage errors made %d requests", n)
		}
	})
}

// A cluster ID the client would refuse is a usage error naming --cluster-id, with the client's
// reason, and no request is made.
func TestConnections_badClusterID(t *testing.T) {
	t.Parallel()
	srv, calls := errorServer(t, http.StatusTeapot, "text/plain", "no request was meant to reach me")
	env := map[string]string{client.EnvEndpoint: srv.URL, client.EnvProjectID: "p", client.EnvAuthToken: testToken}
	for _, id := range []string{"", " ", ".", "..", "a/b", `a\b`, "a?b", "a#b", "a\tb", "\xff", strings.Repeat("a", client.MaxIDLength+1)} {
		r := runInProcess(t, env, "connections", "--cluster-id", id)
		wantCode(t, r, exitUsage)
		var ae *client.ArgumentError
		if !errors.As(client.CheckID("x", id), &ae) {
			t.Fatalf("the client takes the cluster ID %q", id)
		}
		if want := "cssvpcep connections: --cluster-id: " + ae.Reason + "\n"; !strings.HasPrefix(r.stderr, want) {
			t.Errorf("cluster ID %q: stderr %q, want it to start %q", id, r.stderr, want)
		}
	}
	for _, id := range []string{"c", "a b", "%2F", "...", "ü"} {
		r := runInProcess(t, env, "connections", "--cluster-id", id)
		wantCode(t, r, exitFailure) // the teapot answers
	}
	if n := calls.Load(); n != 5 {
		t.Errorf("%d requests, want one for each good ID", n)
	}
}

// An argument the client refuses before any request, wherever it comes from, is a usage error.
func TestExit_argumentError(t *testing.T) {
	t.Parallel()
	var stderr strings.Builder
	c := &cli{stderr: &stderr}
	err := fmt.Errorf("listing: %w", &client.ArgumentError{Func: "ListConnections", Name: "clusterID", Reason: "is empty"})
	if code := c.exit("connections", err); code != exitUsage {
		t.Errorf("exit status %d, want %d", code, exitUsage)
	}
	if want := "cssvpcep connections: --cluster-id: is empty\nRun 'cssvpcep connections --help' for usage.\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}

// Flags win over their variables, which are then not read: a wrong one does not matter.
func TestConnections_flagsWinOverTheEnvironment(t *testing.T) {
	t.Parallel()
	ts := emulator.NewTestServer(t, emulator.WithToken(testToken))
	env := with(emulatorEnv(ts), client.EnvEndpoint, "ftp://wrong", client.EnvProjectID, "..", client.EnvRegion, "WRONG")
	r := runInProcess(t, env, "connections", "--cluster-id", emulator.DefaultClusterID, "--endpoint", ts.URL, "--project-id", emulator.DefaultProjectID)
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "2 of 2 connections") {
		t.Errorf("stdout: %s", r.stdout)
	}
}

// TestConnections_timeout: --timeout bounds the whole command, retries included: a server that
// never answers ends the command at the deadline with exit status 1 and a message saying the
// deadline passed, not after the client's 3 attempts of 30 s each.
func TestConnections_timeout(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	env := map[string]string{client.EnvEndpoint: srv.URL, client.EnvProjectID: "p", client.EnvAuthToken: testToken}
	r := runBinary(t, env, "connections", "--cluster-id", "c", "--all", "--timeout", "300ms")
	wantCode(t, r, exitFailure)
	if !strings.Contains(r.stderr, "the deadline passed (--timeout 300ms)") || hits.Load() != 1 {
		t.Errorf("after %d requests, stderr: %s", hits.Load(), r.stderr)
	}
	for _, bad := range []string{"0", "-1s", "soon"} {
		r := runBinary(t, env, "connections", "--cluster-id", "c", "--timeout", bad)
		wantCode(t, r, exitUsage)
		if !strings.Contains(r.stderr, "--timeout: ") {
			t.Errorf("--timeout %s: stderr: %s", bad, r.stderr)
		}
	}
}
