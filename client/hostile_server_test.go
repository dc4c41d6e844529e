package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/redact"
	"github.com/cssvpcep/cssvpcep/signer"
)

// The client against servers written to hurt it: they echo the credentials back, send
// megabytes where a line is expected, announce lengths they never send, and answer with far
// more than was asked for. Each test failed on the client before the round that fixed it.

// echoHeaders answers with status and a body that repeats every request header, as a proxy's
// or a WAF's debug page does: in the CSS error shape, as HTML, and in X-Request-Id.
func echoHeaders(status int, shape string) func(*faulty, http.ResponseWriter, *http.Request) {
	return func(_ *faulty, w http.ResponseWriter, r *http.Request) {
		var all strings.Builder
		for k, vs := range r.Header {
			for _, v := range vs {
				fmt.Fprintf(&all, "%s: %s\n", k, v)
			}
		}
		w.Header().Set("X-Request-Id", "id "+r.Header.Get("X-Auth-Token")+r.Header.Get("Authorization"))
		switch shape {
		case "css":
			writeJSON(w, status, map[string]string{"errCode": "CSS." + r.Header.Get("X-Auth-Token") + r.Header.Get("Authorization"), "externalMessage": "you sent " + all.String()})
		case "html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			fmt.Fprintf(w, "<html><title>Denied</title><body><pre>%s</pre></body></html>", all.String())
		case "cut":
			// The secret straddles the 64 KiB the client reads of an error body.
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			secret := r.Header.Get("X-Auth-Token") + r.Header.Get("Authorization")
			pad := errorBodyLimit - len(secret)/2
			fmt.Fprint(w, strings.Repeat("a", pad)+secret)
		}
	}
}

// TestClient_echoedSecretsAreMasked: whatever a server echoes of the token, the AK/SK
// Authorization header or its signature, no error, no field of an *APIError and no debug log
// line holds it.
func TestClient_echoedSecretsAreMasked(t *testing.T) {
	const longToken = "tok-SECRET-1-" + "0123456789abcdef0123456789abcdef"
	for _, creds := range []string{"token", "aksk"} {
		for _, status := range []int{401, 403, 500} {
			for _, shape := range []string{"css", "html", "cut"} {
				t.Run(fmt.Sprintf("%s/%d/%s", creds, status, shape), func(t *testing.T) {
					var log bytes.Buffer
					var sent atomic.Value
					opts := []Option{WithRetry(1, 0, 0), WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})))}
					if creds == "aksk" {
						opts = append(opts, useAccessKey())
					} else {
						opts = append(opts, withToken(longToken))
					}
					f := newFaulty(t, func(f *faulty, w http.ResponseWriter, r *http.Request) {
						sent.Store(r.Header.Get("Authorization"))
						echoHeaders(status, shape)(f, w, r)
					}, opts...)
					_, err := f.client.ListConnections(context.Background(), testCluster, nil)
					var ae *APIError
					if !errors.As(err, &ae) || ae.StatusCode != status {
						t.Fatalf("error = %v, want an *APIError %d", err, status)
					}
					secrets := []string{longToken, testSK}
					if auth, _ := sent.Load().(string); auth != "" {
						_, sig, _ := strings.Cut(auth, "Signature=")
						secrets = append(secrets, auth, sig, sig[:len(sig)/2])
					}
					texts := map[string]string{
						"Error": err.Error(), "%+v": fmt.Sprintf("%+v", err), "%#v": fmt.Sprintf("%#v", ae),
						"Code": ae.Code, "Message": ae.Message, "RequestID": ae.RequestID, "log": log.String(),
					}
					for name, text := range texts {
						for _, s := range secrets {
							if s != "" && strings.Contains(text, s) {
								t.Errorf("%s holds a secret (%.12s…): %.300s", name, s, text)
							}
						}
					}
					if shape != "cut" && !strings.Contains(ae.Message+ae.Code, redact.Placeholder) {
						t.Errorf("the echoed secret was not replaced by %s: code %q, message %.200q", redact.Placeholder, ae.Code, ae.Message)
					}
				})
			}
		}
	}
}

