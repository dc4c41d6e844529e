package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/signer"
)

// failThenSucceed answers the first n requests with status and a CSS error body, then a page.
func failThenSucceed(n int64, status int) (http.HandlerFunc, *atomic.Int64) {
	var count atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			w.Header().Set("X-Request-Id", "req-"+strconv.FormatInt(count.Load(), 10))
			writeError(w, status, "CSS.9999", "try again")
			return
		}
		writeJSON(w, http.StatusOK, pageOf(1, "a"))
	}, &count
}

func TestClient_ListConnections_retriesOnTransientStatus(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			f := setup(t)
			h, count := failThenSucceed(2, status)
			f.handle(h)
			page, err := f.client.ListConnections(context.Background(), testCluster, nil)
			if err != nil {
				t.Fatalf("ListConnections: %v", err)
			}
			if count.Load() != 3 || len(page.Connections) != 1 {
				t.Errorf("%d requests, %d connections; want success on the 3rd attempt", count.Load(), len(page.Connections))
			}
		})
	}
}

func TestClient_ListConnections_noRetryOnClientError(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 412} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			f := setup(t)
			h, count := failThenSucceed(5, status)
			f.handle(h)
			_, err := f.client.ListConnections(context.Background(), testCluster, nil)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
				t.Fatalf("error = %v, want an *APIError with status %d", err, status)
			}
			if count.Load() != 1 {
				t.Errorf("%d requests, want 1", count.Load())
			}
			if want := fmt.Sprintf("client: ShowVpcepConnection: %d %s: CSS.9999: try again (request id req-1)", status, http.StatusText(status)); err.Error() != want {
				t.Errorf("error = %q, want %q", err, want)
			}
		})
	}
}

func TestClient_ListConnections_maxAttempts(t *testing.T) {
	f := setup(t)
	h, count := failThenSucceed(100, http.StatusServiceUnavailable)
	f.handle(h)
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	if count.Load() != 3 {
		t.Errorf("%d requests, want 3", count.Load())
	}
	want := "client: ShowVpcepConnection: giving up after 3 attempts: 503 Service Unavailable: CSS.9999: try again (request id req-3)"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID != "req-3" {
		t.Errorf("errors.As did not find the last attempt's *APIError in %v", err)
	}
	if !IsRetryable(err) {
		t.Error("IsRetryable = false for a 503")
	}
}

func TestClient_ListConnections_singleAttempt(t *testing.T) {
	f := setup(t, WithRetry(1, 0, 0))
	h, count := failThenSucceed(100, http.StatusServiceUnavailable)
	f.handle(h)
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	if count.Load() != 1 {
		t.Errorf("%d requests, want 1", count.Load())
	}
	if err == nil || !strings.HasPrefix(err.Error(), "client: ShowVpcepConnection: giving up after 1 attempt: 503") {
		t.Errorf("error = %v", err)
	}
}

func TestClient_ListConnections_failedAfterRetries(t *testing.T) {
	f := setup(t)
	var count atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) == 1 {
			writeError(w, http.StatusServiceUnavailable, "CSS.9999", "busy")
			return
		}
		writeError(w, http.StatusNotFound, "CSS.3027", "The cluster does not exist!")
	})
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	if err == nil || err.Error() != "client: ShowVpcepConnection: failed after 2 attempts: 404 Not Found: CSS.3027: The cluster does not exist!" {
		t.Errorf("error = %v", err)
	}
	if !IsNotFound(err) {
		t.Error("IsNotFound = false")
	}
}

