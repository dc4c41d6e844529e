package emulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/cssvpcep/cssvpcep/signer"
)

// benchParallelism times GOMAXPROCS is the number of clients sending at once in
// BenchmarkEmulator and BenchmarkEmulatorLoad: 8 on a 2-core machine.
const benchParallelism = 4

// BenchmarkEmulator is the emulator against a bare handler writing the same bytes (the same
// headers, the same body), both over real HTTP on loopback, served and called in this process
// by the same parallel clients sending the same requests (credentials included): what differs
// is the server side alone. Each pair reports ns/op, the throughput (req/s) and the latency
// percentiles of single requests (p50-µs, p99-µs). Compare the pairs with
// benchstat -col /server (BENCHMARKS.md); BenchmarkEmulatorLoad interleaves the two servers
// more finely, for the throughput ratio.
func BenchmarkEmulator(b *testing.B) {
	for _, c := range emulatorCases(b) {
		b.Run("case="+c.name+"/server=bare", func(b *testing.B) { serveParallel(b, c.bare, c.target, c.prepare) })
		b.Run("case="+c.name+"/server=emulator", func(b *testing.B) { serveParallel(b, c.emulator, c.target, c.prepare) })
	}
}

// emulatorCase is an emulator and a bare handler answering its request with the bytes it
// answers with.
type emulatorCase struct {
	name, target   string
	emulator, bare http.Handler
	prepare        func(*http.Request) error // adds the credentials; nil for none
}

// emulatorCases are the built-in seed's current example without authentication, synthetic
// pages of 10, 100 and 1,000 connections, and the current example with token and with AK/SK
// authentication on, as `cssvpcep serve --token` or `--ak/--sk` runs it, and with a token the
// emulator's IAM issued (1 KB, looked up and its expiry and scope checked).
func emulatorCases(b *testing.B) []emulatorCase {
	b.Helper()
	creds, err := signer.NewCredentials(testAK, testSK)
	if err != nil {
		b.Fatal(err)
	}
	withToken := func(r *http.Request) error {
		r.Header.Set("X-Auth-Token", testToken)
		return nil
	}
	sign := func(r *http.Request) error { return signer.Sign(r, creds, time.Now()) }
	var cases []emulatorCase
	for _, c := range []struct {
		name, target string
		opts         []emulator.Option
		prepare      func(*http.Request) error
	}{
		{"default", defaultPath, nil, nil},
		{"page10", connectionsPath("p", "c") + "?offset=5&limit=10", []emulator.Option{emulator.WithSynthetic("p", "c", 100)}, nil},
		{"page100", connectionsPath("p", "c") + "?limit=100", []emulator.Option{emulator.WithSynthetic("p", "c", 100)}, nil},
		{"page1000", connectionsPath("p", "c") + "?limit=1000", []emulator.Option{emulator.WithSynthetic("p", "c", 1000)}, nil},
		{"token", defaultPath, []emulator.Option{emulator.WithToken(testToken)}, withToken},
		{"aksk", defaultPath, []emulator.Option{emulator.WithAccessKey(testAK, testSK)}, sign},
		{"issued", defaultPath, []emulator.Option{emulator.WithIAMUser(testUser, testPassword, "")}, nil}, // a token of the IAM: prepared below
	} {
		e, err := emulator.New(c.opts...)
		if err != nil {
			b.Fatal(err)
		}
		if c.name == "issued" {
			c.prepare = benchSignIn(b, e)
		}
		req := httptest.NewRequest(http.MethodGet, c.target, nil)
		if c.prepare != nil {
			if err := c.prepare(req); err != nil {
				b.Fatal(err)
			}
		}
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d: %s", c.name, rec.Code, rec.Body)
		}
		body, id := rec.Body.Bytes(), rec.Header().Get("X-Request-Id")
		bare := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", id)
			_, _ = w.Write(body)
		})
		cases = append(cases, emulatorCase{name: c.name, target: c.target, emulator: e.Handler(), bare: bare, prepare: c.prepare})
	}
	return cases
}

// benchSignIn signs in at e's IAM and returns what sets the token it issued on a request.
func benchSignIn(b *testing.B, e *emulator.Emulator) func(*http.Request) error {
	b.Helper()
	req := httptest.NewRequest(http.MethodPost, "/v3/auth/tokens", strings.NewReader(signInBody(testPassword, emulator.DefaultProjectName)))
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, req)
	token := rec.Header().Get("X-Subject-Token")
	if rec.Code != http.StatusCreated || token == "" {
		b.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	return func(r *http.Request) error {
		r.Header.Set("X-Auth-Token", token)
		return nil
	}
}

// serveParallel serves h on loopback and sends it b.N requests for target from parallel
// clients, each request prepared by prepare (nil: sent as it is). Besides ns/op it reports
// the throughput and the 50th and 99th percentiles of the requests' durations.
func serveParallel(b *testing.B, h http.Handler, target string, prepare func(*http.Request) error) {
	s := startLoadServer(b, h, target, prepare)
	var (
		mu  sync.Mutex
		all []time.Duration
	)
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var durations []time.Duration
		defer func() {
			mu.Lock()
			defer mu.Unlock()
			all = append(all, durations...)
		}()
		for pb.Next() {
			d, err := s.send()
			if err != nil {
				b.Error(err)
				return
			}
			durations = append(durations, d)
		}
	})
	b.StopTimer()
	reportLatency(b, "", all)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// loadServer is a handler served on loopback and a client of its own to call it with.
type loadServer struct {
	hc      *http.Client
	url     string
	prepare func(*http.Request) error
}

// startLoadServer serves h on loopback until b ends.
func startLoadServer(b *testing.B, h http.Handler, target string, prepare func(*http.Request) error) *loadServer {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	return &loadServer{hc: &http.Client{Transport: tr}, url: srv.URL + target, prepare: prepare}
}

// send makes one request and reads the whole response, returning how long that took, from
// building the request to reading the last byte; a status other than 200 is an error.
func (s *loadServer) send() (time.Duration, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, s.url, nil)
	if err != nil {
		return 0, err
	}
	if s.prepare != nil {
		if err := s.prepare(req); err != nil {
			return 0, err
		}
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	return time.Since(start), nil
}

// reportLatency reports the 50th and 99th percentiles of durations, in microseconds, as
// <prefix>p50-µs and <prefix>p99-µs.
func reportLatency(b *testing.B, prefix string, durations []time.Duration) {
	if len(durations) == 0 {
		return
	}
	slices.Sort(durations)
	at := func(p float64) float64 {
		return float64(durations[int(p*float64(len(durations)-1))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), prefix+"p50-µs")
	b.ReportMetric(at(0.99), prefix+"p99-µs")
}
