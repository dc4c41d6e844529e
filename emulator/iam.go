package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// IAMPath is where the emulator answers as IAM (Keystone v3) when it has an IAM user
// (WithIAMUser): the IAM endpoint of a client is the emulator's URL and IAMPath, such as
// http://127.0.0.1:8080/v3.
const IAMPath = "/v3"

// The IAM's paths under IAMPath.
const (
	iamTokensPath   = IAMPath + "/auth/tokens"
	iamProjectsPath = IAMPath + "/projects"
)

// iamTimeLayout is how IAM writes expires_at and issued_at: UTC, microseconds, "Z" (the page's
// example: 2015-11-09T01:42:57.527363Z).
const iamTimeLayout = "2006-01-02T15:04:05.000000Z"

// passwordTimeLayout is how IAM writes password_expires_at: microseconds and no zone (the page's
// example: 2016-11-06T15:32:17.000000).
const passwordTimeLayout = "2006-01-02T15:04:05.000000"

// passwordLifetime is how long after the IAM's first sign-in its user's password expires, for
// password_expires_at: the 90 days of a common password policy.
const passwordLifetime = 90 * 24 * time.Hour

// Keystone's messages, which OTC's IAM sends in its error body
// {"error":{"code":...,"message":...,"title":...}}.
const (
	msgWrongPassword = "The username or password is wrong."
	msgNeedsAuth     = "The request you have made requires authentication"
	msgBadRequest    = "The request body or a parameter is not valid"
	msgNotFound      = "The resource could not be found"
	msgBadMethod     = "The method you have requested is not allowed on this resource"
)

// iamService answers as IAM under IAMPath: the password sign-in (POST /v3/auth/tokens) of its
// one user, the project list (GET /v3/projects) and the version document (GET /v3). The
// tokens it issues are in creds.issued, which the CSS side's authenticator reads.
type iamService struct {
	user, domain     string
	password         [sha256.Size]byte // the password's SHA-256: compared in constant time, never kept in the clear
	userID, domainID string
	ttl              time.Duration
	store            *Store
	creds            *credentials
	log              *slog.Logger

	passwordExpires func() string // password_expires_at, fixed at the first sign-in
}

func newIAMService(c *config, store *Store, creds *credentials) *iamService {
	u := c.iamUser
	s := &iamService{
		user: u.name, domain: u.domain,
		password: sha256.Sum256([]byte(u.password.Reveal())),
		userID:   hexID("user", u.domain+"\x00"+u.name), domainID: hexID("domain", u.domain),
		ttl: c.tokenTTL, store: store, creds: creds, log: c.logger,
	}
	s.passwordExpires = sync.OnceValue(func() string {
		return creds.clock().UTC().Add(passwordLifetime).Truncate(time.Second).Format(passwordTimeLayout)
	})
	return s
}

// hexID is a stable ID of 32 lower-case hex digits for a kind of thing and its name, in the
// form of IAM's IDs: the same name always has the same ID.
func hexID(kind, name string) string {
	sum := sha256.Sum256([]byte("cssvpcep-emulator-iam\x00" + kind + "\x00" + name))
	return hex.EncodeToString(sum[:16])
}

// iamRouter sends the paths under IAMPath to the IAM and every other request on, to the CSS
// side's authentication.
type iamRouter struct {
	iam  *iamService
	next http.Handler
}

func (h *iamRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.EscapedPath(); p == IAMPath || strings.HasPrefix(p, IAMPath+"/") {
		h.iam.ServeHTTP(w, r)
		return
	}
	h.next.ServeHTTP(w, r)
}

// ServeHTTP answers the IAM's paths, and 404 or 405 in Keystone's error shape for others.
func (s *iamService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	var allow string
	switch path {
	case IAMPath, IAMPath + "/":
		allow = http.MethodGet
		if r.Method == allow {
			s.version(w, r)
			return
		}
	case iamTokensPath:
		allow = http.MethodPost
		if r.Method == allow {
			s.issue(w, r)
			return
		}
	case iamProjectsPath:
		allow = http.MethodGet
		if r.Method == allow {
			s.projects(w, r)
			return
		}
	default:
		writeIAMError(w, http.StatusNotFound, fmt.Sprintf("%s: the emulator's IAM has no %s %s", msgNotFound,
			csserr.Bounded(r.Method, quote.Max), csserr.Bounded(path, csserr.MaxPath)))
		return
	}
	w.Header().Set("Allow", allow)
	writeIAMError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s: %s %s (allowed: %s)", msgBadMethod,
		csserr.Bounded(r.Method, quote.Max), path, allow))
}

