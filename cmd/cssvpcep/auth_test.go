package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
)

// The sign-in of the tests: IAM takes this user, password and domain, and issues testToken,
// which the fake CSS takes.
const (
	iamUser     = "alice"
	iamPassword = "pw-SECRET-3"
	iamDomain   = "OTC-EU-DE-00000000001000000001"
	iamProject  = "eu-de_p1"
)

// fakeIAMServer is Keystone v3 as IAM answers it: POST /v3/auth/tokens with the password
// method, and GET /v3/projects?name=. It counts the requests.
type fakeIAMServer struct {
	URL   string // with /v3
	calls atomic.Int32
}

func newFakeIAM(t *testing.T) *fakeIAMServer {
	t.Helper()
	f := &fakeIAMServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/auth/tokens", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		var body struct {
			Auth struct {
				Identity struct {
					Password struct {
						User struct {
							Name, Password string
							Domain         struct{ Name string }
						}
					}
				}
			}
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		u := body.Auth.Identity.Password.User
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "iam-req-1")
		if u.Name != iamUser || u.Password != iamPassword || u.Domain.Name != iamDomain {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`)
			return
		}
		w.Header().Set("X-Subject-Token", testToken)
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprintf(w, `{"token":{"methods":["password"],"expires_at":%q,"user":{"domain":{"id":"d1","name":%q},"id":"u1","name":%q},`+
			`"project":{"domain":{"id":"d1","name":%q},"id":%q,"name":%q},"catalog":[]}}`,
			time.Now().Add(24*time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"), iamDomain, iamUser, iamDomain, fakeProject, iamProject)
	})
	mux.HandleFunc("GET /v3/projects", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		projects := []map[string]any{}
		if r.URL.Query().Get("name") == iamProject {
			projects = append(projects, map[string]any{"id": fakeProject, "name": iamProject, "domain_id": "d1", "enabled": true})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"projects": projects, "links": map[string]any{}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.URL = srv.URL + "/v3"
	return f
}

var (
	expiresPattern = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ( \(in [0-9hms.]+\))?`)
	tempPattern    = regexp.MustCompile(`/tmp/[^ ]*/clouds\.yaml`)
)

// normalizeAuth is normalizeRun with the token's expiry and the temporary clouds.yaml replaced.
func normalizeAuth(r result) string {
	s := expiresPattern.ReplaceAllString(normalizeRun(r), "EXPIRES")
	return tempPattern.ReplaceAllString(s, "/TMP/clouds.yaml")
}

// writeClouds writes a clouds.yaml with cloud otc, signing in with a password to iam, and
// returns its path.
func writeClouds(t *testing.T, iam string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clouds.yaml")
	yaml := fmt.Sprintf("clouds:\n  otc:\n    auth:\n      auth_url: %s\n      username: %s\n      password: %s\n      user_domain_name: %s\n      project_name: %s\n",
		iam, iamUser, iamPassword, iamDomain, iamProject)
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAuth_golden(t *testing.T) {
	t.Parallel()
	css := newFakeCSS(t)
	iam := newFakeIAM(t)
	clouds := writeClouds(t, iam.URL)
	password := map[string]string{
		client.EnvEndpoint: css.URL, client.EnvAuthURL: iam.URL, client.EnvProjectName: iamProject,
		client.EnvUsername: iamUser, client.EnvPassword: iamPassword, client.EnvUserDomainName: iamDomain,
	}
	keys := map[string]string{client.EnvEndpoint: css.URL, client.EnvProjectID: fakeProject, client.EnvAccessKey: testAK, client.EnvSecretKey: testSK}
	cloud := map[string]string{client.EnvEndpoint: css.URL, client.EnvCloudsFile: clouds}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"auth-token-table", css.env(), nil, exitOK},
		{"auth-token-json", css.env(), []string{"-o", "json"}, exitOK},
		{"auth-aksk-table", keys, nil, exitOK},
		{"auth-password-table", password, nil, exitOK},
		{"auth-password-json", password, []string{"-o", "json"}, exitOK},
		{"auth-cloud-table", cloud, []string{"--cloud", "otc"}, exitOK},
		{"auth-cloud-variable-json", with(cloud, client.EnvCloud, "otc"), []string{"-o", "json"}, exitOK},
		{"auth-project-name-flag", with(keys, client.EnvProjectID, ""), []string{"--project-name", iamProject, "--auth-url", iam.URL}, exitOK},
		{"auth-wrong-password", with(password, client.EnvPassword, "wrong-SECRET-4"), nil, exitFailure},
		{"auth-no-password", with(password, client.EnvPassword, ""), nil, exitUsage},
		{"auth-no-such-cloud", cloud, []string{"--cloud", "nope"}, exitUsage},
		{"auth-nothing", map[string]string{}, nil, exitUsage},
		{"auth-password-no-iam", with(password, client.EnvAuthURL, ""), nil, exitUsage},
		{"auth-both-projects", keys, []string{"--project-id", fakeProject, "--project-name", "x"}, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.env, "", false, append([]string{"auth"}, tc.args...)...)
			if r.code != tc.code {
				t.Errorf("exit status %d, want %d", r.code, tc.code)
			}
			for _, secret := range []string{iamPassword, testSK, "wrong-SECRET-4"} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("the output holds %q", secret)
				}
			}
			golden(t, tc.name, normalizeAuth(r))
		})
	}
}