func TestClient_ListConnections_retryAfterHonouredAndCapped(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		maxWait    time.Duration
		min, max   time.Duration // bounds of the wait DefaultBackoff computes
	}{
		{"seconds", "2", 10 * time.Second, 2 * time.Second, 2 * time.Second},
		{"seconds capped", "120", 10 * time.Second, 10 * time.Second, 10 * time.Second},
		{"zero", "0", 10 * time.Second, 0, 0},
		{"date", time.Now().Add(4 * time.Second).UTC().Format(http.TimeFormat), 10 * time.Second, 2 * time.Second, 4 * time.Second},
		{"date capped", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), 10 * time.Second, 10 * time.Second, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var waits []time.Duration
			record := WithBackoff(func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
				d := DefaultBackoff(minWait, maxWait, attempt, resp)
				mu.Lock()
				waits = append(waits, d)
				mu.Unlock()
				return time.Millisecond // the test does not wait what it checks
			})
			f := setup(t, WithRetry(3, time.Millisecond, tt.maxWait), record)
			var count atomic.Int64
			f.handle(func(w http.ResponseWriter, r *http.Request) {
				if count.Add(1) == 1 {
					w.Header().Set("Retry-After", tt.retryAfter)
					writeError(w, http.StatusTooManyRequests, "APIGW.0308", "slow down")
					return
				}
				writeJSON(w, http.StatusOK, pageOf(0))
			})
			f.list(nil)
			mu.Lock()
			defer mu.Unlock()
			if len(waits) != 1 || waits[0] < tt.min || waits[0] > tt.max {
				t.Errorf("waits = %v, want one in [%v, %v]", waits, tt.min, tt.max)
			}
		})
	}
}

func TestClient_ListConnections_retryAfterCappedInPractice(t *testing.T) {
	// Retry-After asks for an hour; WithRetry caps waits at 5 ms, so the call succeeds at once.
	f := setup(t, WithRetry(3, time.Millisecond, 5*time.Millisecond))
	var count atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) == 1 {
			w.Header().Set("Retry-After", "3600")
			writeError(w, http.StatusServiceUnavailable, "CSS.9999", "busy")
			return
		}
		writeJSON(w, http.StatusOK, pageOf(0))
	})
	start := time.Now()
	f.list(nil)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
	if count.Load() != 2 {
		t.Errorf("%d requests, want 2", count.Load())
	}
}

func TestClient_ListConnections_contextCanceledDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := setup(t, WithBackoff(func(time.Duration, time.Duration, int, *http.Response) time.Duration {
		cancel() // the caller gives up while the client waits
		return 10 * time.Second
	}))
	h, count := failThenSucceed(100, http.StatusServiceUnavailable)
	f.handle(h)
	start := time.Now()
	_, err := f.client.ListConnections(ctx, testCluster, nil)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %v, not promptly", d)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("error = %v, want the last *APIError too", err)
	}
	if count.Load() != 1 {
		t.Errorf("%d requests, want 1", count.Load())
	}
	if !strings.Contains(err.Error(), "the context ended while waiting 10s to retry: context canceled") {
		t.Errorf("error = %q", err)
	}
}

func TestClient_ListConnections_deadlineShorterThanBackoff(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	f := setup(t, WithBackoff(func(time.Duration, time.Duration, int, *http.Response) time.Duration {
		return 10 * time.Second
	}))
	h, count := failThenSucceed(100, http.StatusServiceUnavailable)
	f.handle(h)
	start := time.Now()
	_, err := f.client.ListConnections(ctx, testCluster, nil)
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("returned after %v: it should stop at once rather than wait past the deadline", d)
	}
	if count.Load() != 1 {
		t.Errorf("%d requests, want 1", count.Load())
	}
	want := "client: ShowVpcepConnection: giving up after 1 attempt (waiting 10s to retry would pass the context's deadline): 503 Service Unavailable"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want it to start %q", err, want)
	}
	if !IsRetryable(err) || !errors.As(err, new(*APIError)) {
		t.Errorf("error = %v, want the 503 *APIError inside", err)
	}
}

func TestClient_ListConnections_contextDoneBeforeStart(t *testing.T) {
	f := setup(t)
	hits := f.handle(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, pageOf(0)) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.client.ListConnections(ctx, testCluster, nil)
	if !errors.Is(err, context.Canceled) || hits.Load() != 0 {
		t.Errorf("error = %v after %d requests, want context.Canceled and none", err, hits.Load())
	}
}

func TestClient_ListConnections_retriesClosedConnection(t *testing.T) {
	var retries atomic.Int64
	f := setup(t, retryCounter(&retries))
	f.transport.DisableKeepAlives = true // no transport-level retry on a reused connection
	var count atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= 2 {
			hijackAndClose(t, w, false)
			return
		}
		writeJSON(w, http.StatusOK, pageOf(1, "a"))
	})
	page := f.list(nil)
	if len(page.Connections) != 1 || retries.Load() != 2 {
		t.Errorf("%d connections after %d failed attempts; want success after 2", len(page.Connections), retries.Load())
	}
}