// iamError is Keystone's error body.
type iamError struct {
	Error iamErrorBody `json:"error"`
}

type iamErrorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Title   string `json:"title"`
}

// writeIAMError answers in Keystone's error shape, {"error":{"code":401,"message":"...",
// "title":"Unauthorized"}}, which the client's IAMError reads; the request ID is in
// X-Request-Id, as the outermost layer set it.
func writeIAMError(w http.ResponseWriter, status int, msg string) {
	writeIAMJSON(w, status, iamError{Error: iamErrorBody{Code: status, Message: msg, Title: http.StatusText(status)}})
}

// writeIAMJSON answers with status and v as JSON.
func writeIAMJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		// The IAM's bodies are strings, numbers and booleans: they always encode.
		status, data = http.StatusInternalServerError, []byte(`{"error":{"code":500,"message":"the answer does not encode","title":"Internal Server Error"}}`)
	}
	csserr.WriteJSON(w, status, data)
}

// refused logs why the IAM refused a request, with its request ID; never a credential.
func (s *iamService) refused(w http.ResponseWriter, r *http.Request, status int, why string) {
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "IAM refused the request",
		slog.String("request_id", w.Header().Get(csserr.HeaderRequestID)), slog.Int("status", status), slog.String("reason", why))
}

// baseURL is the emulator's URL as the client reached it, for the links and the catalog: the
// Host the request names (a client sees itself), or localhost for a Host that is not a plain
// host[:port].
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if !plainHost(host) {
		host = "localhost"
	}
	return scheme + "://" + host
}

// plainHost reports whether h is a host name or address with an optional port: letters,
// digits, ".-_:[]", at most 255 bytes.
func plainHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := range len(h) {
		if !hostByte(h[i]) {
			return false
		}
	}
	return true
}

// hostByte reports whether c may be in a plain host[:port].
func hostByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".-_:[]", c) >= 0
}

// version answers GET /v3 with Keystone's version document, which keystoneauth1 and
// gophercloud read to discover the API when given the endpoint alone.
func (s *iamService) version(w http.ResponseWriter, r *http.Request) {
	type link struct {
		Rel  string `json:"rel"`
		Href string `json:"href"`
	}
	type mediaType struct {
		Base string `json:"base"`
		Type string `json:"type"`
	}
	type version struct {
		ID         string      `json:"id"`
		Status     string      `json:"status"`
		Updated    string      `json:"updated"`
		Links      []link      `json:"links"`
		MediaTypes []mediaType `json:"media-types"`
	}
	writeIAMJSON(w, http.StatusOK, map[string]version{"version": {
		ID: "v3.0", Status: "stable", Updated: "2013-03-06T00:00:00Z",
		Links:      []link{{Rel: "self", Href: baseURL(r) + IAMPath + "/"}},
		MediaTypes: []mediaType{{Base: "application/json", Type: "application/vnd.openstack.identity-v3+json"}},
	}})
}

// The token request's body, as keystoneauth1 and gophercloud send it. Pointers tell a field
// left out (or null) from an empty one; other fields are ignored, as Keystone ignores them.
type (
	tokenRequest struct {
		Auth *tokenAuth `json:"auth"`
	}
	tokenAuth struct {
		Identity *tokenIdentity `json:"identity"`
		Scope    *tokenScope    `json:"scope"`
	}
	tokenIdentity struct {
		Methods  *[]string      `json:"methods"`
		Password *passwordIdent `json:"password"`
	}
	passwordIdent struct {
		User *passwordUser `json:"user"`
	}
	passwordUser struct {
		ID       *string `json:"id"`
		Name     *string `json:"name"`
		Password *string `json:"password"`
		Domain   *idName `json:"domain"`
	}
	tokenScope struct {
		Project *projectScope `json:"project"`
		Domain  *idName       `json:"domain"`
	}
	projectScope struct {
		ID     *string `json:"id"`
		Name   *string `json:"name"`
		Domain *idName `json:"domain"`
	}
	idName struct {
		ID   *string `json:"id"`
		Name *string `json:"name"`
	}
)

// badBody is a token request's body that the IAM cannot read: 400 naming the field.
type badBody struct{ msg string }

