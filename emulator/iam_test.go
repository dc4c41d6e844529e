package emulator_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/emulator"
)

// The IAM user of these tests. The password is recognizable: no answer or log may hold it.
const (
	testUser     = "cloud-user"
	testPassword = "pw-SECRET-4711"
)

// iamServer is a TestServer with the IAM user, a clock the test moves (from now, so that the
// client's own clock agrees with it), and a synthetic project "p" besides demo-project.
func iamServer(t *testing.T, opts ...emulator.Option) (*fixture, *clock) {
	t.Helper()
	c := &clock{t: time.Now().UTC()}
	base := []emulator.Option{emulator.WithIAMUser(testUser, testPassword, ""), emulator.WithClock(c.Now), emulator.WithSynthetic("p", "c", 3)}
	return setup(t, append(base, opts...)...), c
}

// signInBody is a token request as gophercloud sends it: the user by name and domain name, the
// project by name and domain name.
func signInBody(password, project string) string {
	return fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},
		"scope":{"project":{"name":%q,"domain":{"name":%q}}}}}`, testUser, password, emulator.DefaultIAMDomain, project, emulator.DefaultIAMDomain)
}

// The token body as the page has it, decoded strictly: a field the page does not have fails.
type (
	wantToken struct {
		Token struct {
			Methods   []string `json:"methods"`
			ExpiresAt string   `json:"expires_at"`
			IssuedAt  string   `json:"issued_at"`
			User      struct {
				Domain            idAndName `json:"domain"`
				ID                string    `json:"id"`
				Name              string    `json:"name"`
				PasswordExpiresAt string    `json:"password_expires_at"`
			} `json:"user"`
			Project *struct {
				Domain idAndName `json:"domain"`
				ID     string    `json:"id"`
				Name   string    `json:"name"`
			} `json:"project"`
			Domain  *idAndName `json:"domain"`
			Catalog []struct {
				Type      string `json:"type"`
				ID        string `json:"id"`
				Name      string `json:"name"`
				Endpoints []struct {
					URL       string `json:"url"`
					Region    string `json:"region"`
					RegionID  string `json:"region_id"`
					Interface string `json:"interface"`
					ID        string `json:"id"`
				} `json:"endpoints"`
			} `json:"catalog"`
			Roles []idAndName `json:"roles"`
		} `json:"token"`
	}
	idAndName struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
)

// isHexID reports whether s has the form of IAM's IDs: 32 lower-case hex digits.
func isHexID(s string) bool { return len(s) == 32 && strings.Trim(s, "0123456789abcdef") == "" }

// signIn posts body to the IAM and returns the answer.
func signIn(t *testing.T, f *fixture, body string) response {
	t.Helper()
	return doBody(t, f.Client(), http.MethodPost, f.URL+"/v3/auth/tokens", body)
}

// issuedToken signs in to project (by name) and returns the token.
func issuedToken(t *testing.T, f *fixture, project string) string {
	t.Helper()
	r := signIn(t, f, signInBody(testPassword, project))
	if r.status != http.StatusCreated {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	return r.header.Get("X-Subject-Token")
}

// POST /v3/auth/tokens: 201, the token in X-Subject-Token, the body of the page's example for
// a project-scoped token.
func TestIAM_issuesAToken(t *testing.T) {
	f, c := iamServer(t)
	r := signIn(t, f, signInBody(testPassword, emulator.DefaultProjectName))
	if r.status != http.StatusCreated || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q: %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	checkRequestID(t, r.header)
	token := r.header.Get("X-Subject-Token")
	if !strings.HasPrefix(token, "MII") || len(token) < 1000 || strings.ContainsAny(token, " \r\n") {
		t.Errorf("X-Subject-Token %q is not like IAM's", token)
	}
	var b wantToken
	decodeStrict(t, r.body, &b)
	tok := b.Token
	now := c.Now()
	expires := now.Add(emulator.DefaultTokenTTL).Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
	if tok.ExpiresAt != expires || tok.IssuedAt != now.Format("2006-01-02T15:04:05.000000Z") {
		t.Errorf("expires_at %q issued_at %q, want %q and the clock's now", tok.ExpiresAt, tok.IssuedAt, expires)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000000", tok.User.PasswordExpiresAt); err != nil {
		t.Errorf("password_expires_at %q: %v", tok.User.PasswordExpiresAt, err)
	}
	u := tok.User
	if len(tok.Methods) != 1 || tok.Methods[0] != "password" || u.Name != testUser || !isHexID(u.ID) ||
		u.Domain.Name != emulator.DefaultIAMDomain || !isHexID(u.Domain.ID) {
		t.Errorf("methods %q, user %+v", tok.Methods, u)
	}
	if p := tok.Project; p == nil || p.ID != emulator.DefaultProjectID || p.Name != emulator.DefaultProjectName || p.Domain != u.Domain {
		t.Errorf("project %+v", p)
	}
	if tok.Domain != nil || len(tok.Roles) == 0 || tok.Roles[0].Name == "" {
		t.Errorf("domain %+v, roles %+v", tok.Domain, tok.Roles)
	}
	urls := map[string]string{}
	for _, e := range tok.Catalog {
		if len(e.Endpoints) != 1 || e.Endpoints[0].Interface != "public" || !isHexID(e.ID) {
			t.Errorf("catalog entry %+v", e)
			continue
		}
		urls[e.Type+" "+e.Name+" "+e.Endpoints[0].Region] = e.Endpoints[0].URL
	}
	if len(urls) != 2 || urls["identity iam *"] != f.URL+"/v3" || urls["css css eu-de"] != f.URL+"/v1.0/"+emulator.DefaultProjectID {
		t.Errorf("catalog %q", urls)
	}
	if bytesContain(r.body, testPassword) {
		t.Errorf("the body holds the password: %s", r.body)
	}
	if again := issuedToken(t, f, emulator.DefaultProjectName); again == token {
		t.Error("two sign-ins got the same token")
	}
	if n := f.Emulator.TokensIssued(); n != 2 {
		t.Errorf("TokensIssued = %d, want 2", n)
	}
}

func bytesContain(b []byte, s string) bool { return strings.Contains(string(b), s) }

// The forms of the request keystoneauth1, gophercloud and the page send: every one signs in.
func TestIAM_requestForms(t *testing.T) {
	f, _ := iamServer(t)
	user := fmt.Sprintf(`"user":{"name":%q,"password":%q,"domain":{"name":%q}}`, testUser, testPassword, emulator.DefaultIAMDomain)
	identity := `"identity":{"methods":["password"],"password":{` + user + `}}`
	var domainID, userID string
	{
		var b wantToken
		r := signIn(t, f, signInBody(testPassword, emulator.DefaultProjectName))
		decodeStrict(t, r.body, &b)
		domainID, userID = b.Token.User.Domain.ID, b.Token.User.ID
	}
	tests := []struct {
		name, body string
		project    string // the token's project; "" for the domain
		catalog    bool
	}{
		{"project by name, its domain left out (keystoneauth1 without project_domain_name)",
			`{"auth":{` + identity + `,"scope":{"project":{"name":"eu-de"}}}}`, emulator.DefaultProjectID, true},
		{"project by name and domain ID", `{"auth":{` + identity + `,"scope":{"project":{"name":"p","domain":{"id":"` + domainID + `"}}}}}`, "p", true},
		{"project by ID", `{"auth":{` + identity + `,"scope":{"project":{"id":"p"}}}}`, "p", true},
		{"project and domain: the project wins", `{"auth":{` + identity + `,"scope":{"project":{"id":"p"},"domain":{"name":"` + emulator.DefaultIAMDomain + `"}}}}`, "p", true},
		{"the user's domain by ID", fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"id":%q}}}},"scope":{"project":{"id":"p"}}}}`,
			testUser, testPassword, domainID), "p", true},
		{"the user by ID", fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":%q,"password":%q}}},"scope":{"project":{"id":"p"}}}}`,
			userID, testPassword), "p", true},
		{"the page's example: scoped to the domain", `{"auth":{` + identity + `,"scope":{"domain":{"name":"` + emulator.DefaultIAMDomain + `"}}}}`, "", true},
		{"no scope: the domain", `{"auth":{` + identity + `}}`, "", true},
		{"unknown fields are ignored, as Keystone does", `{"auth":{` + identity + `,"scope":{"project":{"id":"p"}},"extra":1},"x":[]}`, "p", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signIn(t, f, tt.body)
			if r.status != http.StatusCreated {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var b wantToken
			decodeStrict(t, r.body, &b)
			switch {
			case tt.project == "" && (b.Token.Project != nil || b.Token.Domain == nil || b.Token.Domain.ID != domainID):
				t.Errorf("a domain token has project %+v, domain %+v", b.Token.Project, b.Token.Domain)
			case tt.project != "" && (b.Token.Project == nil || b.Token.Project.ID != tt.project || b.Token.Domain != nil):
				t.Errorf("project %+v, want %q", b.Token.Project, tt.project)
			}
			if tt.project == "" && len(b.Token.Catalog) != 1 {
				t.Errorf("a domain token's catalog lists %d services, want IAM alone", len(b.Token.Catalog))
			}
		})
	}
	t.Run("nocatalog", func(t *testing.T) {
		r := doBody(t, f.Client(), http.MethodPost, f.URL+"/v3/auth/tokens?nocatalog=1", signInBody(testPassword, "p"))
		if r.status != http.StatusCreated || bytesContain(r.body, `"catalog"`) {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
}

// A wrong user, password or domain: 401 with Keystone's body and message, which says no more
// than IAM's; nothing issued.
func TestIAM_wrongCredentials(t *testing.T) {
	f, _ := iamServer(t)
	body := func(user, password, domain string) string {
		return fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":%s}}},"scope":{"project":{"name":"eu-de"}}}}`,
			user, password, domain)
	}
	dn := `{"name":"` + emulator.DefaultIAMDomain + `"}`
	for _, tt := range []struct{ name, body string }{
		{"wrong password", body(testUser, "wrong-"+testPassword, dn)},
		{"a prefix of the password", body(testUser, testPassword[:6], dn)},
		{"another case", body(testUser, strings.ToUpper(testPassword), dn)},
		{"unknown user", body("other-user", testPassword, dn)},
		{"another domain", body(testUser, testPassword, `{"name":"OTC-EU-DE-00000000001000000002"}`)},
		{"a domain ID that is not the user's", body(testUser, testPassword, `{"id":"00000000000000000000000000000000"}`)},
		{"the right name, a wrong ID", body(testUser, testPassword, `{"name":"`+emulator.DefaultIAMDomain+`","id":"00000000000000000000000000000000"}`)},
		{"a user ID that is nobody's", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"00000000000000000000000000000000","password":"` + testPassword + `"}}}}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := signIn(t, f, tt.body)
			want := `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}` + "\n"
			if r.status != http.StatusUnauthorized || string(r.body) != want || r.header.Get("Content-Type") != "application/json" || r.header.Get("X-Subject-Token") != "" {
				t.Errorf("%d %s, want 401 %s", r.status, r.body, want)
			}
			checkRequestID(t, r.header)
		})
	}
	if n := f.Emulator.TokensIssued(); n != 0 {
		t.Errorf("TokensIssued = %d", n)
	}
}

