package emulator_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/cssvpcep/cssvpcep/signer"
)

// The emulator's answers to hostile requests, surface by surface: each row is one request and
// the exact outcome, status and error code, a fragment of the message that names what was
// wrong, and an X-Request-Id on the answer. SECURITY.md lists these tables.

// hostileNow is the emulator's clock for these tests: a whole second, as X-Sdk-Date has no
// fraction, so that the 15-minute bounds are exact.
var hostileNow = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// hostileRow is a request and what the emulator must answer.
type hostileRow struct {
	name   string
	method string      // GET when empty
	target string      // path and query; defaultPath when empty
	header http.Header // X-Auth-Token: testToken when nil; http.Header{} for none
	edit   func(t *testing.T, r *http.Request)
	status int
	code   string   // the error code; empty for 200
	want   []string // fragments of the error message
}

// hostileServer is an emulator with both kinds of authentication on and the fixed clock.
func hostileServer(t *testing.T) *fixture {
	t.Helper()
	return setup(t, emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK),
		emulator.WithClock(fixedClock(hostileNow)), emulator.WithSynthetic("p", "c", 3))
}

// runHostile sends every row to f through an HTTP client that does not validate (some rows
// break the spec on purpose, and so does net/http's own 431), and checks the answers: bodies
// against the spec's schemas, a request ID on every one, no secret in any.
func runHostile(t *testing.T, f *fixture, rows []hostileRow) {
	t.Helper()
	hc := f.Client()
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			method, target, header := tt.method, tt.target, tt.header
			if method == "" {
				method = http.MethodGet
			}
			if target == "" {
				target = defaultPath
			}
			if header == nil {
				header = http.Header{"X-Auth-Token": {testToken}}
			}
			req, err := http.NewRequestWithContext(context.Background(), method, f.URL+target, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, vs := range header {
				req.Header[k] = vs
			}
			if tt.edit != nil {
				tt.edit(t, req)
			}
			r := send(t, hc, req)
			for _, s := range []string{testToken, testSK} {
				if strings.Contains(string(r.body), s) {
					t.Errorf("the answer quotes a secret: %s", r.body)
				}
			}
			switch {
			case tt.status == http.StatusOK:
				if r.status != http.StatusOK {
					t.Fatalf("status %d, want 200; body %s", r.status, r.body)
				}
				decodeList(t, r.body)
				checkRequestID(t, r.header)
			case method == http.MethodHead: // the status and headers of a GET's answer, no body
				if r.status != tt.status || len(r.body) != 0 {
					t.Errorf("status %d, body %q; want %d and no body", r.status, r.body, tt.status)
				}
				checkRequestID(t, r.header)
			default:
				b := checkError(t, r, tt.status, tt.code, tt.want...)
				if b.ErrorCode != "" && b.RequestID != r.header.Get("X-Request-Id") {
					t.Errorf("request_id %q, X-Request-Id %q", b.RequestID, r.header.Get("X-Request-Id"))
				}
			}
			if want := strings.Join(specMethods(t, connectionsTemplate), ", "); tt.status == http.StatusMethodNotAllowed && r.header.Get("Allow") != want {
				t.Errorf("Allow %q, want %q", r.header.Get("Allow"), want)
			}
		})
	}
}

