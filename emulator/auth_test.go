package emulator_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/cssvpcep/cssvpcep/signer"
)

func TestEmulator_token(t *testing.T) {
	f := setup(t, emulator.WithToken(testToken), emulator.WithToken("second-token"))
	tests := []struct {
		name   string
		header http.Header
		want   string // in the 401 message; "" for 200
	}{
		{"missing", nil, "no credentials: send an X-Auth-Token header"},
		{"empty", http.Header{"X-Auth-Token": {""}}, "no credentials"},
		{"wrong", http.Header{"X-Auth-Token": {"tok-wrong"}}, "the X-Auth-Token is not valid"},
		{"a prefix of the right one", http.Header{"X-Auth-Token": {testToken[:5]}}, "the X-Auth-Token is not valid"},
		{"AK/SK, which is off", http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=x"}}, "AK/SK authentication is off; send an X-Auth-Token header"},
		{"right", http.Header{"X-Auth-Token": {testToken}}, ""},
		{"the second one", http.Header{"X-Auth-Token": {"second-token"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, f.lax, f.URL, defaultPath, tt.header)
			if tt.want == "" {
				if r.status != http.StatusOK {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				return
			}
			b := checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: ", tt.want)
			if b.RequestID != r.header.Get("X-Request-Id") {
				t.Errorf("request_id %q, X-Request-Id %q", b.RequestID, r.header.Get("X-Request-Id"))
			}
			if strings.Contains(string(r.body), testToken) {
				t.Errorf("the body quotes the token: %s", r.body)
			}
		})
	}

	// Both clients, with the right token and a wrong one.
	gen := f.generated(t, api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("X-Auth-Token", testToken)
		return nil
	}))
	resp, err := gen.ShowVpcepConnectionWithResponse(context.Background(), f.ProjectID, emulator.DefaultClusterID, nil)
	if err != nil || resp.JSON200 == nil {
		t.Fatalf("generated client: %v %d %s", err, resp.StatusCode(), resp.Body)
	}
	if _, err := f.ours(t, client.WithToken(testToken)).ListConnections(context.Background(), emulator.DefaultClusterID, nil); err != nil {
		t.Errorf("our client: %v", err)
	}
	_, err = f.ours(t, client.WithToken("tok-wrong")).ListConnections(context.Background(), emulator.DefaultClusterID, nil)
	if !client.IsUnauthorized(err) || !strings.Contains(err.Error(), "APIGW.0301") {
		t.Errorf("our client, wrong token: %v", err)
	}
}