// A scope IAM cannot grant: 401, as Keystone answers it (a project it does not find is an
// authentication failure to it), with a message that names the project.
func TestIAM_unknownProject(t *testing.T) {
	f, _ := iamServer(t)
	identity := fmt.Sprintf(`"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}}`,
		testUser, testPassword, emulator.DefaultIAMDomain)
	for _, tt := range []struct{ name, scope, want string }{
		{"unknown name", `{"project":{"name":"eu-nl"}}`, `no project is named "eu-nl" in domain "` + emulator.DefaultIAMDomain + `"`},
		{"a project's ID for its name", `{"project":{"name":"demo-project"}}`, `no project is named "demo-project"`},
		{"unknown ID", `{"project":{"id":"0123456789abcdef0123456789abcdef"}}`, `no project has the ID "0123456789abcdef0123456789abcdef"`},
		{"a project of another domain", `{"project":{"name":"eu-de","domain":{"name":"other"}}}`, `the scope's project domain is not the user's`},
		{"another domain", `{"domain":{"id":"00000000000000000000000000000000"}}`, `the scope's domain is not the user's`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := signIn(t, f, `{"auth":{`+identity+`,"scope":`+tt.scope+`}}`)
			b := iamErrorOf(t, r, http.StatusUnauthorized)
			if !strings.HasPrefix(b.Message, "The request you have made requires authentication: "+tt.want) {
				t.Errorf("message %q, want %q", b.Message, tt.want)
			}
		})
	}
	if n := f.Emulator.TokensIssued(); n != 0 {
		t.Errorf("TokensIssued = %d", n)
	}
}