// send sends req through hc and reads the whole answer.
func send(t *testing.T, hc *http.Client, req *http.Request) response {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func TestEmulator_hostileQuery(t *testing.T) {
	f := hostileServer(t)
	p := connectionsPath("p", "c")
	bad := func(query, name, why string) hostileRow {
		return hostileRow{name: query, target: p + "?" + query, status: http.StatusBadRequest, code: "CSS.0001",
			want: []string{fmt.Sprintf("Incorrect parameters: query parameter %q: %s", name, why)}}
	}
	ok := func(query string) hostileRow {
		return hostileRow{name: query, target: p + "?" + query, status: http.StatusOK}
	}
	runHostile(t, f, []hostileRow{
		bad("offset=abc", "offset", "value is an invalid integer"),
		bad("limit=1.5", "limit", "value is an invalid integer"),
		bad("limit=1e3", "limit", "value is an invalid integer"),
		bad("limit=0x10", "limit", "value is an invalid integer"),
		bad("limit=+5", "limit", "value is an invalid integer"),
		bad("limit=%20", "limit", "value is an invalid integer"),
		bad("limit=5%00", "limit", "value is an invalid integer"),
		bad("limit=%FF", "limit", "value is an invalid integer"),
		bad("limit=", "limit", ""),
		bad("limit=2147483648", "limit", "value is an invalid integer (out of range)"),
		bad("limit=99999999999999999999", "limit", "value is an invalid integer (out of range)"),
		bad("limit=-1", "limit", "number must be at least 1"),
		bad("limit=0", "limit", "number must be at least 1"),
		bad("limit=1001", "limit", "number must be at most 1000"),
		bad("offset=-1", "offset", "number must be at least 0"),
		bad("offset=1001", "offset", "number must be at most 1000"),
		bad("limit=1&limit=2", "limit", "appears 2 times, at most once allowed"),
		bad("offset=0&offset=0", "offset", "appears 2 times, at most once allowed"),
		bad("limit=1&limit=", "limit", "appears 2 times, at most once allowed"),
		// Pairs url.ParseQuery drops, which used to give the default page.
		bad("limit=%zz", "limit", `invalid URL escape "%zz"`),
		bad("limit=1;offset=2", "limit", `holds ";", which does not separate query parameters; use "&"`),
		bad("%zz=1", "%zz", `invalid URL escape "%zz"`),
		// Names are case-sensitive, and other parameters are ignored, as by CSS.
		ok("Limit=abc"),
		ok("foo=bar&offset=1"),
		ok("limit=05"),
		ok("offset=-0"),
	})
}

func TestEmulator_hostileHeaders(t *testing.T) {
	f := hostileServer(t)
	big := func(n int) string { return strings.Repeat("b", n) }
	runHostile(t, f, []hostileRow{
		// net/http's limit is http.DefaultMaxHeaderBytes (1 MiB) plus 4 KiB of slack, for all
		// the header lines together: a 1 MiB header fits.
		{name: "a 1 MiB header", header: http.Header{"X-Auth-Token": {testToken}, "X-Big": {big(1 << 20)}}, status: http.StatusOK},
		{name: "a 1 MiB X-Auth-Token", header: http.Header{"X-Auth-Token": {big(1 << 20)}},
			status: http.StatusUnauthorized, code: "APIGW.0301", want: []string{"the X-Auth-Token is not valid"}},
		{name: "two X-Auth-Tokens, the right one first", header: http.Header{"X-Auth-Token": {testToken, "tok-wrong"}}, status: http.StatusOK},
		{name: "two X-Auth-Tokens, the right one second", header: http.Header{"X-Auth-Token": {"tok-wrong", testToken}},
			status: http.StatusUnauthorized, code: "APIGW.0301", want: []string{"the X-Auth-Token is not valid"}},
		{name: "two Authorization headers", header: http.Header{"Authorization": {"a", "b"}},
			status: http.StatusUnauthorized, code: "APIGW.0301", want: []string{"malformed Authorization header: 2 Authorization headers"}},
	})

	// Past the limit, net/http answers itself, before any layer of the emulator: 431 in plain
	// text, without an X-Request-Id.
	for _, n := range []int{1<<20 + 8<<10, 2 << 20} {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, f.URL+defaultPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", testToken)
		req.Header.Set("X-Big", big(n))
		r := send(t, f.Client(), req)
		if r.status != http.StatusRequestHeaderFieldsTooLarge || string(r.body) != "431 Request Header Fields Too Large" ||
			r.header.Get("X-Request-Id") != "" {
			t.Errorf("a header of %d bytes: %d %v %q", n, r.status, r.header, r.body)
		}
	}
}

func TestEmulator_hostileMethods(t *testing.T) {
	f := hostileServer(t)
	var rows []hostileRow
	allowed := specMethods(t, connectionsTemplate)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions,
		http.MethodTrace, http.MethodConnect, "PROPFIND", "get"} {
		if slices.Contains(allowed, m) {
			continue // an operation of the spec, not a hostile method
		}
		rows = append(rows, hostileRow{name: m, method: m, status: http.StatusMethodNotAllowed, code: "CSS.0004",
			want: []string{"Invalid operation: method " + m + " is not allowed on " + defaultPath + " (allowed: " + strings.Join(allowed, ", ") + ")"}})
	}
	rows = append(rows,
		hostileRow{name: "HEAD", method: http.MethodHead, status: http.StatusMethodNotAllowed},
		// POST is UpdateVpcepConnection, which takes a body.
		hostileRow{name: "POST without a body", method: http.MethodPost, status: http.StatusBadRequest, code: "CSS.0001",
			want: []string{"Incorrect parameters: body: value is required but missing"}},
		// Authentication comes first: a wrong method without credentials is a 401.
		hostileRow{name: "POST without credentials", method: http.MethodPost, header: http.Header{},
			status: http.StatusUnauthorized, code: "APIGW.0301", want: []string{"no credentials"}},
	)
	runHostile(t, f, rows)
}

