package signer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/signer"
)

// FuzzSignVerify signs arbitrary requests, sends them to a verifying server over real HTTP,
// and checks that every one is accepted with its body intact, and that a one-byte change to
// any signed part makes Verify fail.
func FuzzSignVerify(f *testing.F) {
	f.Add("GET", "v1.0/p/clusters/c/vpcepservice/connections", "offset=0&limit=10", "p1", "X-Custom", "v", []byte(nil), false)
	f.Add("POST", "v1.0/p/clusters/a%2Fb%20c/x", "a=1&a=&b+c=%2B&k%26=v", " padded ", "x-lower", "é\tü", []byte("{\"Name\":\"test\",\"Id\":1}\n"), true)
	f.Add("PATCH", "", "", "", "TEST_UNDERSCORE", "", []byte{0, 0xff}, false)
	f.Add("get", "a%41/~b/c+d/", "a;b=%zz&&=", "x", "Content-Type", "text/plain", []byte("x"), true)
	f.Add("DELETE", "%E9%9B%86/100%25", "%E4%B8%80=%28%29", "", "x-project-id", "   ", []byte(""), false)
	// Two values of X-Project-Id that sort one way as sent and the other way as received.
	f.Add("GET", "p", "", " c", "", "b", []byte(nil), false)

	srv := newFuzzServer()
	tr := &http.Transport{}
	f.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	// A request that hangs is a finding too: the timeout turns it into a failure.
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	creds, err := signer.NewCredentials(testAccessKey, testSecret)
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, method, path, query, projectID, name, value string, body []byte, signHost bool) {
		if !isToken(method) || method == http.MethodConnect {
			t.Skip("not a method net/http sends as a plain request")
		}
		u, err := url.Parse(srv.URL + "/" + escapeLoosely(path, "?#"))
		if err != nil {
			t.Skip("not a path net/http sends")
		}
		u.RawQuery = escapeLoosely(query, "#")
		now := time.Now()

		req, err := http.NewRequestWithContext(context.Background(), method, u.String(), bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.URL = u // keep the raw query exactly as built
		req.Header.Set("X-Project-Id", headerValue(projectID))
		if name == "" {
			name = "X-Project-Id" // a second value for a signed header
		}
		if isToken(name) && !passedOnSpecially[http.CanonicalHeaderKey(name)] {
			// Set as given, not canonicalized: the signer and the server must agree anyway.
			req.Header[name] = append(req.Header[name], headerValue(value))
		}
		if signHost {
			req.Header.Set("Host", "ignored")
		}
		if err := signer.Sign(req, creds, now); err != nil {
			t.Fatal(err)
		}

		// In process: the request as signed verifies, and no signed part can change.
		if err := signer.Verify(withBody(req, body), lookup, now); err != nil {
			t.Fatalf("Verify of the request as signed: %v", err)
		}
		for name, tamper := range tampers(body, signHost) {
			r := withBody(req, body)
			tamper(r)
			if err := signer.Verify(r, lookup, now); !errors.Is(err, signer.ErrSignatureMismatch) {
				t.Errorf("tampered %s: Verify = %v, want ErrSignatureMismatch", name, err)
			}
		}
		if slices.Contains(strings.Split(signedHeadersOf(t, req), ";"), strings.ToLower(name)) {
			r := withBody(req, body)
			r.Header[name] = []string{"x" + r.Header[name][0]}
			if err := signer.Verify(r, lookup, now); !errors.Is(err, signer.ErrSignatureMismatch) {
				t.Errorf("tampered %s: Verify = %v, want ErrSignatureMismatch", name, err)
			}
		}
		r := withBody(req, body)
		for k := range r.Header {
			if strings.EqualFold(k, "X-Project-Id") {
				delete(r.Header, k)
			}
		}
		if err := signer.Verify(r, lookup, now); !errors.Is(err, signer.ErrMissingSignedHeader) {
			t.Errorf("signed header removed: Verify = %v, want ErrMissingSignedHeader", err)
		}

		// Over the wire: the server sees what was signed.
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got := readAll(t, resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: status %d: %s %s", method, u.RequestURI(), resp.StatusCode, got, resp.Header.Get("X-Verify-Error"))
		}
		if method != http.MethodHead && got != string(body) {
			t.Errorf("the handler read %q, want %q", got, body)
		}
	})
}

// newFuzzServer echoes the body of requests that verify; it reports the error in a header too,
// since a HEAD response has no body.
func newFuzzServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := signer.Verify(r, lookup, time.Now()); err != nil {
			w.Header().Set("X-Verify-Error", err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(w, r.Body)
	}))
}

// tampers returns one-byte changes to each signed part of a request.
func tampers(body []byte, hostSigned bool) map[string]func(r *http.Request) {
	m := map[string]func(r *http.Request){
		"method": func(r *http.Request) { r.Method += "X" },
		"path": func(r *http.Request) {
			// "x" decodes to nothing else, so it changes the canonical form whatever precedes it.
			r.URL.Path += "x"
			if r.URL.RawPath != "" {
				r.URL.RawPath += "x"
			}
		},
		"query":        func(r *http.Request) { r.URL.RawQuery += "x" },
		"X-Project-Id": func(r *http.Request) { r.Header.Set("X-Project-Id", r.Header.Get("X-Project-Id")+"x") },
		"X-Sdk-Date": func(r *http.Request) {
			d, _ := time.Parse(signer.DateLayout, r.Header.Get("X-Sdk-Date"))
			r.Header.Set("X-Sdk-Date", d.Add(time.Second).Format(signer.DateLayout))
		},
		"body appended": func(r *http.Request) {
			r.Body = io.NopCloser(bytes.NewReader(append(bytes.Clone(body), 'x')))
		},
	}
	if hostSigned {
		m["host"] = func(r *http.Request) { r.Host = r.URL.Host + "x" }
	}
	if len(body) > 0 {
		m["body byte flipped"] = func(r *http.Request) {
			b := bytes.Clone(body)
			b[len(b)/2] ^= 1
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
	}
	return m
}

// passedOnSpecially lists the headers net/http does not carry from req.Header to the server's
// r.Header as they are, or that change how the message is framed; the signer has no say in
// them.
var passedOnSpecially = map[string]bool{
	"Host": true, "Content-Length": true, "Transfer-Encoding": true, "Trailer": true, "Te": true,
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Upgrade": true, "Expect": true,
	"Authorization": true, "X-Sdk-Date": true, "X-Sdk-Content-Sha256": true,
}

// withBody returns a copy of req with its own reader over body.
func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	return r
}

// escapeLoosely percent-encodes the bytes a request line cannot carry raw (and those in
// special), leaving "%" alone so that the input can hold escapes, valid or not.
func escapeLoosely(s, special string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(special, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// headerValue replaces the bytes net/http refuses in a header value, keeping all others, even
// those that are not UTF-8.
func headerValue(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			b[i] = '?'
		}
	}
	return string(b)
}

// isToken reports whether s is an RFC 9110 token, as a method must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return true
}

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