// keystoneError is IAM's error body, decoded strictly.
type keystoneError struct {
	Error keystoneErrorBody `json:"error"`
}

type keystoneErrorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Title   string `json:"title"`
}

// iamErrorOf checks that r is an error of status in Keystone's shape, with a request ID, and
// returns its body.
func iamErrorOf(t *testing.T, r response, status int) keystoneErrorBody {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var b keystoneError
	decodeStrict(t, r.body, &b)
	if b.Error.Code != status || b.Error.Title != http.StatusText(status) || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("body %s, Content-Type %q", r.body, r.header.Get("Content-Type"))
	}
	checkRequestID(t, r.header)
	return b.Error
}

// A body IAM cannot read: 400 naming the field, never the password.
func TestIAM_malformedBodies(t *testing.T) {
	f, _ := iamServer(t)
	user := fmt.Sprintf(`"user":{"name":%q,"password":%q,"domain":{"name":%q}}`, testUser, testPassword, emulator.DefaultIAMDomain)
	withUser := func(u string) string {
		return `{"auth":{"identity":{"methods":["password"],"password":{"user":` + u + `}}}}`
	}
	withScope := func(s string) string {
		return `{"auth":{"identity":{"methods":["password"],"password":{` + user + `}},"scope":` + s + `}}`
	}
	pw := `"password":"` + testPassword + `"`
	tests := []struct{ name, body, want string }{
		{"no body", "", "the request has no body"},
		{"not JSON", "{auth", "the body is not a JSON object"},
		{"an array", "[]", "the body is not a JSON object"},
		{"two objects", withScope(`{"project":{"id":"p"}}`) + "{}", "the body has more data after the JSON object"},
		{"no auth", `{}`, "auth is missing"},
		{"auth an array", `{"auth":[]}`, "auth is a JSON array, not an object"},
		{"no identity", `{"auth":{}}`, "auth.identity is missing"},
		{"no methods", `{"auth":{"identity":{"password":{` + user + `}}}}`, "auth.identity.methods is missing"},
		{"methods a string", `{"auth":{"identity":{"methods":"password"}}}`, "auth.identity.methods is a JSON string, not an array"},
		{"methods empty", `{"auth":{"identity":{"methods":[]}}}`, "auth.identity.methods is missing"},
		{"the token method", `{"auth":{"identity":{"methods":["password","token"]}}}`, `auth.identity.methods[1]: "token" is not supported`},
		{"no password object", `{"auth":{"identity":{"methods":["password"]}}}`, "auth.identity.password is missing"},
		{"no user", `{"auth":{"identity":{"methods":["password"],"password":{}}}}`, "auth.identity.password.user is missing"},
		{"no name", withUser(`{` + pw + `,"domain":{"name":"d"}}`), "auth.identity.password.user.name is missing"},
		{"a name that is a number", withUser(`{"name":5,` + pw + `}`), "auth.identity.password.user.name is a JSON number, not a string"},
		{"an empty name", withUser(`{"name":"",` + pw + `,"domain":{"name":"d"}}`), "auth.identity.password.user.name is empty"},
		{"no password", withUser(`{"name":"u","domain":{"name":"d"}}`), "auth.identity.password.user.password is missing"},
		{"an empty password", withUser(`{"name":"u","password":"","domain":{"name":"d"}}`), "auth.identity.password.user.password is empty"},
		{"a password that is a number", withUser(`{"name":"u","password":4711}`), "auth.identity.password.user.password is a JSON number, not a string"},
		{"no domain", withUser(`{"name":"u",` + pw + `}`), "auth.identity.password.user.domain is missing: give its name (or id)"},
		{"an empty domain", withUser(`{"name":"u",` + pw + `,"domain":{}}`), "auth.identity.password.user.domain: give its name or id"},
		{"a domain of an empty name", withUser(`{"name":"u",` + pw + `,"domain":{"name":""}}`), "auth.identity.password.user.domain.name is empty"},
		{"an empty user ID", withUser(`{"id":"",` + pw + `}`), "auth.identity.password.user.id is empty"},
		{"an empty project", withScope(`{"project":{}}`), "auth.scope.project: give its id or name"},
		{"a project of an empty ID", withScope(`{"project":{"id":""}}`), "auth.scope.project.id is empty"},
		{"a project of an empty name", withScope(`{"project":{"name":""}}`), "auth.scope.project.name is empty"},
		{"a project of an empty domain", withScope(`{"project":{"name":"eu-de","domain":{}}}`), "auth.scope.project.domain: give its name or id"},
		{"a project ID that is a number", withScope(`{"project":{"id":1}}`), "auth.scope.project.id is a JSON number, not a string"},
		{"an empty domain scope", withScope(`{"domain":{}}`), "auth.scope.domain: give its name or id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signIn(t, f, tt.body)
			b := iamErrorOf(t, r, http.StatusBadRequest)
			if !strings.HasPrefix(b.Message, "The request body or a parameter is not valid: "+tt.want) {
				t.Errorf("message %q, want %q", b.Message, tt.want)
			}
			if bytesContain(r.body, testPassword) {
				t.Errorf("the answer quotes the password: %s", r.body)
			}
		})
	}
	t.Run("Content-Type", func(t *testing.T) {
		r := doRequest(t, f.Client(), http.MethodPost, f.URL+"/v3/auth/tokens", http.Header{"Content-Type": {"text/plain"}},
			strings.NewReader(signInBody(testPassword, "eu-de")))
		if b := iamErrorOf(t, r, http.StatusBadRequest); !strings.Contains(b.Message, `Content-Type "text/plain" is not application/json`) {
			t.Errorf("message %q", b.Message)
		}
		r = doRequest(t, f.Client(), http.MethodPost, f.URL+"/v3/auth/tokens", http.Header{"Content-Type": {"application/json;charset=utf8"}},
			strings.NewReader(signInBody(testPassword, "eu-de")))
		if r.status != http.StatusCreated {
			t.Errorf("the page's Content-Type: %d %s", r.status, r.body)
		}
	})
	t.Run("too large", func(t *testing.T) {
		r := signIn(t, f, `{"auth":{"x":"`+strings.Repeat("a", 20<<10)+`"}}`)
		checkError(t, r, http.StatusRequestEntityTooLarge, "CSS.0001", "larger than 16384 bytes")
	})
	if n := f.Emulator.TokensIssued(); n != 1 {
		t.Errorf("TokensIssued = %d, want the one with the page's Content-Type", n)
	}
}