func TestEmulator_hostilePaths(t *testing.T) {
	f := hostileServer(t)
	noOp := func(path string) hostileRow {
		return hostileRow{name: path, target: path, status: http.StatusNotFound, code: "CSS.0016",
			want: []string{"Resource not found: no operation of the spec matches GET " + path}}
	}
	noCluster := func(name, target, detail string) hostileRow {
		return hostileRow{name: name, target: target, status: http.StatusNotFound, code: "CSS.3027",
			want: []string{"The cluster does not exist: " + detail}}
	}
	long := strings.Repeat("a", 10<<10)
	runHostile(t, f, []hostileRow{
		noOp("/"),
		noOp("/v1.0"),
		noOp("/v1.0/"),
		noOp("/v2.0/p/clusters/c/vpcepservice/connections"),
		noOp("/V1.0/p/clusters/c/vpcepservice/connections"),
		noOp(defaultPath + "/x"),
		noOp("/v1.0/p/clusters/../c/vpcepservice/connections"),
		{name: "a trailing slash", target: defaultPath + "/", status: http.StatusNotFound, code: "CSS.0016",
			want: []string{"Resource not found: no operation matches GET " + defaultPath + "/"}},
		{name: "an empty project", target: "/v1.0//clusters/c/vpcepservice/connections", status: http.StatusBadRequest, code: "CSS.0001",
			want: []string{`path parameter "project_id": value is required but missing`}},
		{name: "an escaped dot-dot", target: connectionsPath("p", "%2e%2e"), status: http.StatusBadRequest, code: "CSS.0001",
			want: []string{`path parameter "cluster_id": ".." is a dot segment`}},
		{name: "an escaped dot", target: connectionsPath("p", "%2E"), status: http.StatusBadRequest, code: "CSS.0001",
			want: []string{`path parameter "cluster_id": "." is a dot segment`}},
		noCluster("an escaped slash", connectionsPath("p", "a%2Fb"), `project "p" has no cluster "a/b"`),
		noCluster("an escaped question mark", connectionsPath("p", "a%3Fb"), `project "p" has no cluster "a?b"`),
		noCluster("an escaped hash", connectionsPath("p", "a%23b"), `project "p" has no cluster "a#b"`),
		noCluster("NUL", connectionsPath("p", "a%00b"), `project "p" has no cluster "a\x00b"`),
		noCluster("a line break", connectionsPath("p", "a%0Ab"), `project "p" has no cluster "a\nb"`),
		noCluster("unicode", connectionsPath("p", "%C3%BC-%E6%9D%B1"), `project "p" has no cluster "ü-東"`),
		// The message quotes 64 bytes of it, not 10 kB.
		noCluster("a 10 kB project ID", connectionsPath(long, "c"), `project "`+long[:64]+`"… has no clusters`),
	})
}