func (e *badBody) Error() string { return e.msg }

func bad(format string, args ...any) error { return &badBody{msg: fmt.Sprintf(format, args...)} }

// readTokenRequest reads and decodes the token request's body (see readJSON); every problem
// is a *badBody naming the field, or errBodyTooLarge. No message quotes the password.
func readTokenRequest(r *http.Request) (*tokenAuth, error) {
	const want = `send {"auth": {"identity": {"methods": ["password"], "password": {"user": {...}}}, "scope": {...}}}`
	var req tokenRequest
	if problem, tooLarge := readJSON(r, &req, want); tooLarge {
		return nil, errBodyTooLarge
	} else if problem != "" {
		return nil, bad("%s", problem)
	}
	a := req.Auth
	if a == nil {
		return nil, bad("auth is missing; %s", want)
	}
	if err := checkIdentity(a.Identity); err != nil {
		return nil, err
	}
	if err := checkScope(a.Scope); err != nil {
		return nil, err
	}
	return a, nil
}

// typeName names a Go kind as JSON does.
func typeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "bool":
		return "a boolean"
	}
	return kind
}

// checkIdentity checks auth.identity: the password method, and a user by name and domain (or
// by ID) with a password.
func checkIdentity(id *tokenIdentity) error {
	switch {
	case id == nil:
		return bad("auth.identity is missing")
	case id.Methods == nil || len(*id.Methods) == 0:
		return bad(`auth.identity.methods is missing; send ["password"]`)
	}
	for i, m := range *id.Methods {
		if m != "password" {
			return bad(`auth.identity.methods[%d]: %s is not supported: the emulator's IAM signs in with ["password"]`, i, quote.Value(m))
		}
	}
	switch {
	case id.Password == nil:
		return bad("auth.identity.password is missing")
	case id.Password.User == nil:
		return bad("auth.identity.password.user is missing")
	}
	u := id.Password.User
	const at = "auth.identity.password.user"
	switch {
	case u.Password == nil:
		return bad("%s.password is missing", at)
	case *u.Password == "":
		return bad("%s.password is empty", at)
	case u.ID != nil && *u.ID == "":
		return bad("%s.id is empty", at)
	case u.ID != nil:
		return nil // a user by ID needs no name or domain, as Keystone has it
	case u.Name == nil:
		return bad("%s.name is missing (or give the user's id)", at)
	case *u.Name == "":
		return bad("%s.name is empty", at)
	}
	return checkIDName(at+".domain", u.Domain, true)
}

// checkIDName checks an object {"id": ...} or {"name": ...} (or both) at field: present when
// required, with at least one of them, none empty.
func checkIDName(field string, v *idName, required bool) error {
	switch {
	case v == nil && required:
		return bad("%s is missing: give its name (or id)", field)
	case v == nil:
		return nil
	case v.ID == nil && v.Name == nil:
		return bad("%s: give its name or id", field)
	case v.ID != nil && *v.ID == "":
		return bad("%s.id is empty", field)
	case v.Name != nil && *v.Name == "":
		return bad("%s.name is empty", field)
	}
	return nil
}

// checkScope checks auth.scope: a project by ID or by name (its domain optional), or a domain.
// No scope at all is a token for the domain, as the page says ("the token applies to global
// services").
func checkScope(sc *tokenScope) error {
	if sc == nil {
		return nil
	}
	if p := sc.Project; p != nil {
		switch {
		case p.ID == nil && p.Name == nil:
			return bad("auth.scope.project: give its id or name")
		case p.ID != nil && *p.ID == "":
			return bad("auth.scope.project.id is empty")
		case p.Name != nil && *p.Name == "":
			return bad("auth.scope.project.name is empty")
		}
		return checkIDName("auth.scope.project.domain", p.Domain, false)
	}
	return checkIDName("auth.scope.domain", sc.Domain, false)
}

// isDomain reports whether v (nil for none given) names the IAM user's domain, by name or ID.
// Both, when given, must be the domain's.
func (s *iamService) isDomain(v *idName) bool {
	return v == nil || (v.ID == nil || *v.ID == s.domainID) && (v.Name == nil || *v.Name == s.domain)
}

