package signer_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/signer"
)

// The vectors published with huaweicloud-sdk-go-v3 (core/auth/signer/signer_test.go).
func TestSign_publishedVectors(t *testing.T) {
	vectorTime := time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
	// The SDK's json.Encoder writes its TestBody{Name: "test", Id: 1} with a final newline.
	const jsonBody = "{\"Name\":\"test\",\"Id\":1}\n"
	tests := []struct {
		name, method, url, body string
		header                  http.Header
		want                    string
	}{
		{
			name: "GET", method: http.MethodGet, url: "https://example.huaweicloud.com/path?limit=1",
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
				"Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
		},
		{
			name: "POST", method: http.MethodPost, url: "https://example.huaweicloud.com/path?key=value",
			body:   jsonBody,
			header: http.Header{"Content-Type": {"application/json"}},
			want: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
				"Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			creds, err := signer.NewCredentials("AccessKey", "SecretKey")
			if err != nil {
				t.Fatal(err)
			}
			req := newRequest(t, tt.method, tt.url, tt.body)
			for k, vs := range tt.header {
				req.Header[k] = vs
			}
			req.Header.Set("X-Sdk-Date", "20060102T150405Z")
			// Set as the SDK's test map holds it, not canonicalized.
			req.Header["TEST_UNDERSCORE"] = []string{"TEST_VALUE"}

			if err := signer.Sign(req, creds, vectorTime); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization\n got %s\nwant %s", got, tt.want)
			}
			if got := req.Header.Get("X-Sdk-Date"); got != "20060102T150405Z" {
				t.Errorf("X-Sdk-Date = %q", got)
			}
			if req.Body != nil {
				if got := readAll(t, req.Body); got != tt.body {
					t.Errorf("body after Sign = %q, want %q", got, tt.body)
				}
			}
		})
	}
}

func signedHeadersOf(t *testing.T, req *http.Request) string {
	t.Helper()
	auth := req.Header.Get("Authorization")
	_, rest, ok := strings.Cut(auth, "SignedHeaders=")
	if !ok {
		t.Fatalf("no SignedHeaders in %q", auth)
	}
	list, _, _ := strings.Cut(rest, ",")
	return list
}