func TestEmulator_hostileAuth(t *testing.T) {
	f := hostileServer(t)
	creds, err := signer.NewCredentials(testAK, testSK)
	if err != nil {
		t.Fatal(err)
	}
	// sign signs the request at hostileNow+skew with the test keys, after setting X-Custom.
	sign := func(skew time.Duration, then func(*http.Request)) func(*testing.T, *http.Request) {
		return func(t *testing.T, r *http.Request) {
			t.Helper()
			r.Header.Set("X-Custom", "signed")
			if err := signer.Sign(r, creds, hostileNow.Add(skew)); err != nil {
				t.Fatal(err)
			}
			if then != nil {
				then(r)
			}
		}
	}
	none := http.Header{}
	unauthorized := func(name string, header http.Header, edit func(*testing.T, *http.Request), why string) hostileRow {
		return hostileRow{name: name, header: header, edit: edit, status: http.StatusUnauthorized, code: "APIGW.0301",
			want: []string{"Incorrect IAM authentication information: " + why}}
	}
	authorized := func(name string, header http.Header, edit func(*testing.T, *http.Request)) hostileRow {
		return hostileRow{name: name, header: header, edit: edit, status: http.StatusOK}
	}
	setAuth := func(v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set("Authorization", v) } }
	const rejected = "AK/SK signature rejected: "
	runHostile(t, f, []hostileRow{
		unauthorized("no credentials", none, nil, "no credentials: send an X-Auth-Token header or an AK/SK signature (SDK-HMAC-SHA256)"),
		unauthorized("an empty X-Auth-Token", http.Header{"X-Auth-Token": {""}}, nil, "no credentials"),
		unauthorized("a wrong X-Auth-Token", http.Header{"X-Auth-Token": {"tok-wrong"}}, nil, "the X-Auth-Token is not valid"),
		unauthorized("the token's prefix", http.Header{"X-Auth-Token": {testToken[:len(testToken)-1]}}, nil, "the X-Auth-Token is not valid"),
		unauthorized("the token in another case", http.Header{"X-Auth-Token": {strings.ToUpper(testToken)}}, nil, "the X-Auth-Token is not valid"),
		// HTTP drops the white space around a field value: this is the token.
		authorized("the token with spaces around", http.Header{"X-Auth-Token": {" " + testToken + " "}}, nil),
		unauthorized("an empty Authorization", http.Header{"Authorization": {""}}, nil, rejected+"missing Authorization header"),
		unauthorized("Bearer", http.Header{"Authorization": {"Bearer " + testToken}}, nil, rejected+"malformed Authorization header"),
		unauthorized("the algorithm alone", http.Header{"Authorization": {"SDK-HMAC-SHA256"}}, nil, rejected+"malformed Authorization header"),
		unauthorized("garbled", http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=ü,,, SignedHeaders=;;"}}, nil, rejected+"malformed Authorization header"),
		unauthorized("a signature that is not hex", none, sign(0, setAuth("SDK-HMAC-SHA256 Access="+testAK+", SignedHeaders=x-custom;x-sdk-date, Signature=zz")),
			rejected+"malformed Authorization header"),
		unauthorized("an unknown access key", none, sign(0, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Access="+testAK, "Access=AKOTHER", 1))
		}), rejected+`unknown access key: access key "AKOTHER"`),
		authorized("signed", none, sign(0, nil)),
		// Signed headers and the headers sent.
		unauthorized("a signed header changed after signing", none, sign(0, func(r *http.Request) { r.Header.Set("X-Custom", "changed") }),
			rejected+"signature mismatch"),
		unauthorized("a signed header removed after signing", none, sign(0, func(r *http.Request) { r.Header.Del("X-Custom") }),
			rejected+`signed header missing from the request: "x-custom" is in SignedHeaders but not in the request`),
		unauthorized("SignedHeaders edited to leave out a header", none, sign(0, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-custom;", "", 1))
		}), rejected+"signature mismatch"),
		unauthorized("the query changed after signing", none, sign(0, func(r *http.Request) { r.URL.RawQuery = "limit=1" }),
			rejected+"signature mismatch"),
		// Only the signed headers are covered, as in the SDK: one added later passes, and the
		// Host header, which the SDK does not sign unless it is set explicitly, may change.
		authorized("a header added after signing", none, sign(0, func(r *http.Request) { r.Header.Set("X-Added", "later") })),
		authorized("another Host", none, sign(0, func(r *http.Request) { r.Host = "css.eu-de.otc.t-systems.com" })),
		// X-Sdk-Date: 15 minutes either way, not a second more.
		authorized("X-Sdk-Date 15 minutes ahead", none, sign(15*time.Minute, nil)),
		authorized("X-Sdk-Date 15 minutes behind", none, sign(-15*time.Minute, nil)),
		unauthorized("X-Sdk-Date 15 minutes and a second ahead", none, sign(15*time.Minute+time.Second, nil),
			rejected+"X-Sdk-Date outside the allowed clock skew: 20250304T052108Z is 15m1s ahead of the server's clock (allowed: 15m0s)"),
		unauthorized("X-Sdk-Date 15 minutes and a second behind", none, sign(-15*time.Minute-time.Second, nil),
			rejected+"X-Sdk-Date outside the allowed clock skew: 20250304T045106Z is 15m1s behind the server's clock (allowed: 15m0s)"),
		unauthorized("X-Sdk-Date a century ahead", none, sign(100*365*24*time.Hour, nil), rejected+"X-Sdk-Date outside the allowed clock skew"),
		unauthorized("X-Sdk-Date removed", none, sign(0, func(r *http.Request) { r.Header.Del("X-Sdk-Date") }), rejected+"missing X-Sdk-Date header"),
		unauthorized("X-Sdk-Date not a date", none, sign(0, func(r *http.Request) { r.Header.Set("X-Sdk-Date", "yesterday") }),
			rejected+"bad X-Sdk-Date"),
		unauthorized("X-Sdk-Date not signed", none, sign(0, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-sdk-date", "", 1))
		}), rejected+"X-Sdk-Date is not signed"),
		// Either credential is enough, and a wrong one of the other kind does not matter.
		authorized("the right token and a garbled signature", http.Header{"X-Auth-Token": {testToken}, "Authorization": {"garbage"}}, nil),
		authorized("a wrong token and a right signature", http.Header{"X-Auth-Token": {"tok-wrong"}}, sign(0, nil)),
		unauthorized("a wrong token and a garbled signature", http.Header{"X-Auth-Token": {"tok-wrong"}, "Authorization": {"garbage"}}, nil,
			"the X-Auth-Token is not valid; AK/SK signature rejected: malformed Authorization header"),
	})

	// A signed query that does not parse is refused as it is with a token: the signature covers
	// the query as written, which is not the query the emulator would serve.
	for _, q := range []struct{ query, why string }{
		{"limit=%zz", `query parameter "limit": invalid URL escape "%zz"`},
		{"limit=1;offset=2", `query parameter "limit": holds ";"`},
	} {
		runHostile(t, f, []hostileRow{{name: "signed, " + q.query, target: defaultPath + "?" + q.query, header: none, edit: sign(0, nil),
			status: http.StatusBadRequest, code: "CSS.0001", want: []string{"Incorrect parameters: " + q.why}}})
	}

	// A signed request can be sent again while its X-Sdk-Date is within the skew: there is no
	// nonce, as with the API Gateway.
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, f.URL+defaultPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	sign(0, nil)(t, req)
	for i := range 2 {
		if r := send(t, f.Client(), req.Clone(context.Background())); r.status != http.StatusOK {
			t.Errorf("replay %d: status %d", i, r.status)
		}
	}
}