// signsIn checks the user and the password, and says why not (for the log) when they are
// wrong. The password is compared as a SHA-256 sum in constant time.
func (s *iamService) signsIn(u *passwordUser) (bool, string) {
	sum := sha256.Sum256([]byte(*u.Password))
	passwordOK := subtle.ConstantTimeCompare(sum[:], s.password[:]) == 1
	switch {
	case u.ID != nil && *u.ID != s.userID:
		return false, "no user has the ID " + quote.Value(*u.ID)
	case u.ID == nil && *u.Name != s.user:
		return false, "no user is named " + quote.Value(*u.Name)
	case u.ID == nil && !s.isDomain(u.Domain):
		return false, "the user is not of the domain given"
	case !passwordOK:
		return false, "the password is wrong"
	}
	return true, ""
}

// scopeOf returns the project the request scopes its token to ("" for the domain), or why
// it cannot (an unknown project, another domain).
func (s *iamService) scopeOf(sc *tokenScope) (string, string) {
	switch {
	case sc == nil || sc.Project == nil && sc.Domain == nil:
		return "", ""
	case sc.Project == nil:
		if !s.isDomain(sc.Domain) {
			return "", "the scope's domain is not the user's"
		}
		return "", ""
	}
	p := sc.Project
	if !s.isDomain(p.Domain) {
		return "", "the scope's project domain is not the user's, " + quote.Value(s.domain)
	}
	if p.ID != nil {
		if _, known := s.store.ProjectName(*p.ID); !known {
			return "", fmt.Sprintf("no project has the ID %s in domain %s", quote.Value(*p.ID), quote.Value(s.domain))
		}
		return *p.ID, ""
	}
	id, ok := s.store.projectNamed(*p.Name)
	if !ok {
		return "", fmt.Sprintf("no project is named %s in domain %s", quote.Value(*p.Name), quote.Value(s.domain))
	}
	return id, ""
}

// The token's body, as the page's example has it.
type (
	tokenBody struct {
		Token tokenInfo `json:"token"`
	}
	tokenInfo struct {
		Methods   []string       `json:"methods"`
		ExpiresAt string         `json:"expires_at"`
		IssuedAt  string         `json:"issued_at"`
		User      tokenUser      `json:"user"`
		Project   *tokenProject  `json:"project,omitempty"`
		Domain    *ref           `json:"domain,omitempty"`
		Catalog   []catalogEntry `json:"catalog,omitempty"`
		Roles     []ref          `json:"roles"`
	}
	tokenUser struct {
		Domain            ref    `json:"domain"`
		ID                string `json:"id"`
		Name              string `json:"name"`
		PasswordExpiresAt string `json:"password_expires_at"`
	}
	tokenProject struct {
		Domain ref    `json:"domain"`
		ID     string `json:"id"`
		Name   string `json:"name"`
	}
	ref struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	catalogEntry struct {
		Type      string            `json:"type"`
		ID        string            `json:"id"`
		Name      string            `json:"name"`
		Endpoints []catalogEndpoint `json:"endpoints"`
	}
	catalogEndpoint struct {
		URL       string `json:"url"`
		Region    string `json:"region"`
		RegionID  string `json:"region_id"`
		Interface string `json:"interface"`
		ID        string `json:"id"`
	}
)