// projectsBody is the project list as the page documents it, decoded strictly.
type projectsBody struct {
	Links struct {
		Self     string  `json:"self"`
		Previous *string `json:"previous"`
		Next     *string `json:"next"`
	} `json:"links"`
	Projects []struct {
		IsDomain    bool   `json:"is_domain"`
		Description string `json:"description"`
		Links       struct {
			Self string `json:"self"`
		} `json:"links"`
		Enabled  bool   `json:"enabled"`
		ID       string `json:"id"`
		ParentID string `json:"parent_id"`
		DomainID string `json:"domain_id"`
		Name     string `json:"name"`
	} `json:"projects"`
}

// listProjects sends GET /v3/projects with query and header.
func listProjects(t *testing.T, f *fixture, query string, header http.Header) response {
	t.Helper()
	return get(t, f.Client(), f.URL, "/v3/projects"+query, header)
}

// GET /v3/projects: the projects by name, or all; the page's fields; the query's parameters.
func TestIAM_projects(t *testing.T) {
	f, _ := iamServer(t)
	if err := f.Store().SetProjectName("spare", "eu-de_spare"); err != nil {
		t.Fatal(err)
	}
	auth := http.Header{"X-Auth-Token": {issuedToken(t, f, "eu-de")}}
	names := func(t *testing.T, query string) (string, projectsBody) {
		t.Helper()
		r := listProjects(t, f, query, auth)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var b projectsBody
		decodeStrict(t, r.body, &b)
		var out []string
		for _, p := range b.Projects {
			out = append(out, p.ID+"="+p.Name)
		}
		return strings.Join(out, " "), b
	}

	got, b := names(t, "?name=eu-de")
	p := b.Projects[0]
	if got != "demo-project=eu-de" || !isHexID(p.DomainID) || p.ParentID != p.DomainID || !p.Enabled || p.IsDomain ||
		p.Links.Self != f.URL+"/v3/projects/demo-project" || b.Links.Self != f.URL+"/v3/projects?name=eu-de" ||
		b.Links.Previous != nil || b.Links.Next != nil {
		t.Errorf("by name: %s %+v", got, b)
	}
	for _, tt := range []struct{ query, want string }{
		{"", "demo-project=eu-de p=p spare=eu-de_spare"},
		{"?name=eu-de_spare", "spare=eu-de_spare"}, // known without clusters
		{"?name=eu-nl", ""},
		{"?name=demo-project", ""}, // a name, not an ID
		{"?enabled=true&is_domain=false", "demo-project=eu-de p=p spare=eu-de_spare"},
		{"?enabled=false", ""},
		{"?domain_id=" + p.DomainID + "&parent_id=" + p.DomainID, "demo-project=eu-de p=p spare=eu-de_spare"},
		{"?domain_id=00000000000000000000000000000000", ""},
		{"?foo=bar", "demo-project=eu-de p=p spare=eu-de_spare"},
	} {
		if got, _ := names(t, tt.query); got != tt.want {
			t.Errorf("GET /v3/projects%s = %q, want %q", tt.query, got, tt.want)
		}
	}

	// Paging: page and per_page together, links to the neighbours.
	got, b = names(t, "?page=2&per_page=1")
	if got != "p=p" || b.Links.Previous == nil || *b.Links.Previous != f.URL+"/v3/projects?page=1&per_page=1" ||
		b.Links.Next == nil || *b.Links.Next != f.URL+"/v3/projects?page=3&per_page=1" {
		t.Errorf("page 2: %s %+v", got, b.Links)
	}
	if got, b = names(t, "?page=3&per_page=1"); got != "spare=eu-de_spare" || b.Links.Next != nil {
		t.Errorf("page 3: %s %+v", got, b.Links)
	}
	if got, _ = names(t, "?page=9&per_page=5000"); got != "" {
		t.Errorf("page 9: %s", got)
	}

	for _, tt := range []struct{ query, want string }{
		{"?name=a&name=b", `query parameter "name" appears 2 times, at most once allowed`},
		{"?enabled=yes", `query parameter "enabled": "yes" is not true or false`},
		{"?page=1", `query parameters "page" and "per_page" go together`},
		{"?page=0&per_page=1", `query parameter "page": "0" is not a whole number from 1 to`},
		{"?page=1&per_page=5001", `query parameter "per_page": "5001" is not a whole number from 1 to 5000`},
		{"?name=%zz", `the query does not parse: invalid URL escape "%zz"`},
	} {
		r := listProjects(t, f, tt.query, auth)
		if b := iamErrorOf(t, r, http.StatusBadRequest); !strings.Contains(b.Message, tt.want) {
			t.Errorf("%s: message %q, want %q", tt.query, b.Message, tt.want)
		}
	}
}

