package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/contract"
)

// The client against servers that misbehave. Rows that other tests already cover are not
// repeated here; each is listed with the test that covers it:
//   - a stall after the headers (the attempt timeout is honoured and retried):
//     TestClient_ListConnections_attemptTimeout (retry_test.go);
//   - the call's own deadline ends a stalled call without a retry:
//     TestClient_ListConnections_callDeadlineIsNotRetried (retry_test.go);
//   - a connection reset mid-body, then an answer (retried, then a page):
//     TestClient_ListConnections_retriesResetMidBody (retry_test.go);
//   - a connection closed before the headers: TestClient_ListConnections_retriesClosedConnection;
//   - a well-framed body holding truncated JSON, HTML with application/json, an empty 200 body:
//     TestClient_ListConnections_responseErrors ("invalid JSON", "HTML", "empty");
//   - nginx's HTML 502 page (retried, a clean excerpt): TestClient_ListConnections_htmlBadGateway
//     (errors_test.go);
//   - a body over a small limit, with and without Content-Length:
//     TestClient_ListConnections_responseTooLarge (client_test.go);
//   - a redirect to another host with a token: TestClient_ListConnections_refusesRedirectToAnotherHost;
//   - total_count larger than the connections with an empty page after the first:
//     TestClient_AllConnections ("empty page before total_count", paging_test.go).

// faulty is a misbehaving server and a client talking to it directly, with no contract
// validator in between (it would read the body before the client does). Keep-alives are off,
// so that every attempt is one connection and one request the server counts.
type faulty struct {
	client *Client
	server *httptest.Server
	hits   atomic.Int64
	done   chan struct{} // closed when the test ends, for handlers that block
}

func newFaulty(t *testing.T, h func(f *faulty, w http.ResponseWriter, r *http.Request), opts ...Option) *faulty {
	t.Helper()
	f := &faulty{done: make(chan struct{})}
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		h(f, w, r)
	}))
	tr := &http.Transport{DisableKeepAlives: true}
	base := []Option{
		WithEndpoint(f.server.URL),
		WithProjectID(testProject),
		WithToken(testToken),
		WithHTTPClient(&http.Client{Transport: tr}),
		WithRetry(3, time.Millisecond, 2*time.Millisecond),
	}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	t.Cleanup(func() {
		close(f.done)
		f.server.Close()
		tr.CloseIdleConnections()
	})
	return f
}

// stall blocks until the client hangs up or the test ends.
func (f *faulty) stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-f.done:
	}
}

// writeRawResponse sends raw bytes as the whole response and closes the connection.
func writeRawResponse(t *testing.T, w http.ResponseWriter, raw string) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	defer conn.Close()
	_, _ = buf.WriteString(raw)
	_ = buf.Flush()
}

const validPage = `{"connections":[{"id":"a","status":"accepted"}],"total_count":1}`

// kindOK is errKind of no error.
const kindOK = "nil"