// issue answers POST /v3/auth/tokens: 201 with the token in X-Subject-Token and its body, 400
// for a body it cannot read, 401 for a wrong user, password or domain (Keystone's message,
// which says no more) and for a scope it cannot grant.
func (s *iamService) issue(w http.ResponseWriter, r *http.Request) {
	a, err := readTokenRequest(r)
	if errors.Is(err, errBodyTooLarge) {
		s.refused(w, r, http.StatusRequestEntityTooLarge, err.Error())
		writeTooLarge(w)
		return
	}
	if err != nil {
		s.refused(w, r, http.StatusBadRequest, err.Error())
		writeIAMError(w, http.StatusBadRequest, msgBadRequest+": "+err.Error())
		return
	}
	if ok, why := s.signsIn(a.Identity.Password.User); !ok {
		s.refused(w, r, http.StatusUnauthorized, why)
		writeIAMError(w, http.StatusUnauthorized, msgWrongPassword)
		return
	}
	projectID, why := s.scopeOf(a.Scope)
	if why != "" {
		// 401, as Keystone answers a scope it cannot grant (a project it does not find is an
		// authentication failure to it, not a missing resource).
		s.refused(w, r, http.StatusUnauthorized, why)
		writeIAMError(w, http.StatusUnauthorized, msgNeedsAuth+": "+why)
		return
	}
	now := s.creds.clock().UTC()
	expires := now.Add(s.ttl).Truncate(time.Microsecond) // exactly the instant expires_at says
	token := newToken()
	s.creds.issued.add(sha256.Sum256([]byte(token)), issuedToken{projectID: projectID, expires: expires}, now)

	base := baseURL(r)
	dom := ref{ID: s.domainID, Name: s.domain}
	body := tokenInfo{
		Methods:   []string{"password"},
		ExpiresAt: expires.Format(iamTimeLayout),
		IssuedAt:  now.Format(iamTimeLayout),
		User:      tokenUser{Domain: dom, ID: s.userID, Name: s.user, PasswordExpiresAt: s.passwordExpires()},
		Roles:     []ref{{ID: hexID("role", "te_admin"), Name: "te_admin"}},
	}
	catalog := []catalogEntry{{Type: "identity", ID: hexID("service", "iam"), Name: "iam", Endpoints: []catalogEndpoint{
		{URL: base + IAMPath, Region: "*", RegionID: "*", Interface: "public", ID: hexID("endpoint", "iam")},
	}}}
	if projectID != "" {
		name, _ := s.store.ProjectName(projectID)
		body.Project = &tokenProject{Domain: dom, ID: projectID, Name: name}
		region := regionOf(name)
		catalog = append(catalog, catalogEntry{Type: "css", ID: hexID("service", "css"), Name: "css", Endpoints: []catalogEndpoint{
			{URL: base + "/v1.0/" + url.PathEscape(projectID), Region: region, RegionID: region, Interface: "public", ID: hexID("endpoint", "css\x00"+projectID)},
		}})
	} else {
		body.Domain = &dom
	}
	if r.URL.Query().Get("nocatalog") == "" {
		body.Catalog = catalog
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "IAM token issued",
		slog.String("request_id", w.Header().Get(csserr.HeaderRequestID)), slog.String("user", quote.Value(s.user)),
		slog.String("project", quote.Value(projectID)), slog.String("expires_at", body.ExpiresAt))
	w.Header().Set("X-Subject-Token", token)
	writeIAMJSON(w, http.StatusCreated, tokenBody{Token: body})
}

// regionOf is the region of a project by its name, as Open Telekom Cloud names projects (a
// region, or a region, "_" and a subproject): serviceRegion for any other name.
func regionOf(name string) string {
	if region := ids.ProjectRegion(name); region != "" {
		return region
	}
	return serviceRegion
}

// The project list's body, as the page documents it.
type (
	projectsBody struct {
		Links    listLinks      `json:"links"`
		Projects []projectEntry `json:"projects"`
	}
	listLinks struct {
		Self     string  `json:"self"`
		Previous *string `json:"previous"`
		Next     *string `json:"next"`
	}
	projectEntry struct {
		IsDomain    bool     `json:"is_domain"`
		Description string   `json:"description"`
		Links       selfLink `json:"links"`
		Enabled     bool     `json:"enabled"`
		ID          string   `json:"id"`
		ParentID    string   `json:"parent_id"`
		DomainID    string   `json:"domain_id"`
		Name        string   `json:"name"`
	}
	selfLink struct {
		Self string `json:"self"`
	}
)

// maxPerPage is the largest per_page of the project list (the page's range: 1-5000).
const maxPerPage = 5000

// projectQuery is what the project list's query asks for.
type projectQuery struct {
	params        url.Values // the parameters taken, for the links
	name          *string
	domainID      *string
	parentID      *string
	enabled       *bool
	isDomain      *bool
	page, perPage int // 0 for all on one page
}

