package emulator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// loadBatch is how many requests BenchmarkEmulatorLoad sends to one server before it turns to
// the other: a few milliseconds of work, so that both servers see the same machine.
const loadBatch = 256

// BenchmarkEmulatorLoad is the emulator's throughput against the bare handler's (the cases of
// BenchmarkEmulator), with the two servers taking turns in batches of loadBatch requests from
// the same parallel clients, in alternating order, so that the load other processes put on the
// machine falls on both alike. An op is one request to each server. It reports each server's
// throughput (bare-req/s, emulator-req/s), their ratio (throughput-ratio, emulator/bare) and
// each server's latency percentiles.
func BenchmarkEmulatorLoad(b *testing.B) {
	for _, c := range emulatorCases(b) {
		b.Run("case="+c.name, func(b *testing.B) {
			bare := &loadSide{server: startLoadServer(b, c.bare, c.target, c.prepare)}
			emu := &loadSide{server: startLoadServer(b, c.emulator, c.target, c.prepare)}
			workers := benchParallelism * runtime.GOMAXPROCS(0)
			bare.batch(b, workers, workers) // open the connections
			emu.batch(b, workers, workers)
			*bare, *emu = loadSide{server: bare.server}, loadSide{server: emu.server}
			b.ResetTimer()
			for done, turn := 0, 0; done < b.N; turn++ {
				n := min(loadBatch, b.N-done)
				first, second := bare, emu
				if turn%2 == 1 {
					first, second = emu, bare
				}
				first.batch(b, n, workers)
				second.batch(b, n, workers)
				done += n
			}
			b.StopTimer()
			bareRate := float64(bare.requests) / bare.elapsed.Seconds()
			emuRate := float64(emu.requests) / emu.elapsed.Seconds()
			b.ReportMetric(bareRate, "bare-req/s")
			b.ReportMetric(emuRate, "emulator-req/s")
			b.ReportMetric(emuRate/bareRate, "throughput-ratio")
			reportLatency(b, "bare-", bare.durations)
			reportLatency(b, "emulator-", emu.durations)
		})
	}
}

// loadSide is one server of BenchmarkEmulatorLoad and what its batches took.
type loadSide struct {
	server    *loadServer
	requests  int
	elapsed   time.Duration
	durations []time.Duration
}

// batch sends n requests from workers parallel clients and adds them to the side's totals.
func (s *loadSide) batch(b *testing.B, n, workers int) {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
	)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			var local []time.Duration
			for next.Add(1) <= int64(n) {
				d, err := s.server.send()
				if err != nil {
					b.Error(err)
					return
				}
				local = append(local, d)
			}
			mu.Lock()
			defer mu.Unlock()
			s.durations = append(s.durations, local...)
		})
	}
	wg.Wait()
	s.elapsed += time.Since(start)
	s.requests += n
}

// BenchmarkClientFaults makes b.N calls of package client's ListConnections, one after the
// other, to an emulator with token authentication that answers a fifth of all requests with
// an injected 429 or 503 (WithFailRate(0.2, 1): half each, Retry-After: 1). The client retries
// with its default policy and backoff, at most 10 attempts a call, the waits capped at 2 ms
// (Retry-After is capped at maxWait). Every call must succeed: one that fails stops the
// benchmark, as a correctness failure, not a timing one. It reports the calls, the retries
// (requests the emulator received beyond one a call), the failures (0) and the 50th and 99th
// percentiles of the calls' durations, retries and waits included. The calls are sequential,
// so the seed fixes which requests fail: the same b.N (-benchtime 2000x) gives the same retries.
func BenchmarkClientFaults(b *testing.B) {
	const attempts = 10
	e, err := emulator.New(emulator.WithToken(testToken), emulator.WithFailRate(0.2, 1))
	if err != nil {
		b.Fatal(err)
	}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		e.Handler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, err := client.New(
		client.WithEndpoint(srv.URL),
		client.WithProjectID(emulator.DefaultProjectID),
		client.WithToken(testToken),
		client.WithHTTPClient(&http.Client{Transport: tr}),
		client.WithRetry(attempts, time.Millisecond, 2*time.Millisecond),
	)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		p, err := c.ListConnections(ctx, emulator.DefaultClusterID, nil)
		if err != nil {
			b.Fatalf("call %d of %d failed (%d attempts allowed): %v", i+1, b.N, attempts, err)
		}
		durations = append(durations, time.Since(start))
		if len(p.Connections) == 0 {
			b.Fatalf("call %d of %d: no connections", i+1, b.N)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N), "calls")
	b.ReportMetric(float64(requests.Load()-int64(b.N)), "retries")
	b.ReportMetric(0, "failures") // any failure has stopped the benchmark
	reportLatency(b, "", durations)
}