// TestClient_ListConnections_faultyServers: each row is a server misbehaving one way, and the
// exact outcome: the typed error, the errors.Is target, the number of attempts, IsRetryable.
//
// Content-Type: the spec says application/json, but the client does not look at it; the body
// decides. Gateways and proxies mislabel JSON (text/plain, text/html, none at all), and a page
// that decodes is worth more than its label, while an HTML page in a 200 fails to decode
// anyway, with a *ResponseError. A caller who wants the label enforced turns on
// WithValidation(ValidationFail, ...), which refuses it (a row below).
func TestClient_ListConnections_faultyServers(t *testing.T) {
	nginx404 := "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	tests := []struct {
		name  string
		opts  []Option
		serve func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request)
		// The outcome: the typed error (errKind), an errors.Is target, the attempts (requests
		// the server got) and IsRetryable.
		wantKind      string
		wantIs        error
		wantAttempts  int64
		wantRetryable bool
		check         func(t *testing.T, p *Page, err error)
	}{{
		name: "truncated body: Content-Length promises more, then a clean close",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"connections":[`))
			hijackAndClose(t, w, false)
		},
		wantKind: "other", wantIs: io.ErrUnexpectedEOF, wantAttempts: 3, wantRetryable: true,
	}, {
		name: "truncated chunked body: the connection closes before the last chunk",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRawResponse(t, w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"connections\":[\r\n")
		},
		wantKind: "other", wantIs: io.ErrUnexpectedEOF, wantAttempts: 3, wantRetryable: true,
	}, {
		name: "connection reset mid-body on every attempt",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"connections":[`))
			hijackAndClose(t, w, true)
		},
		wantKind: "other", wantIs: syscall.ECONNRESET, wantAttempts: 3, wantRetryable: true,
	}, {
		name: "wrong Content-Type: text/html 200 with a valid page is used (the body decides)",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusOK, "text/html; charset=utf-8", validPage)
		},
		wantKind: kindOK, wantAttempts: 1,
		check: func(t *testing.T, p *Page, err error) {
			if len(p.Connections) != 1 || p.Connections[0].ID != "a" {
				t.Errorf("page = %+v", p)
			}
		},
	}, {
		name: "no Content-Type at all, valid page",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil // no sniffing either
			_, _ = w.Write([]byte(validPage))
		},
		wantKind: kindOK, wantAttempts: 1,
	}, {
		name: "wrong Content-Type with ValidationFail: refused, not retried",
		opts: []Option{WithValidation(ValidationFail, nil)},
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusOK, "text/plain", validPage)
		},
		wantKind: "*client.ResponseError", wantAttempts: 1,
		check: func(t *testing.T, p *Page, err error) {
			var ve *contract.ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("error %v holds no *contract.ValidationError", err)
			}
		},
	}, {
		name: "wrong Content-Type: text/html 200 with an HTML page",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusOK, "text/html", "<html><body>Welcome to the captive portal</body></html>")
		},
		wantKind: "*client.ResponseError", wantAttempts: 1,
		check: wantErrorText("200 response does not match the spec", "invalid character '<'"),
	}, {
		name: "empty body, 200, chunked (no Content-Length)",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			http.NewResponseController(w).Flush()
		},
		wantKind: "*client.ResponseError", wantAttempts: 1,
		check: wantErrorText("the body is empty"),
	}, {
		name: "HTML 404 page from a proxy",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusNotFound, "text/html", nginx404)
		},
		wantKind: "*client.APIError", wantAttempts: 1,
		check: func(t *testing.T, p *Page, err error) {
			var ae *APIError
			if !IsNotFound(err) || !errors.As(err, &ae) || ae.Message != "404 Not Found nginx" || ae.Code != "" {
				t.Errorf("error = %v, want a 404 *APIError with the page's text", err)
			}
		},
	}, {
		name: "HTML 403 page from a WAF, 100 KiB",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusForbidden, "text/html", "<html><title>Request blocked</title><body>"+strings.Repeat("<p>Your request looks like an attack. ", 3000)+"</body></html>")
		},
		wantKind: "*client.APIError", wantAttempts: 1,
		check: func(t *testing.T, p *Page, err error) {
			var ae *APIError
			if !IsForbidden(err) || !errors.As(err, &ae) || !strings.HasPrefix(ae.Message, "Request blocked Your request") || len(ae.Message) > maxExcerptLen+len("…") {
				t.Errorf("error = %v, want a 403 *APIError with a short excerpt", err)
			}
		},
	}, {
		name: "HTML 503 page with Retry-After: retried, the wait capped",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3600")
			writeRaw(w, http.StatusServiceUnavailable, "text/html", "<h1>Service Unavailable</h1>")
		},
		wantKind: "*client.APIError", wantAttempts: 3, wantRetryable: true,
		check: func(t *testing.T, p *Page, err error) {
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != http.StatusServiceUnavailable || ae.RetryAfter != time.Hour || ae.Message != "Service Unavailable" {
				t.Errorf("error = %v, want a 503 *APIError asking for an hour", err)
			}
		},
	}, {
		name: "invalid UTF-8 in the strings of a 200 body: replaced by U+FFFD",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusOK, "application/json", "{\"connections\":[{\"id\":\"a\xffb\",\"status\":\"accepted\xc0\"}],\"total_count\":1,\"vpcServiceName\":\"\xed\xa0\x80\"}")
		},
		wantKind: kindOK, wantAttempts: 1,
		check: func(t *testing.T, p *Page, err error) {
			if c := p.Connections[0]; c.ID != "a\uFFFDb" || c.Status != "accepted\uFFFD" || p.ServiceName != "\uFFFD\uFFFD\uFFFD" {
				t.Errorf("page = %+v", p)
			}
		},
	}, {
		name: "invalid UTF-8 outside a string of a 200 body",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusOK, "application/json", "{\"connections\":[],\"total_count\":0,\xff}")
		},
		wantKind: "*client.ResponseError", wantAttempts: 1,
		check: wantErrorText("invalid character 'ÿ' looking for beginning of object key string"),
	}, {
		name: "invalid UTF-8 in an error body: a clean message",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusBadRequest, "application/json", "{\"errCode\":\"CSS.\xff0001\",\"externalMessage\":\"bad \xc3\x28 value\"}")
		},
		wantKind: "*client.APIError", wantAttempts: 1,
		check: func(t *testing.T, p *Page, err error) {
			var ae *APIError
			if !errors.As(err, &ae) || ae.Code != "CSS. 0001" || ae.Message != "bad ( value" {
				t.Errorf("error = %v, want a clean code and message", err)
			}
		},
	}, {
		name: "duplicate keys: the last one wins, as in encoding/json and the validator",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusOK, "application/json", `{"connections":[{"id":"a","status":"accepted"}],"total_count":1,`+
				`"connections":[{"id":"b","status":"accepted","status":"rejected"},{"id":"c","id":"d","status":"accepted"}],"total_count":2}`)
		},
		wantKind: kindOK, wantAttempts: 1,
		check: func(t *testing.T, p *Page, err error) {
			if len(p.Connections) != 2 || p.Connections[0].ID != "b" || p.Connections[0].Status != StatusRejected || p.Connections[1].ID != "d" || p.TotalCount != 2 {
				t.Errorf("page = %+v", p)
			}
		},
	}, {
		name: "a key differing only in case: matched case-insensitively, the last one wins",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRaw(w, http.StatusOK, "application/json", `{"connections":[{"id":"a","status":"accepted","ID":"b"}],"total_count":1,"Total_Count":1}`)
		},
		wantKind: kindOK, wantAttempts: 1,
		check: func(t *testing.T, p *Page, err error) {
			if len(p.Connections) != 1 || p.Connections[0].ID != "b" {
				t.Errorf("page = %+v", p)
			}
		},
	}, {
		name: "gzip that is not gzip",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			writeRaw(w, http.StatusOK, "application/json", validPage)
		},
		wantKind: "other", wantIs: gzip.ErrHeader, wantAttempts: 1,
		check: wantErrorText("reading the response body: gzip: invalid header"),
	}, {
		name: "not HTTP at all",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRawResponse(t, w, "SSH-2.0-OpenSSH_9.6\r\n\r\n")
		},
		wantKind: "other", wantAttempts: 1,
		check: wantErrorText("malformed HTTP"),
	}, {
		name: "headers over the transport's 10 MiB limit",
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			writeRawResponse(t, w, "HTTP/1.1 200 OK\r\nX-Padding: "+strings.Repeat("x", 11<<20)+"\r\n\r\n")
		},
		wantKind: "other", wantAttempts: 1,
		check: wantErrorText("server response headers exceeded"),
	}, {
		name: "stall before the headers: the attempt timeout is honoured and retried",
		opts: []Option{WithTimeout(20 * time.Millisecond), WithRetry(2, time.Millisecond, time.Millisecond)},
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			f.stall(r)
		},
		wantKind: "other", wantIs: context.DeadlineExceeded, wantAttempts: 2, wantRetryable: true,
		check: wantErrorText("giving up after 2 attempts", "the attempt ran out of its 20ms, WithTimeout"),
	}, {
		name: "a body that drips a byte at a time: the timeout bounds the whole attempt",
		opts: []Option{WithTimeout(50 * time.Millisecond), WithRetry(2, time.Millisecond, time.Millisecond)},
		serve: func(t *testing.T, f *faulty, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			rc := http.NewResponseController(w)
			for {
				if _, err := w.Write([]byte(" ")); err != nil || rc.Flush() != nil {
					return
				}
				select {
				case <-r.Context().Done():
					return
				case <-f.done:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		},
		wantKind: "other", wantIs: context.DeadlineExceeded, wantAttempts: 2, wantRetryable: true,
		check: wantErrorText("the attempt ran out of its 50ms, WithTimeout"),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFaulty(t, func(f *faulty, w http.ResponseWriter, r *http.Request) { tt.serve(t, f, w, r) }, tt.opts...)
			page, err := f.client.ListConnections(context.Background(), testCluster, nil)
			if got := errKind(err); got != tt.wantKind {
				t.Fatalf("error = %v (%s), want %s", err, got, tt.wantKind)
			}
			if (err == nil) != (page != nil) {
				t.Errorf("page %v with error %v", page, err)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error = %v, want errors.Is %v", err, tt.wantIs)
			}
			if got := f.hits.Load(); got != tt.wantAttempts {
				t.Errorf("%d attempts, want %d (error %v)", got, tt.wantAttempts, err)
			}
			if got := IsRetryable(err); got != tt.wantRetryable {
				t.Errorf("IsRetryable = %v, want %v (error %v)", got, tt.wantRetryable, err)
			}
			if tt.check != nil {
				tt.check(t, page, err)
			}
		})
	}
}