// OPTIONS * used to get net/http's own 200, without authentication or X-Request-Id. It goes
// through the layers: 401 without credentials, else 400 in the CSS shape, as a request the spec
// has no path for.
func TestEmulator_hostileRequestTarget(t *testing.T) {
	f := hostileServer(t)
	asterisk := func(_ *testing.T, r *http.Request) { r.URL.Path, r.URL.Opaque = "", "*" }
	runHostile(t, f, []hostileRow{
		{name: "OPTIONS *", method: http.MethodOptions, edit: asterisk, status: http.StatusBadRequest, code: "CSS.0001",
			want: []string{`Incorrect parameters: the request target "*" is not a path`}},
		{name: "OPTIONS * without credentials", method: http.MethodOptions, header: http.Header{}, edit: asterisk,
			status: http.StatusUnauthorized, code: "APIGW.0301", want: []string{"no credentials"}},
	})
}

// Every value of a request that an answer or a log record quotes is bounded: at most 64 bytes
// of an access key, an X-Sdk-Date, a SignedHeaders name, a parameter name of the Authorization
// header or a method, 256 of a path. A 500 kB header used to come back whole, in the 401 and
// in the log.
func TestEmulator_hostileLongValues(t *testing.T) {
	var (
		mu   sync.Mutex
		logs bytes.Buffer
	)
	logger := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	f := setup(t, emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK),
		emulator.WithClock(fixedClock(hostileNow)), emulator.WithLogger(logger))
	upper, lower := strings.Repeat("K", 500<<10), strings.Repeat("k", 500<<10)
	date := hostileNow.Format(signer.DateLayout)
	auth := func(params string) http.Header {
		return http.Header{"Authorization": {"SDK-HMAC-SHA256 " + params}, "X-Sdk-Date": {date}}
	}
	zeros := strings.Repeat("0", 64)
	const rejected = "Incorrect IAM authentication information: AK/SK signature rejected: "
	tests := []struct {
		name, method, target string
		header               http.Header
		body                 string
		status               int
		code, want           string
	}{
		{name: "an unknown access key", header: auth("Access=" + upper + ", SignedHeaders=x-sdk-date, Signature=" + zeros),
			status: http.StatusUnauthorized, code: "APIGW.0301", want: rejected + `unknown access key: access key "` + upper[:64] + `"…`},
		{name: "an X-Sdk-Date", header: http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=" + testAK + ", SignedHeaders=x-sdk-date, Signature=" + zeros}, "X-Sdk-Date": {lower}},
			status: http.StatusUnauthorized, code: "APIGW.0301", want: rejected + `bad X-Sdk-Date: "` + lower[:64] + `"… is not in the form 20060102T150405Z`},
		{name: "a SignedHeaders name", header: auth("Access=" + testAK + ", SignedHeaders=" + upper + ", Signature=" + zeros),
			status: http.StatusUnauthorized, code: "APIGW.0301", want: rejected + `malformed Authorization header: SignedHeaders name "` + upper[:64] + `"… is not a lower-case header name`},
		{name: "a signed header the request lacks", header: auth("Access=" + testAK + ", SignedHeaders=x-sdk-date;z" + lower + ", Signature=" + zeros),
			status: http.StatusUnauthorized, code: "APIGW.0301", want: rejected + `signed header missing from the request: "z` + lower[:63] + `"… is in SignedHeaders`},
		{name: "a parameter name", header: auth("Access=" + testAK + ", " + upper + "=1"),
			status: http.StatusUnauthorized, code: "APIGW.0301", want: rejected + `malformed Authorization header: unknown parameter "` + upper[:64] + `"…`},
		{name: "a path", target: "/" + lower[:100<<10], header: http.Header{"X-Auth-Token": {testToken}},
			status: http.StatusNotFound, code: "CSS.0016", want: "Resource not found: no operation of the spec matches GET /" + lower[:255] + "…"},
		{name: "a method", method: upper[:100<<10], header: http.Header{"X-Auth-Token": {testToken}},
			status: http.StatusMethodNotAllowed, code: "CSS.0004", want: "Invalid operation: method " + upper[:64] + "… is not allowed on " + defaultPath},
		{name: "a body key", method: http.MethodPost, target: strings.TrimSuffix(defaultPath, "connections") + "permissions",
			header: http.Header{"X-Auth-Token": {testToken}, "Content-Type": {"application/json"}}, body: `{"vpc_permissions":[],"` + lower[:15000] + `":1}`,
			status: http.StatusBadRequest, code: "CSS.0001", want: `Incorrect parameters: body: property "` + lower[:64] + `"… is unsupported`},
		{name: "a body key, accept/reject", method: http.MethodPost, target: defaultPath,
			header: http.Header{"X-Auth-Token": {testToken}, "Content-Type": {"application/json"}}, body: `{"action":"receive","endpoint_id_list":["f132bb14-e1d5-4f25-9f7c-a29e4c8effd4"],"` + lower[:15000] + `":1}`,
			status: http.StatusBadRequest, code: "CSS.0001", want: `Incorrect parameters: body: property "` + lower[:64] + `"… is unsupported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, target := tt.method, tt.target
			if method == "" {
				method = http.MethodGet
			}
			if target == "" {
				target = defaultPath
			}
			req, err := http.NewRequestWithContext(context.Background(), method, f.URL+target, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.body == "" {
				req.Body = http.NoBody
			}
			req.Header = tt.header
			r := send(t, f.Client(), req)
			checkError(t, r, tt.status, tt.code, tt.want)
			if len(r.body) > 1024 {
				t.Errorf("the answer is %d bytes long", len(r.body))
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for line := range strings.Lines(logs.String()) {
		if len(line) > 2048 {
			t.Errorf("a log record of %d bytes: %.300s…", len(line), line)
		}
	}
}
