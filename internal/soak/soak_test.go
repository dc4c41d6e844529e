package soak

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

var (
	durationFlag = flag.Duration("soak.duration", 0, "how long the soak runs (default: $SOAK_DURATION, else 5s)")
	clientsFlag  = flag.Int("soak.clients", 0, "how many clients run at once (default 16; 4 under the race detector)")
)

// The soak's settings.
const (
	defaultDuration = 5 * time.Second
	failRate        = 0.2 // the fraction of requests the emulator answers with 429 or 503
	latency         = time.Millisecond
	jitter          = 2 * time.Millisecond
	// maxExpectedFailures bounds the expected number of calls whose every attempt is an
	// injected failure, over the whole run: the attempts per call are chosen to keep below it.
	maxExpectedFailures = 1e-6
	// rssNoise is how much the peak resident memory may grow from the end of the warm-up to the
	// end of the run. Measured on a 2-core machine (5 s runs, 2026-12-01): +1.3, +1.6 and +2.5
	// MiB under the race detector (whose shadow memory grows with the heap), +0.9 and +0.0 MiB
	// without it; 60 s runs grew 2.4 and 2.8 MiB. 8 MiB is about three times the largest growth
	// seen. The leak it can see depends on how many attempts follow the warm-up, which the run
	// logs (8 MiB divided by them): measured on a shared 2-core machine, 830 to 1,300 attempts
	// in a 5 s run under the race detector (a leak of 6.3 to 10 KiB an attempt or more fails),
	// about 7,900 without it (1 KiB), 15,000 to 20,000 in a 60 s make soak (about half a
	// kilobyte). The figures depend on the machine.
	rssNoise = 8 << 20
	// callTimeout bounds a single call; no call comes near it unless something hangs.
	callTimeout = time.Minute
	clusterSize = 100 // connections in the cluster the clients page through
)

// Recognizable credentials, as in the other packages' tests.
const (
	testToken = "tok-SECRET-50a4"
	testAK    = "AKSOAKTEST"
	testSK    = "sk-SECRET-50a4"
)

// TestSoak runs concurrent clients against an emulator that fails a fifth of the requests and
// checks that every call succeeds, that faults were really injected and retried, and that
// memory does not grow. It logs a report; run it with -v to see it.
func TestSoak(t *testing.T) {
	duration := soakDuration(t)
	clients := *clientsFlag
	if clients <= 0 {
		clients = 16
		if raceEnabled {
			clients = 4
		}
	}
	attempts := attemptsFor(clients, duration)

	ts := emulator.NewTestServer(t,
		emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK),
		emulator.WithSynthetic("soak-project", "soak-cluster", clusterSize),
		emulator.WithLatency(latency, jitter), emulator.WithFailRate(failRate, 1))

	var wire wireCounter
	workers := make([]*worker, clients)
	for i := range workers {
		creds := client.WithToken(testToken)
		if i%2 == 1 {
			creds = client.WithAccessKey(testAK, testSK)
		}
		transport := &http.Transport{}
		t.Cleanup(transport.CloseIdleConnections)
		c, err := client.New(
			client.WithEndpoint(ts.URL), client.WithProjectID("soak-project"), creds,
			client.WithHTTPClient(&http.Client{Transport: &countingTransport{next: transport, counts: &wire}}),
			client.WithRetry(attempts, time.Millisecond, 20*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		workers[i] = &worker{client: c, rng: rand.New(rand.NewPCG(uint64(i), 0x736f616b))}
	}

	t.Logf("soak: %d clients (%d with a token, %d with AK/SK) for %v against the emulator at %s: %.0f%% of requests answered 429 or 503, latency %v plus up to %v",
		clients, (clients+1)/2, clients/2, duration, ts.URL, failRate*100, latency, jitter)
	t.Logf("soak: %d attempts per call: at most %d calls fit (clients × duration / latency), so the expected number of calls failing every attempt is %d × %.1f^%d = %.1e < %.0e",
		attempts, maxCalls(clients, duration), maxCalls(clients, duration), failRate, attempts,
		float64(maxCalls(clients, duration))*math.Pow(failRate, float64(attempts)), maxExpectedFailures)

	ctx, cancel := context.WithTimeout(t.Context(), duration)
	defer cancel()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w.run(ctx) })
	}

	// The warm-up: connections open, buffers and pools fill. Then the baseline.
	warmUp := min(duration/5, 2*time.Second)
	select {
	case <-time.After(warmUp):
	case <-ctx.Done():
	}
	before, memOK := readMemory()
	sentAtWarmUp := wire.requests.Load()
	wg.Wait()
	after, _ := readMemory()

	var total histogram
	var calls int
	var failures []error
	for _, w := range workers {
		total.merge(&w.latencies)
		calls += w.calls
		failures = append(failures, w.failures...)
	}
	sent, s429, s503 := wire.requests.Load(), wire.tooMany.Load(), wire.unavailable.Load()
	t.Logf("soak: %d calls, %d attempts, %d retries (%d answers 429, %d answers 503), %d failures",
		calls, sent, sent-int64(calls), s429, s503, len(failures))
	t.Logf("soak: latency per call, retries included: p50 %v, p90 %v, p99 %v, max %v",
		total.quantile(0.5), total.quantile(0.9), total.quantile(0.99), total.max)

	for i, err := range failures {
		if i == 5 {
			t.Errorf("... and %d more", len(failures)-i)
			break
		}
		t.Errorf("a call failed: %v", err)
	}
	if calls == 0 {
		t.Fatal("no call was made")
	}
	// Faults were injected and retried: a fifth of the attempts, give or take.
	if calls >= 100 && (s429 == 0 || s503 == 0 || sent <= int64(calls)) {
		t.Errorf("%d calls took %d attempts with %d 429s and %d 503s: the faults were not injected or not retried", calls, sent, s429, s503)
	}

	if !memOK {
		t.Log("soak: no /proc/self/status here (not Linux): resident memory not checked")
		return
	}
	t.Logf("soak: resident memory after the %v warm-up: VmRSS %s, peak VmHWM %s; at the end: VmRSS %s, peak VmHWM %s",
		warmUp, mib(before.rss), mib(before.hwm), mib(after.rss), mib(after.hwm))
	t.Logf("soak: rule: the peak at the end is at most the peak after the warm-up plus %s", mib(rssNoise))
	if n := sent - sentAtWarmUp; n > 0 {
		// What the bound can see: a leak smaller than this per attempt passes this run.
		t.Logf("soak: %d attempts after the warm-up: this run fails a leak of more than %d bytes an attempt", n, rssNoise/n)
	}
	if after.hwm > before.hwm+rssNoise {
		t.Errorf("the peak resident memory grew from %s to %s, more than %s", mib(before.hwm), mib(after.hwm), mib(rssNoise))
	}
}