// The project lookup takes a token the IAM issued (of either scope, until it expires), a
// token of WithToken or an AK/SK signature; anything else is 401 in Keystone's shape.
func TestIAM_projectsAuth(t *testing.T) {
	f, c := iamServer(t, emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK))
	project := issuedToken(t, f, "eu-de")
	domainScoped := signIn(t, f, fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}}}}`,
		testUser, testPassword, emulator.DefaultIAMDomain)).header.Get("X-Subject-Token")
	url := f.URL + "/v3/projects?name=eu-de"
	ok := func(name string, header http.Header) {
		t.Helper()
		if r := listProjects(t, f, "?name=eu-de", header); r.status != http.StatusOK {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	refused := func(name string, header http.Header, want string) {
		t.Helper()
		r := listProjects(t, f, "?name=eu-de", header)
		b := iamErrorOf(t, r, http.StatusUnauthorized)
		if b.Message != "The request you have made requires authentication: "+want {
			t.Errorf("%s: message %q, want %q", name, b.Message, want)
		}
	}
	ok("a project-scoped token", http.Header{"X-Auth-Token": {project}})
	ok("a domain-scoped token", http.Header{"X-Auth-Token": {domainScoped}})
	ok("a token of WithToken", http.Header{"X-Auth-Token": {testToken}})
	signed := signedRequest(t, url, c.Now())
	if r := send(t, f.Client(), signed); r.status != http.StatusOK {
		t.Errorf("AK/SK: %d %s", r.status, r.body)
	}

	refused("no credentials", nil, "no credentials: send an X-Auth-Token header or an AK/SK signature (SDK-HMAC-SHA256)")
	refused("a wrong token", http.Header{"X-Auth-Token": {project + "x"}}, "the X-Auth-Token is not valid")
	r := send(t, f.Client(), signedRequest(t, url, c.Now().Add(-time.Hour)))
	if b := iamErrorOf(t, r, http.StatusUnauthorized); !strings.Contains(b.Message, "AK/SK signature rejected: X-Sdk-Date outside the allowed clock skew") {
		t.Errorf("an old signature: %q", b.Message)
	}
	c.advance(emulator.DefaultTokenTTL)
	refused("an expired token", http.Header{"X-Auth-Token": {project}}, "the X-Auth-Token expired at "+c.Now().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")+": the token must be updated")
	ok("a token of WithToken never expires", http.Header{"X-Auth-Token": {testToken}})
	fresh := issuedToken(t, f, "p")
	if n := f.Emulator.RevokeTokens(); n != 1 {
		t.Errorf("RevokeTokens = %d, want the one not expired", n)
	}
	refused("a revoked token", http.Header{"X-Auth-Token": {fresh}}, "the X-Auth-Token is not valid")
}

// The IAM's other paths and methods, in Keystone's shape; GET /v3 is the version document.
func TestIAM_pathsAndMethods(t *testing.T) {
	f, _ := iamServer(t)
	for _, tt := range []struct {
		method, path string
		status       int
		allow, want  string
	}{
		{http.MethodGet, "/v3/auth/tokens", http.StatusMethodNotAllowed, "POST", "The method you have requested is not allowed on this resource: GET /v3/auth/tokens (allowed: POST)"},
		{http.MethodDelete, "/v3/auth/tokens", http.StatusMethodNotAllowed, "POST", "DELETE /v3/auth/tokens"},
		{http.MethodPost, "/v3/projects", http.StatusMethodNotAllowed, "GET", "POST /v3/projects (allowed: GET)"},
		{http.MethodGet, "/v3/users", http.StatusNotFound, "", "The resource could not be found: the emulator's IAM has no GET /v3/users"},
		{http.MethodGet, "/v3/projects/demo-project", http.StatusNotFound, "", "GET /v3/projects/demo-project"},
		{http.MethodGet, "/v3/auth/tokens/", http.StatusNotFound, "", "GET /v3/auth/tokens/"},
	} {
		r := do(t, f.Client(), tt.method, f.URL+tt.path, nil)
		b := iamErrorOf(t, r, tt.status)
		if !strings.Contains(b.Message, tt.want) || r.header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: Allow %q, message %q, want %q", tt.method, tt.path, r.header.Get("Allow"), b.Message, tt.want)
		}
	}
	for _, path := range []string{"/v3", "/v3/"} {
		r := get(t, f.Client(), f.URL, path, nil)
		var v struct {
			Version struct {
				ID, Status string
				Links      []struct{ Rel, Href string }
			}
		}
		if err := json.Unmarshal(r.body, &v); err != nil || r.status != http.StatusOK || v.Version.ID != "v3.0" || v.Version.Status != "stable" ||
			len(v.Version.Links) != 1 || v.Version.Links[0].Href != f.URL+"/v3/" {
			t.Errorf("GET %s: %d %s %v", path, r.status, r.body, err)
		}
	}
}

// Without an IAM user there is no IAM: /v3 is a path of no operation of CSS.
func TestIAM_offWithoutAUser(t *testing.T) {
	f := setup(t)
	r := signIn(t, f, signInBody(testPassword, "eu-de"))
	checkError(t, r, http.StatusNotFound, "CSS.0016", "no operation of the spec matches POST /v3/auth/tokens")
	if f.Emulator.TokensIssued() != 0 || f.Emulator.RevokeTokens() != 0 {
		t.Error("an emulator without IAM counts tokens")
	}
}

// The IAM is behind the fault layer: a fail rate fails sign-ins too, in the same shapes.
func TestIAM_faults(t *testing.T) {
	f, _ := iamServer(t, emulator.WithFailRate(1, 3))
	r := signIn(t, f, signInBody(testPassword, "eu-de"))
	if (r.status != http.StatusTooManyRequests && r.status != http.StatusServiceUnavailable) || r.header.Get("Retry-After") != "1" {
		t.Errorf("status %d: %s", r.status, r.body)
	}
}

// The token rules of the CSS side: a token the IAM issued is valid until it expires by the
// emulator's clock, for the project it is scoped to; another project's path is 403 in the
// gateway's shape, an expired or revoked token 401 APIGW.0301.
func TestEmulator_issuedTokens(t *testing.T) {
	f, c := iamServer(t, emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK), emulator.WithTokenTTL(time.Hour))
	demo := issuedToken(t, f, "eu-de")
	onP := issuedToken(t, f, "p")
	domainScoped := signIn(t, f, fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}}}}`,
		testUser, testPassword, emulator.DefaultIAMDomain)).header.Get("X-Subject-Token")
	pPath := connectionsPath("p", "c")
	tok := func(token string) http.Header { return http.Header{"X-Auth-Token": {token}} }

	for _, tt := range []struct {
		name, path string
		header     http.Header
		status     int
		code, want string
	}{
		{"its project", defaultPath, tok(demo), http.StatusOK, "", ""},
		{"the other project's token on its own", pPath, tok(onP), http.StatusOK, "", ""},
		{"its project, escaped", "/v1.0/%64emo-project/clusters/" + emulator.DefaultClusterID + "/vpcepservice/connections", tok(demo), http.StatusOK, "", ""},
		{"another project", pPath, tok(demo), http.StatusForbidden, "APIGW.0302",
			`The IAM user is not authorized to access the API: the X-Auth-Token is scoped to project "demo-project", not to project "p"`},
		{"a project that does not exist", connectionsPath("nope", "c"), tok(demo), http.StatusForbidden, "APIGW.0302", `not to project "nope"`},
		{"another project on the emulator's own path", endpointsPath("p", "c"), tok(demo), http.StatusForbidden, "APIGW.0302", `not to project "p"`},
		{"a domain-scoped token", defaultPath, tok(domainScoped), http.StatusForbidden, "APIGW.0302",
			`the X-Auth-Token is scoped to the domain, not to project "demo-project"`},
		{"a path that names no project", "/v1.0", tok(demo), http.StatusNotFound, "CSS.0016", "no operation"},
		// The router unescapes each segment, so the scope check does too (found from outside:
		// these reached project p's connections and store with a token of demo-project).
		{"another project, the prefix escaped", "/v1%2E0/p/clusters/c/vpcepservice/connections", tok(demo), http.StatusForbidden, "APIGW.0302", `not to project "p"`},
		{"another project, the prefix escaped otherwise", "/%761.0/p/clusters/c/vpcepservice/connections", tok(demo), http.StatusForbidden, "APIGW.0302", `not to project "p"`},
		{"another project on the emulator's path, escaped", "/emulator/v%31/p/clusters/c/endpoints", tok(demo), http.StatusForbidden, "APIGW.0302", `not to project "p"`},
		{"another project, and a token of WithToken", pPath, tok(testToken), http.StatusOK, "", ""},
		{"an unknown token", defaultPath, tok(demo[:len(demo)-1]), http.StatusUnauthorized, "APIGW.0301", "the X-Auth-Token is not valid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, f.lax, f.URL, tt.path, tt.header)
			if tt.code == "" {
				if r.status != tt.status {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				return
			}
			b := checkError(t, r, tt.status, tt.code, tt.want)
			if tt.code != "CSS.0016" && b.RequestID != r.header.Get("X-Request-Id") {
				t.Errorf("request_id %q", b.RequestID)
			}
		})
	}

	// Either credential is enough: a token of another project and a good signature pass.
	signed := signedRequest(t, f.URL+pPath, c.Now())
	signed.Header.Set("X-Auth-Token", demo)
	if r := send(t, f.lax, signed); r.status != http.StatusOK {
		t.Errorf("a token of another project and a signature: %d %s", r.status, r.body)
	}

	// Expiry, by the emulator's clock: valid until the instant expires_at says.
	c.advance(time.Hour - time.Microsecond)
	if r := get(t, f.lax, f.URL, defaultPath, tok(demo)); r.status != http.StatusOK {
		t.Errorf("a microsecond before expiry: %d %s", r.status, r.body)
	}
	c.advance(time.Microsecond)
	r := get(t, f.lax, f.URL, defaultPath, tok(demo))
	checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: the X-Auth-Token expired at ", ": the token must be updated")
	r = get(t, f.lax, f.URL, pPath, tok(demo))
	checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "expired") // expiry first: a 401 makes the client renew
	if r := get(t, f.lax, f.URL, defaultPath, tok(testToken)); r.status != http.StatusOK {
		t.Errorf("a token of WithToken after the IAM's expired: %d", r.status)
	}

	// Revoked: unknown from then on.
	fresh := issuedToken(t, f, "eu-de")
	if r := get(t, f.lax, f.URL, defaultPath, tok(fresh)); r.status != http.StatusOK {
		t.Fatalf("a fresh token: %d %s", r.status, r.body)
	}
	if n := f.Emulator.RevokeTokens(); n != 1 {
		t.Errorf("RevokeTokens = %d, want 1 (the others expired)", n)
	}
	r = get(t, f.lax, f.URL, defaultPath, tok(fresh))
	checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "the X-Auth-Token is not valid")
	if f.Emulator.TokensIssued() != 4 {
		t.Errorf("TokensIssued = %d, want 4", f.Emulator.TokensIssued())
	}
}