// wantErrorText checks that the error's message holds each of parts.
func wantErrorText(parts ...string) func(t *testing.T, p *Page, err error) {
	return func(t *testing.T, _ *Page, err error) {
		t.Helper()
		for _, part := range parts {
			if err == nil || !strings.Contains(err.Error(), part) {
				t.Errorf("error = %v, want it to say %q", err, part)
			}
		}
	}
}

// hugeBody is the size of the hostile bodies below: far beyond DefaultMaxResponseSize.
const hugeBody = 100 << 20

// streamBody writes a JSON-looking body of size bytes from one small buffer (the server holds
// no more than 64 KiB of it), stopping when the client hangs up.
func streamBody(w http.ResponseWriter, size int) {
	chunk := bytes.Repeat([]byte(`{"id":"x","status":"accepted"},`), 2048)
	sent := 0
	for sent < size {
		n, err := w.Write(chunk[:min(len(chunk), size-sent)])
		sent += n
		if err != nil {
			return
		}
	}
}

// allocDuring returns the bytes allocated (by the whole process: client and server) while fn
// runs, and how much more the heap holds after it than before, both after a GC.
func allocDuring(fn func()) (allocated uint64, retained int64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.GC()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, int64(after.HeapInuse) - int64(before.HeapInuse)
}