// soakDuration is -soak.duration, else $SOAK_DURATION, else 5 seconds.
func soakDuration(t *testing.T) time.Duration {
	t.Helper()
	if *durationFlag > 0 {
		return *durationFlag
	}
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("SOAK_DURATION=%q is not a positive duration, such as 60s", v)
		}
		return d
	}
	return defaultDuration
}

// maxCalls bounds the calls of a run: every attempt waits at least the latency, so no client
// makes more than duration/latency of them.
func maxCalls(clients int, duration time.Duration) int {
	return clients * int(duration/latency)
}

// attemptsFor returns the fewest attempts per call that keep the expected number of calls
// failing every attempt below maxExpectedFailures: with n calls at most and each attempt failing
// independently with probability failRate, n × failRate^k < maxExpectedFailures.
func attemptsFor(clients int, duration time.Duration) int {
	n := float64(maxCalls(clients, duration))
	k := int(math.Ceil(math.Log(maxExpectedFailures/n) / math.Log(failRate)))
	for n*math.Pow(failRate, float64(k)) >= maxExpectedFailures {
		k++
	}
	return max(k, 1)
}

func TestAttemptsFor(t *testing.T) {
	for _, tt := range []struct {
		clients  int
		duration time.Duration
		want     int
	}{
		{16, 5 * time.Second, 16},  // 80,000 calls at most: 80e3 × 0.2^16 = 5.2e-7
		{16, time.Minute, 18},      // 960,000: 960e3 × 0.2^18 = 2.5e-7
		{4, 5 * time.Second, 15},   // 20,000: 20e3 × 0.2^15 = 6.6e-7
		{1, time.Millisecond, 9},   // 1: 0.2^9 = 5.1e-7
		{16, 10 * time.Minute, 19}, // 9.6e6: 9.6e6 × 0.2^19 = 5.0e-7
	} {
		got := attemptsFor(tt.clients, tt.duration)
		n := float64(maxCalls(tt.clients, tt.duration))
		if got != tt.want || n*math.Pow(failRate, float64(got)) >= maxExpectedFailures || n*math.Pow(failRate, float64(got-1)) < maxExpectedFailures {
			t.Errorf("attemptsFor(%d, %v) = %d, want %d", tt.clients, tt.duration, got, tt.want)
		}
	}
}