// parseProjectQuery reads the query of GET /v3/projects: each parameter the page lists at
// most once, booleans true or false, page and per_page together; others are ignored, as
// Keystone ignores them.
func parseProjectQuery(raw string) (*projectQuery, error) {
	values, err := url.ParseQuery(raw)
	if err != nil {
		return nil, bad("the query does not parse: %s", quote.Line(err.Error(), quote.Max))
	}
	q := &projectQuery{params: url.Values{}}
	one := func(name string) (*string, error) {
		vs, ok := values[name]
		switch {
		case !ok:
			return nil, nil
		case len(vs) > 1:
			return nil, bad("query parameter %s appears %d times, at most once allowed", quote.Value(name), len(vs))
		}
		q.params.Set(name, vs[0])
		return &vs[0], nil
	}
	boolean := func(name string) (*bool, error) {
		v, err := one(name)
		if v == nil || err != nil {
			return nil, err
		}
		b := *v == "true"
		if !b && *v != "false" {
			return nil, bad("query parameter %s: %s is not true or false", quote.Value(name), quote.Value(*v))
		}
		return &b, nil
	}
	number := func(name string, hi int) (int, error) {
		v, err := one(name)
		if v == nil || err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(*v)
		if err != nil || n < 1 || n > hi {
			return 0, bad("query parameter %s: %s is not a whole number from 1 to %d", quote.Value(name), quote.Value(*v), hi)
		}
		return n, nil
	}
	if q.name, err = one("name"); err != nil {
		return nil, err
	}
	if q.domainID, err = one("domain_id"); err != nil {
		return nil, err
	}
	if q.parentID, err = one("parent_id"); err != nil {
		return nil, err
	}
	if q.enabled, err = boolean("enabled"); err != nil {
		return nil, err
	}
	if q.isDomain, err = boolean("is_domain"); err != nil {
		return nil, err
	}
	if q.page, err = number("page", 1<<30); err != nil {
		return nil, err
	}
	if q.perPage, err = number("per_page", maxPerPage); err != nil {
		return nil, err
	}
	if (q.page == 0) != (q.perPage == 0) {
		return nil, bad("query parameters \"page\" and \"per_page\" go together: give both or neither")
	}
	return q, nil
}

// projects answers GET /v3/projects: the projects the emulator knows (see Store.ProjectName)
// that match the query, all of them in the IAM user's domain, enabled, each its own region's
// project (parent_id the domain, as OTC's region projects have it).
func (s *iamService) projects(w http.ResponseWriter, r *http.Request) {
	// The gateway's check: a token the IAM issued (of any scope, as IAM takes a domain- or a
	// project-scoped token, and the path names no project) or of WithToken, or a signature.
	_, why, verifyErr := s.creds.check(r)
	switch {
	case why != "" && isTooLarge(verifyErr):
		writeTooLarge(w)
		return
	case why != "":
		s.refused(w, r, http.StatusUnauthorized, why)
		writeIAMError(w, http.StatusUnauthorized, msgNeedsAuth+": "+why)
		return
	}
	q, err := parseProjectQuery(r.URL.RawQuery)
	if err != nil {
		s.refused(w, r, http.StatusBadRequest, err.Error())
		writeIAMError(w, http.StatusBadRequest, msgBadRequest+": "+err.Error())
		return
	}
	base := baseURL(r)
	var matched []projectEntry
	for _, p := range s.store.iamProjects() {
		e := projectEntry{Links: selfLink{Self: base + iamProjectsPath + "/" + url.PathEscape(p.ID)}, Enabled: true,
			ID: p.ID, ParentID: s.domainID, DomainID: s.domainID, Name: p.Name}
		if q.name != nil && *q.name != e.Name || q.domainID != nil && *q.domainID != e.DomainID ||
			q.parentID != nil && *q.parentID != e.ParentID || q.enabled != nil && *q.enabled != e.Enabled ||
			q.isDomain != nil && *q.isDomain != e.IsDomain {
			continue
		}
		matched = append(matched, e)
	}
	list := projectsBody{Links: listLinks{Self: pageLink(base, q.params, q.page)}, Projects: []projectEntry{}}
	if q.perPage == 0 {
		list.Projects = append(list.Projects, matched...)
	} else {
		start := min((q.page-1)*q.perPage, len(matched))
		end := min(start+q.perPage, len(matched))
		list.Projects = append(list.Projects, matched[start:end]...)
		if q.page > 1 {
			prev := pageLink(base, q.params, q.page-1)
			list.Links.Previous = &prev
		}
		if end < len(matched) {
			next := pageLink(base, q.params, q.page+1)
			list.Links.Next = &next
		}
	}
	writeIAMJSON(w, http.StatusOK, list)
}

// pageLink is the URL of the project list with the query's parameters and page (0: none).
func pageLink(base string, params url.Values, page int) string {
	link := base + iamProjectsPath
	if page > 0 {
		params = maps.Clone(params) // Set replaces the slice of a key, so a shallow copy will do
		params.Set("page", strconv.Itoa(page))
	}
	if len(params) > 0 {
		link += "?" + params.Encode()
	}
	return link
}