// A user name without a password is a usage error naming OS_PASSWORD, before any request.
func TestVerbs_userWithoutPassword(t *testing.T) {
	t.Parallel()
	css, iam := newFakeCSS(t), newFakeIAM(t)
	env := map[string]string{client.EnvEndpoint: css.URL, client.EnvAuthURL: iam.URL, client.EnvProjectID: fakeProject,
		client.EnvUsername: iamUser, client.EnvUserDomainName: iamDomain}
	for _, args := range [][]string{{"connections"}, {"enable"}, {"disable", "--yes"}, {"accept", endpointA}, {"whitelist", "show"}, {"wait"}} {
		r := runCLI(t, env, "", false, append(args, "--cluster-id", fakeCluster)...)
		wantCode(t, r, exitUsage)
		if !strings.Contains(r.stderr, ": OS_USERNAME is set but OS_PASSWORD is not\n") {
			t.Errorf("%q: stderr: %s", args, r.stderr)
		}
	}
	if n := len(css.seen()) + int(iam.calls.Load()); n != 0 {
		t.Errorf("%d requests", n)
	}
}

// Every verb signs in with a password, the cloud's or the variables', and calls CSS with the
// token IAM issued; a wrong password is IAM's 401, exit status 1 with a hint.
func TestVerbs_passwordSignIn(t *testing.T) {
	t.Parallel()
	css, iam := newFakeCSS(t), newFakeIAM(t)
	env := map[string]string{client.EnvEndpoint: css.URL, client.EnvCloudsFile: writeClouds(t, iam.URL)}
	r := runCLI(t, env, "", false, "whitelist", "add", "--cloud", "otc", "--cluster-id", fakeCluster, accountB)
	wantCode(t, r, exitOK)
	r = runCLI(t, with(env, client.EnvCloud, "otc"), "", false, "accept", endpointB, "--cluster-id", fakeCluster)
	wantCode(t, r, exitOK)
	if got := strings.Join(css.seen(), " "); strings.Count(got, "POST") != 2 {
		t.Errorf("requests: %s", got)
	}
	// The variables override the cloud's password, as for python-openstackclient.
	r = runCLI(t, with(env, client.EnvPassword, "wrong-SECRET-4"), "", false, "connections", "--cloud", "otc", "--cluster-id", fakeCluster)
	wantCode(t, r, exitFailure)
	if !strings.Contains(r.stderr, "refused the credentials (401)") || !strings.Contains(r.stderr, "hint:        IAM refused the sign-in: check OS_USERNAME") ||
		strings.Contains(r.stderr, "wrong-SECRET-4") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

// With a password and a project ID, nothing names the CSS endpoint but the token's catalog: when
// it names none, the command says so in its flags' words, after one sign-in and no request to
// CSS.
func TestAuth_noEndpointInTheCatalog(t *testing.T) {
	t.Parallel()
	iam := newFakeIAM(t) // its tokens have an empty catalog
	env := map[string]string{client.EnvAuthURL: iam.URL, client.EnvUsername: iamUser, client.EnvPassword: iamPassword,
		client.EnvUserDomainName: iamDomain, client.EnvProjectID: fakeProject, "HOME": t.TempDir()}
	want := "no endpoint: the catalog of the token IAM issued names no CSS endpoint: give --endpoint or --region, or set CSS_ENDPOINT or OS_REGION_NAME\n"
	for _, args := range [][]string{{"connections", "--cluster-id", "c1"}, {"auth"}} {
		r := runInProcess(t, env, args...)
		wantCode(t, r, exitFailure)
		if !strings.HasSuffix(r.stderr, "cssvpcep "+args[0]+": "+want) || strings.Contains(r.stderr+r.stdout, iamPassword) {
			t.Errorf("cssvpcep %s: stderr %q, want it to end %q", args[0], r.stderr, want)
		}
	}
	if n := iam.calls.Load(); n != 2 {
		t.Errorf("%d requests to IAM, want a sign-in for each command", n)
	}
}