func TestClient_ListConnections_retriesConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var retries atomic.Int64
	f := setup(t, WithEndpoint("http://"+addr), retryCounter(&retries))
	_, err = f.client.ListConnections(context.Background(), testCluster, nil)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error = %v, want ECONNREFUSED", err)
	}
	if retries.Load() != 3 || !strings.HasPrefix(err.Error(), "client: ShowVpcepConnection: giving up after 3 attempts: GET http://") {
		t.Errorf("error = %q after %d failed attempts", err, retries.Load())
	}
}

func TestClient_ListConnections_retriesResetMidBody(t *testing.T) {
	var retries atomic.Int64
	f := setup(t, retryCounter(&retries))
	f.transport.DisableKeepAlives = true
	var count atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"connections": [`))
			hijackAndClose(t, w, true)
			return
		}
		writeJSON(w, http.StatusOK, pageOf(1, "a"))
	})
	page := f.list(nil)
	if len(page.Connections) != 1 || retries.Load() != 1 || count.Load() != 2 {
		t.Errorf("%d connections after %d requests, %d failed; want success on the 2nd", len(page.Connections), count.Load(), retries.Load())
	}
}

// hijackAndClose drops the connection: with reset, with a TCP RST rather than a FIN.
func hijackAndClose(t *testing.T, w http.ResponseWriter, reset bool) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func TestClient_ListConnections_attemptTimeout(t *testing.T) {
	var retries atomic.Int64
	f := setup(t, WithTimeout(20*time.Millisecond), WithRetry(2, time.Millisecond, time.Millisecond), retryCounter(&retries))
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"connections": [`))
		http.NewResponseController(w).Flush()
		select { // stall after the headers until the client hangs up
		case <-r.Context().Done():
		case <-f.done:
		}
	})
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want context.DeadlineExceeded", err)
	}
	if retries.Load() != 2 || !strings.Contains(err.Error(), "giving up after 2 attempts") || !strings.Contains(err.Error(), "the attempt ran out of its 20ms, WithTimeout") {
		t.Errorf("error = %q after %d failed attempts", err, retries.Load())
	}
}

func TestClient_ListConnections_callDeadlineIsNotRetried(t *testing.T) {
	var retries atomic.Int64
	f := setup(t, WithTimeout(time.Minute), retryCounter(&retries))
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-f.done:
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := f.client.ListConnections(ctx, testCluster, nil)
	if !errors.Is(err, context.DeadlineExceeded) || retries.Load() != 0 {
		t.Errorf("error = %v after %d retries; want the call's deadline, no retry", err, retries.Load())
	}
}

func TestClient_ListConnections_accessKeyResignedEveryAttempt(t *testing.T) {
	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var tick atomic.Int64
	clock := func() time.Time { return base.Add(time.Duration(tick.Add(1)) * time.Second) }
	f := setup(t, useAccessKey(), withClock(clock))
	var mu sync.Mutex
	var dates []string
	var count atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		err := signer.Verify(r, func(ak string) (string, bool) { return testSK, ak == testAK }, base)
		mu.Lock()
		dates = append(dates, r.Header.Get(signer.HeaderDate))
		mu.Unlock()
		if err != nil {
			t.Errorf("attempt %d: %v", count.Load()+1, err)
		}
		if r.Header.Get("X-Auth-Token") != "" {
			t.Error("an AK/SK request carries X-Auth-Token")
		}
		if count.Add(1) <= 2 {
			writeError(w, http.StatusServiceUnavailable, "CSS.9999", "busy")
			return
		}
		writeJSON(w, http.StatusOK, pageOf(0))
	})
	f.list(&ListOptions{Offset: 3, Limit: 2})
	want := []string{"20250102T030406Z", "20250102T030407Z", "20250102T030408Z"}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(dates, " ") != strings.Join(want, " ") {
		t.Errorf("X-Sdk-Date per attempt = %v, want %v", dates, want)
	}
}