func TestSign_choosesHeadersLikeTheSDK(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		host   string
		want   string
	}{
		{
			name: "content-type, underscores and an old Authorization are not signed",
			header: http.Header{
				"Content-Type":         {"application/json"},
				"Content-Type-Options": {"nosniff"}, // the SDK skips names that start with content-type
				"TEST_UNDERSCORE":      {"v"},
				"X-Custom_Name":        {"v"},
				"Authorization":        {"Bearer stale"},
				"X-Project-Id":         {"p1"},
				"User-Agent":           {"cssvpcep-test"},
			},
			want: "user-agent;x-project-id;x-sdk-date",
		},
		{
			name:   "names set in the map without canonicalization are lower-cased and merged",
			header: http.Header{"x-lower": {"a"}, "X-Lower": {"b"}, "X-Upper": {"c"}},
			want:   "x-lower;x-sdk-date;x-upper",
		},
		{
			name:   "a name without values is not sent, so not signed",
			header: http.Header{"X-Empty": {}, "X-Project-Id": {"p1"}},
			want:   "x-project-id;x-sdk-date",
		},
		{
			name:   "Host only when set explicitly",
			header: http.Header{"Host": {"anything"}, "X-Project-Id": {"p1"}},
			want:   "host;x-project-id;x-sdk-date",
		},
		{
			name: "a request's own Host field is not a header",
			host: "other.example",
			want: "x-sdk-date",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(t, http.MethodGet, "https://css.example.com/v1.0/p/clusters", "")
			req.Header = tt.header.Clone()
			if req.Header == nil {
				req.Header = http.Header{}
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			if err := signer.Sign(req, testCreds(t), t0); err != nil {
				t.Fatal(err)
			}
			if got := signedHeadersOf(t, req); got != tt.want {
				t.Errorf("SignedHeaders = %s, want %s", got, tt.want)
			}
			if err := signer.Verify(req, lookup, t0); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// The Host header's value is never used: the transport sends req.Host (else the URL's host),
// and the server sees only that.
func TestSign_hostValueIsTheOneSent(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://css.example.com/path", "")
	req.Header.Set("Host", "ignored.example")
	req.Host = "sent.example"
	if err := signer.Sign(req, testCreds(t), t0); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Host", "changed-but-still-ignored.example")
	if err := signer.Verify(req, lookup, t0); err != nil {
		t.Errorf("Verify after changing the ignored Host header: %v", err)
	}
	req.Host = "" // now the URL's host goes out
	if err := signer.Verify(req, lookup, t0); !errors.Is(err, signer.ErrSignatureMismatch) {
		t.Errorf("Verify with another host = %v, want ErrSignatureMismatch", err)
	}
}

func TestSign_emptyMethodIsGET(t *testing.T) {
	get := signed(t, http.MethodGet, "https://h/p", "", nil)
	empty := newRequest(t, http.MethodGet, "https://h/p", "")
	empty.Method = ""
	if err := signer.Sign(empty, testCreds(t), t0); err != nil {
		t.Fatal(err)
	}
	if a, b := get.Header.Get("Authorization"), empty.Header.Get("Authorization"); a != b {
		t.Errorf("empty method signs differently from GET:\n%s\n%s", a, b)
	}
}

// onceReader is a body without GetBody, readable once, as a caller's own io.Reader would be.
type onceReader struct{ io.Reader }

func (onceReader) Close() error { return nil }

func TestSign_resignForRetry(t *testing.T) {
	const body = `{"retry":true}`
	req := newRequest(t, http.MethodPost, "https://h/p?x=1", "")
	req.Body = onceReader{strings.NewReader(body)}
	req.Header.Set("X-Project-Id", "p1")
	creds := testCreds(t)
	if err := signer.Sign(req, creds, t0); err != nil {
		t.Fatal(err)
	}
	first := req.Header.Get("Authorization")
	if req.GetBody == nil {
		t.Fatal("Sign did not set GetBody for a body it had to buffer")
	}

	// What a retry does: take a fresh body, sign again later.
	later := t0.Add(20 * time.Minute)
	fresh, err := req.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	req.Body = fresh
	if err := signer.Sign(req, creds, later); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Values("X-Sdk-Date"); len(got) != 1 || got[0] != later.Format(signer.DateLayout) {
		t.Errorf("X-Sdk-Date = %q, want only the new time", got)
	}
	if got := req.Header.Values("Authorization"); len(got) != 1 || got[0] == first {
		t.Errorf("Authorization = %q, want one new value", got)
	}
	if got := signedHeadersOf(t, req); got != "x-project-id;x-sdk-date" {
		t.Errorf("SignedHeaders = %s", got)
	}
	if err := signer.Verify(req, lookup, later); err != nil {
		t.Errorf("Verify of the re-signed request: %v", err)
	}
	if got := readAll(t, req.Body); got != body {
		t.Errorf("body after re-signing and verifying = %q, want %q", got, body)
	}
}

func TestSign_readsBodyThroughGetBody(t *testing.T) {
	req := newRequest(t, http.MethodPut, "https://h/p", "payload")
	calls := 0
	getBody := req.GetBody
	req.GetBody = func() (io.ReadCloser, error) {
		calls++
		return getBody()
	}
	original := req.Body
	if err := signer.Sign(req, testCreds(t), t0); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || req.Body != original {
		t.Errorf("GetBody calls = %d, Body replaced = %v; want 1 call and Body untouched", calls, req.Body != original)
	}
	if got := readAll(t, req.Body); got != "payload" {
		t.Errorf("body = %q", got)
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }
func (failingReader) Close() error               { return nil }

func TestSign_errors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		creds signer.Credentials
		req   func(t *testing.T) *http.Request
		is    error
	}{
		{name: "zero credentials", req: func(t *testing.T) *http.Request { return newRequest(t, http.MethodGet, "https://h/", "") }},
		{name: "no URL", creds: testCreds(t), req: func(*testing.T) *http.Request { return &http.Request{Method: http.MethodGet} }},
		{name: "GetBody fails", creds: testCreds(t), is: boom, req: func(t *testing.T) *http.Request {
			r := newRequest(t, http.MethodPost, "https://h/", "x")
			r.GetBody = func() (io.ReadCloser, error) { return nil, boom }
			return r
		}},
		{name: "body read fails", creds: testCreds(t), is: boom, req: func(t *testing.T) *http.Request {
			r := newRequest(t, http.MethodPost, "https://h/", "")
			r.Body = failingReader{boom}
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req(t)
			err := signer.Sign(req, tt.creds, t0)
			if err == nil {
				t.Fatal("Sign succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Sign = %v, want it to wrap %v", err, tt.is)
			}
			if req.Header.Get("Authorization") != "" {
				t.Error("a failed Sign set Authorization")
			}
		})
	}
}