// withToken replaces the fixture's token.
func withToken(token string) Option {
	return func(c *config) error {
		c.hasKeys = false
		return WithToken(token)(c)
	}
}

// TestMasker: the rules of masking on their own.
func TestMasker(t *testing.T) {
	m := &masker{}
	m.add("SECRET-VALUE-1234")
	m.add("sig0123456789")
	tests := []struct{ in, want string }{
		{"no secret here", "no secret here"},
		{"a SECRET-VALUE-1234 b", "a [REDACTED] b"},
		{"SECRET-VALUE-1234SECRET-VALUE-1234", "[REDACTED][REDACTED]"},
		{"cut at the end: SECRET-VA", "cut at the end: [REDACTED]"},
		{"short end: SECRET", "short end: SECRET"}, // under minMaskedPrefix: too common to mean a secret
		{"Signature=sig0123456789", "Signature=[REDACTED]"},
		// A format character in the middle would hide it from a plain search; the line drops it first.
		{"SECRET-\u200bVALUE-1234", "[REDACTED]"},
		{"SECRET-VALUE-1234\nnext line", "[REDACTED] next line"},
	}
	for _, tt := range tests {
		if got := m.line(tt.in, 100); got != tt.want {
			t.Errorf("line(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A cut at the bound must not leave the start of a secret behind.
	if got := m.line("xxxx SECRET-VALUE-1234 yyyy", 15); strings.Contains(got, "SECRET-V") {
		t.Errorf("cut line = %q", got)
	}
	// An error whose text held a secret keeps its kind, not its text.
	inner := fmt.Errorf("malformed header line SECRET-VALUE-1234: %w", errors.New("x"))
	got := m.err(fmt.Errorf("wrapped: %w", inner))
	for e := got; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), "SECRET-VALUE") {
			t.Errorf("the chain still holds the secret: %v", e)
		}
	}
}

// TestClient_serverTextIsBounded: a server can put megabytes where a line is expected: a
// total_count of 15 MiB of digits, a header line of 5 MiB, a redirect's Location of 5 MiB,
// an X-Request-Id of 1 MiB. The error, and every field of it, stays a bounded line.
func TestClient_serverTextIsBounded(t *testing.T) {
	huge := strings.Repeat("9", 15<<20)
	tests := []struct {
		name string
		h    func(f *faulty, w http.ResponseWriter, r *http.Request)
	}{
		{"total_count of 15 MiB of digits", func(_ *faulty, w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, http.StatusOK, "application/json", `{"connections":[],"total_count":`+huge+`}`)
		}},
		{"a malformed header line of 5 MiB", func(_ *faulty, w http.ResponseWriter, _ *http.Request) {
			writeRawResponse(t, w, "HTTP/1.1 200 OK\r\n"+strings.Repeat("x", 5<<20)+"\r\n\r\n")
		}},
		{"a redirect Location of 5 MiB", func(_ *faulty, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Location", "http://"+strings.Repeat("h", 5<<20)+".example/")
			w.WriteHeader(http.StatusFound)
		}},
		{"a same-host redirect to a path of 5 MiB", func(_ *faulty, w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/connections") {
				w.Header().Set("Location", "/"+strings.Repeat("p", 5<<20))
				w.WriteHeader(http.StatusFound)
				return
			}
			writeError(w, http.StatusNotFound, "CSS.0016", "no such path: "+r.URL.Path)
		}},
		{"an X-Request-Id of 1 MiB and a message of 1 MiB", func(_ *faulty, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Request-Id", strings.Repeat("r", 1<<20))
			writeError(w, http.StatusBadRequest, strings.Repeat("C", 1<<20), strings.Repeat("m", 1<<20))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFaulty(t, tt.h, WithRetry(1, 0, 0), WithMaxResponseSize(32<<20))
			_, err := f.client.ListConnections(context.Background(), testCluster, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if n := len(err.Error()); n > 2048 {
				t.Errorf("error of %d bytes: %.300s…", n, err)
			}
			var ae *APIError
			if errors.As(err, &ae) && (len(ae.Code) > maxCodeLen+4 || len(ae.Message) > maxMessageLen+4 || len(ae.RequestID) > maxRequestIDLen+4) {
				t.Errorf("APIError fields of %d, %d, %d bytes", len(ae.Code), len(ae.Message), len(ae.RequestID))
			}
		})
	}
}