func TestClient_retry_nonIdempotentNotRetried(t *testing.T) {
	f := setup(t)
	var n int
	op := &Operation{ID: "Op", Method: http.MethodPost, Path: "/op"}
	err := f.client.retry(context.Background(), op, nil, func(context.Context, *attempt) (*http.Response, error) {
		n++
		return nil, &APIError{Operation: "Op", StatusCode: 503}
	})
	if n != 1 || err == nil {
		t.Errorf("%d attempts, error %v; want 1 and the error", n, err)
	}
}

func TestClient_ListConnections_policyError(t *testing.T) {
	stop := errors.New("circuit open")
	f := setup(t, WithRetryPolicy(func(context.Context, Operation, *http.Response, error) (bool, error) { return false, stop }))
	h, count := failThenSucceed(100, http.StatusServiceUnavailable)
	f.handle(h)
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	if !errors.Is(err, stop) || !errors.As(err, new(*APIError)) || count.Load() != 1 {
		t.Errorf("error = %v after %d requests", err, count.Load())
	}
	if !strings.Contains(err.Error(), "the retry policy stopped: circuit open") {
		t.Errorf("error = %q", err)
	}
}

func TestDefaultRetryPolicy(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"503", context.Background(), &APIError{StatusCode: 503}, true},
		{"429", context.Background(), &APIError{StatusCode: 429}, true},
		{"501", context.Background(), &APIError{StatusCode: 501}, false},
		{"404", context.Background(), &APIError{StatusCode: 404}, false},
		{"reset", context.Background(), fmt.Errorf("x: %w", syscall.ECONNRESET), true},
		{"refused", context.Background(), fmt.Errorf("x: %w", syscall.ECONNREFUSED), true},
		{"timeout", context.Background(), &net.DNSError{IsTimeout: true}, true},
		{"no such host", context.Background(), &net.DNSError{IsNotFound: true}, false},
		{"too large", context.Background(), tooLarge(1), false},
		{"response error", context.Background(), &ResponseError{Err: errors.New("EOF-ish")}, false},
		{"canceled", context.Background(), context.Canceled, false},
		{"503 but ctx done", canceled, &APIError{StatusCode: 503}, false},
		{"other", context.Background(), errors.New("x509: certificate signed by unknown authority"), false},
	}
	for _, tt := range tests {
		got, err := DefaultRetryPolicy(tt.ctx, *opShowConnections, nil, tt.err)
		if got != tt.want {
			t.Errorf("%s: retry = %v, want %v", tt.name, got, tt.want)
		}
		if (err != nil) != (tt.ctx.Err() != nil) {
			t.Errorf("%s: error = %v", tt.name, err)
		}
	}
}

func TestDefaultBackoff(t *testing.T) {
	const lo, hi = 100 * time.Millisecond, 1 * time.Second
	for attempt := 1; attempt <= 70; attempt++ {
		ceiling := min(lo<<min(attempt-1, 20), hi)
		for range 50 {
			d := DefaultBackoff(lo, hi, attempt, nil)
			if d < 0 || d > ceiling {
				t.Fatalf("attempt %d: %v outside [0, %v]", attempt, d, ceiling)
			}
		}
	}
	if d := DefaultBackoff(0, 0, 3, nil); d != 0 {
		t.Errorf("DefaultBackoff(0, 0) = %v", d)
	}
	if d := DefaultBackoff(time.Duration(1<<62), maxDuration, 5, nil); d < 0 {
		t.Errorf("overflow: %v", d)
	}
	resp := &http.Response{Header: http.Header{"Retry-After": {"7"}}}
	if d := DefaultBackoff(lo, hi, 1, resp); d != hi {
		t.Errorf("Retry-After 7 capped at 1s = %v", d)
	}
	if d := DefaultBackoff(lo, 10*time.Second, 1, resp); d != 7*time.Second {
		t.Errorf("Retry-After 7 = %v", d)
	}
	resp.Header.Set("Retry-After", "soon")
	if d := DefaultBackoff(lo, hi, 1, resp); d > lo {
		t.Errorf("an unreadable Retry-After is ignored: %v", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 30 ", 30 * time.Second, true},
		{"99999999999999999999", maxDuration, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"12abc", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Mon, 99 Foo", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