func TestEmulator_accessKey_throughOurClient(t *testing.T) {
	f := setup(t, emulator.WithAccessKey(testAK, testSK))
	ctx := context.Background()
	if _, err := f.ours(t, client.WithAccessKey(testAK, testSK)).ListConnections(ctx, emulator.DefaultClusterID, &client.ListOptions{Offset: 1, Limit: 1}); err != nil {
		t.Errorf("right keys: %v", err)
	}
	for _, tt := range []struct{ name, ak, sk, want string }{
		{"wrong access key", "AKOTHER", testSK, `unknown access key: access key "AKOTHER"`},
		{"wrong secret key", testAK, "sk-wrong", "signature mismatch"},
	} {
		_, err := f.ours(t, client.WithAccessKey(tt.ak, tt.sk)).ListConnections(ctx, emulator.DefaultClusterID, nil)
		if !client.IsUnauthorized(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// signedRequest returns GET url signed with the test keys at when.
func signedRequest(t *testing.T, url string, when time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := signer.NewCredentials(testAK, testSK)
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.Sign(req, creds, when); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestEmulator_accessKey_reasons(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	f := setup(t, emulator.WithAccessKey(testAK, testSK), emulator.WithClock(fixedClock(now)))
	url := f.URL + defaultPath + "?limit=2"
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		want   string
	}{
		{"right", func() *http.Request { return signedRequest(t, url, now) }, 200, ""},
		{"14 minutes behind", func() *http.Request { return signedRequest(t, url, now.Add(-14*time.Minute)) }, 200, ""},
		{"16 minutes behind", func() *http.Request { return signedRequest(t, url, now.Add(-16*time.Minute)) }, 401,
			"AK/SK signature rejected: X-Sdk-Date outside the allowed clock skew: 20250304T045007Z is 16m0s behind the server's clock (allowed: 15m0s)"},
		{"16 minutes ahead", func() *http.Request { return signedRequest(t, url, now.Add(16*time.Minute)) }, 401, "16m0s ahead of the server's clock"},
		{"x-sdk-date not signed", func() *http.Request {
			r := signedRequest(t, url, now)
			r.Header.Set("Accept", "application/json")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=x-sdk-date", "SignedHeaders=accept", 1))
			return r
		}, 401, "AK/SK signature rejected: X-Sdk-Date is not signed: x-sdk-date is not in SignedHeaders"},
		{"no x-sdk-date", func() *http.Request {
			r := signedRequest(t, url, now)
			r.Header.Del("X-Sdk-Date")
			return r
		}, 401, "missing X-Sdk-Date header"},
		{"wrong signature", func() *http.Request {
			r := signedRequest(t, url, now)
			r.URL.RawQuery = "limit=3" // signed for limit=2
			return r
		}, 401, "signature mismatch"},
		{"not SDK-HMAC-SHA256", func() *http.Request {
			r := signedRequest(t, url, now)
			r.Header.Set("Authorization", "Bearer abc")
			return r
		}, 401, "malformed Authorization header"},
		{"token, which is off", func() *http.Request {
			r := signedRequest(t, url, now)
			r.Header.Del("Authorization")
			r.Header.Set("X-Auth-Token", testToken)
			return r
		}, 401, "token authentication is off; send an AK/SK signature (SDK-HMAC-SHA256)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := f.lax.Do(tt.req())
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(resp.Body); err != nil {
				t.Fatal(err)
			}
			r := response{status: resp.StatusCode, header: resp.Header, body: buf.Bytes()}
			if tt.status == http.StatusOK {
				if r.status != http.StatusOK {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				return
			}
			checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: ", tt.want)
			if bytes.Contains(r.body, []byte(testSK)) {
				t.Errorf("the body quotes the secret key: %s", r.body)
			}
		})
	}
}

// The vectors published with the official Huawei Cloud Go SDK (huaweicloud-sdk-go-v3,
// core/auth/signer/signer_test.go), sent as the SDK sends them, pass authentication: with the
// emulator's clock at the vectors' date, the paths (which are no operation of the spec) reach
// package contract, which answers 404; a wrong signature stops at 401.
func TestEmulator_accessKey_publishedSDKVectors(t *testing.T) {
	vectorTime := time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
	f := setup(t, emulator.WithAccessKey("AccessKey", "SecretKey"), emulator.WithClock(fixedClock(vectorTime)))
	tests := []struct {
		name, method, target, body, signature string
		header                                http.Header
	}{
		{name: "GET", method: http.MethodGet, target: "/path?limit=1",
			signature: "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{name: "POST", method: http.MethodPost, target: "/path?key=value", body: "{\"Name\":\"test\",\"Id\":1}\n",
			header:    http.Header{"Content-Type": {"application/json"}},
			signature: "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
	}
	for _, tt := range tests {
		for _, tamper := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s tampered=%v", tt.name, tamper), func(t *testing.T) {
				req, err := http.NewRequestWithContext(context.Background(), tt.method, f.URL+tt.target, strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Host = "example.huaweicloud.com"
				for k, vs := range tt.header {
					req.Header[k] = vs
				}
				sig := tt.signature
				if tamper {
					sig = strings.Repeat("0", 64)
				}
				req.Header.Set("X-Sdk-Date", "20060102T150405Z")
				req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature="+sig)
				resp, err := f.lax.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var buf bytes.Buffer
				if _, err := buf.ReadFrom(resp.Body); err != nil {
					t.Fatal(err)
				}
				r := response{status: resp.StatusCode, header: resp.Header, body: buf.Bytes()}
				if tamper {
					checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "signature mismatch")
					return
				}
				checkError(t, r, http.StatusNotFound, "CSS.0016", "no operation of the spec matches")
			})
		}
	}
}

func TestEmulator_tokenAndAccessKeyTogether(t *testing.T) {
	now := time.Now()
	f := setup(t, emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK), emulator.WithClock(fixedClock(now)))
	url := f.URL + defaultPath
	ok := func(name string, req *http.Request) {
		t.Helper()
		resp, err := f.lax.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
	}
	tokenOnly, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	tokenOnly.Header.Set("X-Auth-Token", testToken)
	ok("token", tokenOnly)
	ok("AK/SK", signedRequest(t, url, now))
	wrongToken := signedRequest(t, url, now)
	wrongToken.Header.Set("X-Auth-Token", "tok-wrong") // not signed: the signature still holds
	ok("wrong token, right signature", wrongToken)

	r := get(t, f.lax, f.URL, defaultPath, nil)
	checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "no credentials: send an X-Auth-Token header or an AK/SK signature (SDK-HMAC-SHA256)")
	r = get(t, f.lax, f.URL, defaultPath, http.Header{"X-Auth-Token": {"tok-wrong"}, "Authorization": {"SDK-HMAC-SHA256 Access=" + testAK}})
	checkError(t, r, http.StatusUnauthorized, "APIGW.0301", "the X-Auth-Token is not valid; AK/SK signature rejected: malformed Authorization header")

	// Our client, either way.
	if _, err := f.ours(t, client.WithToken(testToken)).ListConnections(context.Background(), emulator.DefaultClusterID, nil); err != nil {
		t.Errorf("our client, token: %v", err)
	}
}

func TestEmulator_secretsAreNeverPrinted(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := setup(t, emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK), emulator.WithLogger(logger))
	e := f.Emulator

	// Traffic that fails and succeeds, so that everything is logged once.
	get(t, f.lax, f.URL, defaultPath, http.Header{"X-Auth-Token": {testToken}})
	get(t, f.lax, f.URL, defaultPath, http.Header{"X-Auth-Token": {testToken + "x"}})
	get(t, f.lax, f.URL, defaultPath+"?limit=0", http.Header{"X-Auth-Token": {testToken}})
	logger.Info("emulator", "e", e)

	var printed strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		fmt.Fprintf(&printed, verb+"\n", e)
	}
	for _, out := range []string{printed.String(), logs.String(), e.String()} {
		for _, s := range []string{testToken, testSK} {
			if strings.Contains(out, s) {
				t.Errorf("a secret is printed:\n%s", out)
			}
		}
	}
	if !strings.Contains(e.String(), "Auth:token(1)+AK/SK("+testAK+")") {
		t.Errorf("String %s", e)
	}
	if !strings.Contains(logs.String(), "authentication failed") || !strings.Contains(logs.String(), `"request_id"`) {
		t.Errorf("logs:\n%s", logs.String())
	}

	// Options that refuse a value do not quote it either.
	_, err := emulator.New(emulator.WithToken(testToken+"\n"), emulator.WithAccessKey("", testSK), emulator.WithAccessKey(testAK, ""))
	if err == nil || strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), testSK) {
		t.Errorf("New: %v", err)
	}
}