// TestClient_lyingContentLength: a Content-Length sizes no buffer beyond maxPresize before
// the bytes arrive. With the largest limit a lying header used to panic (a negative size),
// with 1 TiB kill the process, with 16 GiB take 16 GB at once.
func TestClient_lyingContentLength(t *testing.T) {
	modes := map[string][]Option{
		"unvalidated": nil,
		// Validation reads the body first, in package contract, to the client's limit.
		"validation fail":   {WithValidation(ValidationFail, nil)},
		"validation report": {WithValidation(ValidationReport, func(*contract.ValidationError) {})},
	}
	for _, announced := range []int64{math.MaxInt64, 1 << 40, 16 << 30} {
		for mode, opts := range modes {
			t.Run(mode+"/"+strconv.FormatInt(announced, 10), func(t *testing.T) {
				lyingContentLength(t, announced, opts)
			})
		}
	}
}

// lyingContentLength is one case of TestClient_lyingContentLength: a 200 announcing announced
// bytes and sending a valid page, read by a client with opts.
func lyingContentLength(t *testing.T, announced int64, opts []Option) {
	t.Helper()
	f := newFaulty(t, func(_ *faulty, w http.ResponseWriter, _ *http.Request) {
		writeRawResponse(t, w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+
			strconv.FormatInt(announced, 10)+"\r\n\r\n"+validPage)
	}, append([]Option{WithRetry(1, 0, 0), WithMaxResponseSize(math.MaxInt64)}, opts...)...)
	var err error
	allocated, _ := allocDuring(func() {
		_, err = f.client.ListConnections(context.Background(), testCluster, nil)
	})
	if err == nil || !IsRetryable(err) {
		t.Errorf("error = %v, want a retryable truncated body", err)
	}
	if allocated > 8<<20 {
		t.Errorf("%d MiB allocated for a %d-byte body", allocated>>20, len(validPage))
	}
	t.Logf("Content-Length %d: %.1f MiB allocated by the process during the call", announced, float64(allocated)/(1<<20))
}

// TestClient_ListConnections_pageLargerThanLimit: a page with more connections than the limit
// sent is a *ResponseError naming both numbers (with no limit sent, the bound is MaxPageSize),
// found before the connections are decoded: 560,000 connections in 16 MiB once took 400 MB.
func TestClient_ListConnections_pageLargerThanLimit(t *testing.T) {
	const n = 560_000
	var body bytes.Buffer
	body.WriteString(`{"connections":[`)
	for i := range n {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(`{"id":"x","status":"accepted"}`)
	}
	body.WriteString(`],"total_count":560000}`)
	page := body.Bytes()
	f := newFaulty(t, func(_ *faulty, w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", string(page))
	}, WithRetry(1, 0, 0), WithMaxResponseSize(32<<20))
	for _, tt := range []struct {
		opts *ListOptions
		want string
	}{
		{&ListOptions{Limit: 10}, "the page holds 560000 connections, more than the 10 asked for"},
		{nil, "the page holds 560000 connections, more than the 1000 a page holds at most (the documented maximum; no limit was sent)"},
	} {
		var err error
		allocated, _ := allocDuring(func() { _, err = f.client.ListConnections(context.Background(), testCluster, tt.opts) })
		var re *ResponseError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("limit %v: error = %v, want a *ResponseError saying %q", tt.opts, err, tt.want)
		}
		// The body (17 MiB) is read (its buffer doubling up to twice it), copied by the decoder
		// and its connections once more to count them; nothing is decoded. 10 times the body
		// (allocFactor times that under the race detector) is far below the 356 MiB that
		// decoding 560,000 connections took.
		if limit := uint64(10 * allocFactor * len(page)); allocated > limit {
			t.Errorf("limit %v: %d MiB allocated for a %d MiB body", tt.opts, allocated>>20, len(page)>>20)
		}
	}
}