// worker is one client, calling until the context ends.
type worker struct {
	client *client.Client
	rng    *rand.Rand

	calls     int
	failures  []error
	latencies histogram
}

// run lists pages of the cluster, of random offsets and sizes, until ctx ends. A call in flight
// then finishes: it runs under a context of its own.
func (w *worker) run(ctx context.Context) {
	for ctx.Err() == nil {
		opts := &client.ListOptions{Offset: w.rng.IntN(clusterSize + 1), Limit: 1 + w.rng.IntN(client.MaxPageSize)}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
		start := time.Now()
		page, err := w.client.ListConnections(cctx, "soak-cluster", opts)
		w.latencies.add(time.Since(start))
		cancel()
		w.calls++
		switch {
		case err != nil:
			w.failures = append(w.failures, err)
		case page.TotalCount != clusterSize || len(page.Connections) != min(opts.Limit, clusterSize-opts.Offset):
			w.failures = append(w.failures, fmt.Errorf("offset %d, limit %d: %d connections of %d", opts.Offset, opts.Limit, len(page.Connections), page.TotalCount))
		}
	}
}

// wireCounter counts the requests sent and the injected failures answered.
type wireCounter struct {
	requests, tooMany, unavailable atomic.Int64
}

// countingTransport counts every request it sends, and the 429 and 503 answers, in counts.
type countingTransport struct {
	next   http.RoundTripper
	counts *wireCounter
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.counts.requests.Add(1)
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		c.counts.tooMany.Add(1)
	case http.StatusServiceUnavailable:
		c.counts.unavailable.Add(1)
	}
	return resp, nil
}

// CloseIdleConnections passes the call on, for the http.Client's.
func (c *countingTransport) CloseIdleConnections() {
	if ci, ok := c.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// histogram counts durations in buckets 1/64 of a power of two wide (64 exact ones below 64ns),
// so that its size stays the same however long the soak runs; a quantile is the upper bound of
// its bucket, at most 1.6% above the true value.
type histogram struct {
	counts [64 * 64]uint64
	n      uint64
	max    time.Duration
}

// bucket returns the index of d's bucket.
func bucket(d time.Duration) int {
	v := uint64(max(d, 0))
	if v < 64 {
		return int(v)
	}
	e := bits.Len64(v) - 7 // v>>e is in [64, 128)
	return (e+1)*64 + int(v>>e) - 64
}

// upper returns the largest duration of bucket i.
func upper(i int) time.Duration {
	if i < 64 {
		return time.Duration(i)
	}
	e, m := i/64-1, uint64(i%64+64)
	return time.Duration((m+1)<<e - 1)
}

func (h *histogram) add(d time.Duration) {
	h.counts[bucket(d)]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the duration q (0 to 1) of the recorded ones are at most, 0 when none are.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	target := uint64(math.Ceil(q * float64(h.n)))
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= max(target, 1) {
			return min(upper(i), h.max)
		}
	}
	return h.max
}

func TestHistogram(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Microsecond)
	}
	for _, tt := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, time.Millisecond}} {
		got := h.quantile(tt.q)
		if got < tt.want || float64(got) > float64(tt.want)*1.016 {
			t.Errorf("quantile(%v) = %v, want %v to 1.6%% above", tt.q, got, tt.want)
		}
	}
	for _, d := range []time.Duration{0, 1, 63, 64, 127, 128, 1000, time.Second, time.Hour, math.MaxInt64} {
		if i := bucket(d); upper(i) < d || i > 0 && upper(i-1) >= d {
			t.Errorf("%v is in bucket %d, up to %v", d, i, upper(i))
		}
	}
}

// memory is what /proc/self/status says of the process's resident memory, in bytes.
type memory struct{ rss, hwm uint64 }

// readMemory reads VmRSS and VmHWM (the peak) from /proc/self/status; ok is false where there
// is no such file (anything but Linux).
func readMemory() (m memory, ok bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return memory{}, false
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) != 3 || fields[2] != "kB" {
			continue
		}
		kb, err := strconv.ParseUint(fields[1], 10, 64)
		if err != nil {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			m.rss = kb << 10
		case "VmHWM:":
			m.hwm = kb << 10
		}
	}
	return m, m.rss > 0 && m.hwm > 0
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