// TestClient_ListConnections_hugeBodies sends 100 MiB bodies: the client stops at the limit
// (the default 16 MiB, or 1 MiB), the error is ErrResponseTooLarge (or the status, for an error
// body), and memory is bounded by the limit, not by the body: the process (client and server
// together) allocates at most 5 times the limit while the call runs, and keeps nothing of it
// afterwards. Measured: 4.0 times the limit for a page read to the limit (the read buffer
// doubles up to twice the limit), 0.1 MiB when the Content-Length is refused, 2.9 MiB for
// three 64 KiB reads of an error page. The server streams from a 64 KiB buffer.
func TestClient_ListConnections_hugeBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("streams up to 100 MiB")
	}
	gzipBomb := newGzipBomb(t, hugeBody)
	tests := []struct {
		name          string
		opts          []Option
		serve         func(w http.ResponseWriter)
		wantKind      string
		wantIs        error
		wantAttempts  int64
		maxAllocated  uint64
		wantRetryable bool
	}{{
		name: "100 MiB page, chunked",
		serve: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"connections":[`))
			streamBody(w, hugeBody)
		},
		wantKind: "other", wantIs: ErrResponseTooLarge, wantAttempts: 1, maxAllocated: 5 * uint64(DefaultMaxResponseSize),
	}, {
		name: "100 MiB page, chunked, 1 MiB limit: memory follows the limit",
		opts: []Option{WithMaxResponseSize(1 << 20)},
		serve: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"connections":[`))
			streamBody(w, hugeBody)
		},
		wantKind: "other", wantIs: ErrResponseTooLarge, wantAttempts: 1, maxAllocated: 5 << 20,
	}, {
		name: "100 MiB page with its Content-Length: refused before reading",
		serve: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(hugeBody))
			streamBody(w, hugeBody)
		},
		wantKind: "other", wantIs: ErrResponseTooLarge, wantAttempts: 1, maxAllocated: 1 << 20,
	}, {
		name: "gzip bomb: 100 KiB that inflates to 100 MiB",
		serve: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(gzipBomb)
		},
		wantKind: "other", wantIs: ErrResponseTooLarge, wantAttempts: 1, maxAllocated: 5 * uint64(DefaultMaxResponseSize),
	}, {
		name: "100 MiB HTML 502 page: retried, 64 KiB read of each",
		serve: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><title>502 Bad Gateway</title>"))
			streamBody(w, hugeBody)
		},
		wantKind: "*client.APIError", wantAttempts: 3, maxAllocated: 4 << 20, wantRetryable: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFaulty(t, func(_ *faulty, w http.ResponseWriter, _ *http.Request) { tt.serve(w) }, tt.opts...)
			var err error
			allocated, retained := allocDuring(func() {
				_, err = f.client.ListConnections(context.Background(), testCluster, nil)
			})
			t.Logf("allocated %.1f MiB during the call, %+.1f MiB retained after it", float64(allocated)/(1<<20), float64(retained)/(1<<20))
			if got := errKind(err); got != tt.wantKind || tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Fatalf("error = %v (%s), want %s, errors.Is %v", err, got, tt.wantKind, tt.wantIs)
			}
			if got := f.hits.Load(); got != tt.wantAttempts || IsRetryable(err) != tt.wantRetryable {
				t.Errorf("%d attempts (want %d), IsRetryable %v", got, tt.wantAttempts, IsRetryable(err))
			}
			if allocated > allocFactor*tt.maxAllocated {
				t.Errorf("allocated %d bytes during the call, want at most %d", allocated, allocFactor*tt.maxAllocated)
			}
			if retained > 2<<20 {
				t.Errorf("the heap holds %d bytes more after the call", retained)
			}
		})
	}
}