// TestClient_signsLast: the AK/SK signature is made after every header is set, for the first
// request and for a redirect on the same host (which the client used to send with the first
// path's signature): each request the server gets verifies, and its signature covers every
// header that arrived but the ones the transport adds itself.
func TestClient_signsLast(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	var verified atomic.Int64
	var problems []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := signer.Verify(r, func(ak string) (string, bool) { return testSK, ak == testAK }, now)
		if err != nil {
			problems = append(problems, r.URL.Path+": "+err.Error())
			writeError(w, http.StatusUnauthorized, "APIGW.0301", "bad signature")
			return
		}
		_, signed, _ := strings.Cut(r.Header.Get("Authorization"), "SignedHeaders=")
		signed, _, _ = strings.Cut(signed, ",")
		for name := range r.Header {
			switch lower := strings.ToLower(name); lower {
			case "authorization", "accept-encoding", "content-type":
			default:
				if !strings.Contains(";"+signed+";", ";"+lower+";") {
					problems = append(problems, r.URL.Path+": header "+name+" is not signed")
				}
			}
		}
		verified.Add(1)
		if !strings.HasPrefix(r.URL.Path, "/moved/") {
			http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			return
		}
		writeJSON(w, http.StatusOK, pageOf(0))
	}))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, err := New(WithEndpoint(srv.URL), WithProjectID(testProject), WithAccessKey(testAK, testSK),
		WithProjectIDHeader(), WithHTTPClient(&http.Client{Transport: tr}), withClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListConnections(context.Background(), testCluster, &ListOptions{Limit: 5}); err != nil {
		t.Errorf("ListConnections: %v", err)
	}
	if verified.Load() != 2 || len(problems) > 0 {
		t.Errorf("%d requests verified; problems: %v", verified.Load(), problems)
	}
}

// TestNotProcessed: which failures prove the request never reached the service.
func TestNotProcessed(t *testing.T) {
	refused := &SendError{NotSent: true, err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	tests := []struct {
		name string
		resp *http.Response
		err  error
		want bool
	}{
		{"429", &http.Response{StatusCode: http.StatusTooManyRequests}, &APIError{StatusCode: 429}, true},
		{"503", &http.Response{StatusCode: http.StatusServiceUnavailable}, &APIError{StatusCode: 503}, false},
		{"500", &http.Response{StatusCode: http.StatusInternalServerError}, &APIError{StatusCode: 500}, false},
		{"not sent", nil, refused, true},
		{"not sent, wrapped", nil, fmt.Errorf("call: %w", refused), true},
		{"sent, then reset", nil, &SendError{NotSent: false}, false},
		{"a plain error", nil, errors.New("x"), false},
	}
	for _, tt := range tests {
		if got := NotProcessed(tt.resp, tt.err); got != tt.want {
			t.Errorf("%s: NotProcessed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestSendError_notSent: the attempt records through httptrace whether a request was written;
// a refused connection is not sent, a connection reset after the request was written is.
func TestSendError_notSent(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(WithEndpoint("http://"+addr), WithProjectID(testProject), WithToken(testToken), WithRetry(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConnections(context.Background(), testCluster, nil)
	var se *SendError
	if !errors.As(err, &se) || !se.NotSent || !NotProcessed(nil, err) {
		t.Errorf("connection refused: %v (%+v), want a SendError not sent", err, se)
	}

	f := newFaulty(t, func(_ *faulty, w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, after the whole request was read
			}
			conn.Close()
		}
	}, WithRetry(1, 0, 0))
	_, err = f.client.ListConnections(context.Background(), testCluster, nil)
	if !errors.As(err, &se) || se.NotSent || NotProcessed(nil, err) {
		t.Errorf("reset after the request: %v (%+v), want a SendError that was sent", err, se)
	}
}