// A token the IAM issued is answered 401 by another emulator: tokens are the emulator's own.
func TestEmulator_issuedTokensAreTheEmulatorsOwn(t *testing.T) {
	f, _ := iamServer(t)
	g, _ := iamServer(t)
	token := issuedToken(t, f, "eu-de")
	r := get(t, g.lax, g.URL, defaultPath, http.Header{"X-Auth-Token": {token}})
	checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "the X-Auth-Token is not valid")
}

// String shows the IAM user and domain and a TTL that is not the default, never the password.
func TestEmulator_String_IAM(t *testing.T) {
	e, err := emulator.New(emulator.WithIAMUser(testUser, testPassword, ""), emulator.WithTokenTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if s := e.String(); !strings.Contains(s, " Auth:IAM("+testUser+"@"+emulator.DefaultIAMDomain+") TokenTTL:1h0m0s") {
		t.Errorf("String = %s", s)
	}
	var printed strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		fmt.Fprintf(&printed, verb+"\n", e)
	}
	if strings.Contains(printed.String(), testPassword) {
		t.Errorf("the password is printed:\n%s", printed.String())
	}
	e, err = emulator.New(emulator.WithIAMUser(testUser, testPassword, "OTC-EU-NL-1"), emulator.WithToken(testToken))
	if err != nil {
		t.Fatal(err)
	}
	if s := e.String(); !strings.Contains(s, " Auth:token(1)+IAM("+testUser+"@OTC-EU-NL-1)}") || strings.Contains(s, "TokenTTL") {
		t.Errorf("String = %s", s)
	}
}