// newGzipBomb returns a gzip stream that inflates to a JSON-looking body of size bytes: one
// gzip member of 1 MiB of white space, repeated (gzip readers read concatenated members as one
// stream), after a member holding the start of a page.
func newGzipBomb(t *testing.T, size int) []byte {
	t.Helper()
	member := func(data []byte) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		if _, err := zw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	out := member([]byte(`{"connections":[`))
	space := member(bytes.Repeat([]byte(" "), 1<<20))
	for range size >> 20 {
		out = append(out, space...)
	}
	return out
}

// TestClient_AllPages_totalCountWithoutConnections: a server that says total_count 5 but sends
// empty pages. The paging stops at once with an error, after one request; no connection is
// yielded and no page either (see also "empty page before total_count" in
// TestClient_AllConnections, where the empty page comes after a full one).
func TestClient_AllPages_totalCountWithoutConnections(t *testing.T) {
	f := newFaulty(t, func(_ *faulty, w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", `{"connections":[],"total_count":5}`)
	})
	want := "the page at offset 0 is empty, but total_count is 5: the server makes no progress"

	pages, errs := collectPages(t, f.client.AllPages(context.Background(), testCluster))
	if len(pages) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "client: AllPages: "+want) || f.hits.Load() != 1 {
		t.Errorf("AllPages: %d pages, errors %v, %d requests", len(pages), errs, f.hits.Load())
	}
	got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
	if len(got) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "client: AllConnections: "+want) || f.hits.Load() != 2 {
		t.Errorf("AllConnections: %v, errors %v, %d requests in all", got, errs, f.hits.Load())
	}
}

