package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

func TestEmulator_latency(t *testing.T) {
	for _, tt := range []struct {
		name            string
		latency, jitter time.Duration
	}{
		{"fixed", 80 * time.Millisecond, 0},
		{"with jitter", 40 * time.Millisecond, 40 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.WithLatency(tt.latency, tt.jitter))
			for range 3 {
				start := time.Now()
				r := get(t, f.strict, f.URL, defaultPath, nil)
				if took := time.Since(start); took < tt.latency {
					t.Errorf("answered after %v, before the latency of %v", took, tt.latency)
				}
				if r.status != http.StatusOK {
					t.Errorf("status %d", r.status)
				}
			}
		})
	}
}

func TestEmulator_latency_clientGoesAway(t *testing.T) {
	f := setup(t, emulator.WithLatency(10*time.Second, 0))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL+defaultPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := f.strict.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("status %d, want the context's error", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
	// The cleanup's graceful shutdown returns at once: the handler stopped waiting.
}

// statuses sends n requests, one after the other, to a new emulator's handler and returns the
// statuses, checking each failure's Retry-After.
func statuses(t *testing.T, n int, opts ...emulator.Option) []int {
	t.Helper()
	e, err := emulator.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, n)
	for i := range out {
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, defaultPath, nil))
		out[i] = rec.Code
		if rec.Code != http.StatusOK && rec.Header().Get("Retry-After") != "1" {
			t.Errorf("%d without Retry-After: 1 (%q)", rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	return out
}

func TestEmulator_failRate(t *testing.T) {
	const n = 2000
	got := statuses(t, n, emulator.WithFailRate(0.3, 42))
	count := map[int]int{}
	for _, s := range got {
		count[s]++
	}
	failed := count[http.StatusTooManyRequests] + count[http.StatusServiceUnavailable]
	if failed+count[http.StatusOK] != n {
		t.Fatalf("unexpected statuses: %v", count)
	}
	// Binomial(2000, 0.3): mean 600, standard deviation about 20; 5 sigma either way.
	if failed < 500 || failed > 700 {
		t.Errorf("%d of %d failed, want about 600", failed, n)
	}
	if c := count[http.StatusTooManyRequests]; c < failed/2-100 || c > failed/2+100 {
		t.Errorf("%d of %d failures are 429, want about half", c, failed)
	}

	if again := statuses(t, n, emulator.WithFailRate(0.3, 42)); !slices.Equal(got, again) {
		t.Error("the same seed made different choices")
	}
	if other := statuses(t, n, emulator.WithFailRate(0.3, 43)); slices.Equal(got, other) {
		t.Error("another seed made the same choices")
	}
	for _, tt := range []struct {
		rate float64
		want int // how many fail
	}{{0, 0}, {1, 200}} {
		failed := 0
		for _, s := range statuses(t, 200, emulator.WithFailRate(tt.rate, 1)) {
			if s != http.StatusOK {
				failed++
			}
		}
		if failed != tt.want {
			t.Errorf("rate %v: %d of 200 failed, want %d", tt.rate, failed, tt.want)
		}
	}
}

// Our client retries the injected failures, honouring Retry-After up to its cap, and gets
// through.
func TestEmulator_failRate_ourClientRetries(t *testing.T) {
	f := setup(t, emulator.WithFailRate(0.5, 7))
	c := f.ours(t, client.WithToken(testToken), client.WithRetry(20, time.Millisecond, 2*time.Millisecond))
	for range 20 {
		if _, err := c.ListConnections(context.Background(), emulator.DefaultClusterID, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.ours(t, client.WithToken(testToken)).ListConnections(context.Background(), emulator.DefaultClusterID, nil)
	for err == nil { // without retries, a failure shows sooner or later
		_, err = f.ours(t, client.WithToken(testToken)).ListConnections(context.Background(), emulator.DefaultClusterID, nil)
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != time.Second || !client.IsRetryable(err) {
		t.Errorf("without retries: %v", err)
	}
}

func TestEmulator_faultOptionsAreChecked(t *testing.T) {
	for _, opt := range []emulator.Option{
		emulator.WithFailRate(-0.1, 1), emulator.WithFailRate(1.5, 1), emulator.WithLatency(-time.Second, 0), emulator.WithLatency(0, -1),
	} {
		if _, err := emulator.New(opt); err == nil {
			t.Error("New accepted a bad fault option")
		}
	}
}