// The links and the catalog name the emulator as the client reached it; a Host that is not a
// plain host[:port] is not echoed.
func TestIAM_catalogHost(t *testing.T) {
	e, err := emulator.New(emulator.WithIAMUser(testUser, testPassword, ""))
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"css.example:8443":                 "http://css.example:8443/v1.0/demo-project",
		"[::1]:80":                         "http://[::1]:80/v1.0/demo-project",
		`evil.example/"><script>`:          "http://localhost/v1.0/demo-project",
		strings.Repeat("a", 300) + ".test": "http://localhost/v1.0/demo-project",
	} {
		req := httptest.NewRequest(http.MethodPost, "/v3/auth/tokens", strings.NewReader(signInBody(testPassword, "eu-de")))
		req.Host = host
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		var b wantToken
		decodeStrict(t, rec.Body.Bytes(), &b)
		if len(b.Token.Catalog) != 2 || b.Token.Catalog[1].Endpoints[0].URL != want {
			t.Errorf("Host %.40q: catalog %+v, want %s", host, b.Token.Catalog, want)
		}
	}
}

// Long values in a token request are quoted to 64 bytes in answers and logs.
func TestIAM_longValues(t *testing.T) {
	var logs syncBuffer
	f, _ := iamServer(t, emulator.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	long := strings.Repeat("x", 10<<10)
	for _, body := range []string{
		fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":"p","domain":{"name":"d"}}}}}}`, long),
		`{"auth":{"identity":{"methods":["` + long + `"]}}}`,
		fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"project":{"name":%q}}}}`,
			testUser, testPassword, emulator.DefaultIAMDomain, long),
	} {
		r := signIn(t, f, body)
		if len(r.body) > 1<<10 || r.status < 400 {
			t.Errorf("%d, %d bytes: %.200s", r.status, len(r.body), r.body)
		}
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		if len(line) > 2<<10 {
			t.Errorf("a log record of %d bytes: %.200s", len(line), line)
		}
	}
	if !strings.Contains(logs.String(), "IAM refused the request") {
		t.Errorf("the log:\n%s", logs.String())
	}
}