// TestClient_ListConnections_redirectToAnotherHostCarriesNoCredentials: whatever the redirect
// status and the credentials, and even when the caller's own CheckRedirect allows everything,
// a redirect to another host is refused, so the other host never sees X-Auth-Token,
// Authorization (AK/SK) or any request at all. The call is not retried.
func TestClient_ListConnections_redirectToAnotherHostCarriesNoCredentials(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, "request with X-Auth-Token "+strconv.Quote(r.Header.Get("X-Auth-Token"))+", Authorization "+strconv.Quote(r.Header.Get("Authorization")))
		mu.Unlock()
		writeRaw(w, http.StatusOK, "application/json", validPage)
	}))
	defer other.Close()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, creds := range []string{"token", "AK/SK", "token, permissive CheckRedirect"} {
			t.Run(strconv.Itoa(status)+" "+creds, func(t *testing.T) {
				var opts []Option
				switch creds {
				case "AK/SK":
					opts = append(opts, useAccessKey())
				case "token, permissive CheckRedirect":
					opts = append(opts, withCheckRedirect(func(*http.Request, []*http.Request) error { return nil }))
				}
				f := newFaulty(t, func(_ *faulty, w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("X-Auth-Token") == "" && r.Header.Get("Authorization") == "" {
						t.Error("the first server got no credentials")
					}
					http.Redirect(w, r, other.URL+r.URL.RequestURI(), status)
				}, opts...)
				_, err := f.client.ListConnections(context.Background(), testCluster, nil)
				if err == nil || !strings.Contains(err.Error(), "refusing a redirect from host") || errKind(err) != "other" || IsRetryable(err) {
					t.Errorf("error = %v, want the redirect refused, final", err)
				}
				if f.hits.Load() != 1 {
					t.Errorf("%d attempts, want 1", f.hits.Load())
				}
			})
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 0 {
		t.Errorf("the other host got %d requests: %v", len(seen), seen)
	}
}

// answer calls ListConnections on c with a 200 application/json response holding body, sent
// through fakeTransport.
func answer(c *Client, body string) (*Page, error) {
	fr := &fakeResponse{status: http.StatusOK, body: []byte(body), contentLength: true,
		header: http.Header{"Content-Type": {"application/json"}}}
	return c.ListConnections(context.WithValue(context.Background(), fakeResponseKey{}, fr), testCluster, nil)
}

// TestClient_ListConnections_switchAsEscapedString: "\u0074rue" is the JSON string "true",
// which the spec allows for vpcepUpdateSwitch (and the validator accepts), so the client
// decodes it as it decodes "true". FlexBool.UnmarshalJSON compares the raw bytes instead.
func TestClient_ListConnections_switchAsEscapedString(t *testing.T) {
	for body, want := range map[string]bool{
		`{"connections":[],"total_count":0,"vpcepUpdateSwitch":"\u0074rue"}`:      true,
		`{"connections":[],"total_count":0,"vpcepUpdateSwitch":"f\u0061lse"}`:     false,
		`{"connections":[],"total_count":0,"vpcepUpdateSwitch":"\u0074\u0072ue"}`: true,
	} {
		var problems problemLog
		c := newFakeClient(t, new(fakeTransport), WithValidation(ValidationReport, problems.add))
		page, err := answer(c, body)
		if problems.response() {
			t.Errorf("%s: the validator reports %v", body, problems.list)
		}
		if err != nil || page.UpdateSwitch != want {
			t.Errorf("%s: page %+v, error %v; want UpdateSwitch %v", body, page, err, want)
		}
	}
}

// TestClient_ListConnections_validationSeesTrailingData: a body with data after its JSON value
// is not JSON; the client refuses it (decodeList), and run-time validation must say so too: in
// report mode it reports the response, in fail mode the *ResponseError holds a
// *contract.ValidationError. The validator decodes only the first value of the body.
func TestClient_ListConnections_validationSeesTrailingData(t *testing.T) {
	for _, body := range []string{
		`{"connections":[],"total_count":0} {}`,
		`{"connections":[],"total_count":0}x`,
		"{\"connections\":[],\"total_count\":0}\x00",
		`{"connections":[],"total_count":0}]`,
	} {
		var problems problemLog
		c := newFakeClient(t, new(fakeTransport), WithValidation(ValidationReport, problems.add))
		if _, err := answer(c, body); errKind(err) != "*client.ResponseError" {
			t.Errorf("%q: error %v, want a *ResponseError", body, err)
		}
		if !problems.response() {
			t.Errorf("%q: ValidationReport reported nothing", body)
		}
		c = newFakeClient(t, new(fakeTransport), WithValidation(ValidationFail, nil))
		var ve *contract.ValidationError
		if _, err := answer(c, body); !errors.As(err, &ve) {
			t.Errorf("%q: ValidationFail: error %v, want a *contract.ValidationError in it", body, err)
		}
	}
}
