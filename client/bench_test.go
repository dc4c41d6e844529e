package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/pagegen"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks of BENCHMARKS.md (make bench). Every one calls an in-process loopback server
// that writes pre-encoded bytes, so what differs between the sub-benchmarks of one benchmark
// is the calling side alone. Sub-benchmarks are named key=value so that benchstat can put the
// baseline and the contenders side by side (benchstat -col /impl); the baseline runs first.
// Nothing here runs in go test without -bench, and nothing is built before a benchmark runs.

const (
	benchProject = "p-bench"
	benchCluster = "c-bench"
	benchToken   = "tok-bench"
)

// BenchmarkDocExample is one call for the current page's example (2 connections, from the
// spec): package client against the floor, a raw net/http call decoding with encoding/json.
func BenchmarkDocExample(b *testing.B) {
	url := serveBytes(b, fixedBody(specExampleBody(b, api.ExampleCurrent)))
	b.Run("impl=raw", func(b *testing.B) { benchLoop(b, rawCall(b, url, "", 2)) })
	b.Run("impl=client", func(b *testing.B) { benchLoop(b, clientCall(b, url, 2)) })
}

// BenchmarkLargePage is one call for a page of the documented maximum, 1,000 connections:
// package client against the generated client (io.ReadAll and encoding/json).
func BenchmarkLargePage(b *testing.B) {
	body := pageBody(0, 1000, 1000)
	b.Logf("a page of 1000 connections is %d bytes", len(body))
	url := serveBytes(b, fixedBody(body))
	b.Run("impl=generated", func(b *testing.B) { benchLoop(b, generatedCall(b, url, 1000)) })
	b.Run("impl=client", func(b *testing.B) { benchLoop(b, clientCall(b, url, 1000)) })
}

// BenchmarkValidation is one call of package client with run-time validation off, in report
// mode and in fail mode, for the doc example and for a page of 1,000 connections.
func BenchmarkValidation(b *testing.B) {
	for _, pc := range []struct {
		n    int
		body []byte
	}{
		{2, specExampleBody(b, api.ExampleCurrent)},
		{1000, pageBody(0, 1000, 1000)},
	} {
		url := serveBytes(b, fixedBody(pc.body))
		for _, mode := range []string{"off", "report", "fail"} {
			b.Run(fmt.Sprintf("page=%d/validation=%s", pc.n, mode), func(b *testing.B) {
				benchLoop(b, clientCall(b, url, pc.n, validation(b, mode)...))
			})
		}
	}
}

// BenchmarkPageSize is one call of package client for pages of 10 to 1,000 connections (the
// documented maximum page; the client refuses a page larger than the limit it asked for), with
// the time, bytes and allocations per connection (ns/conn, B/conn, allocs/conn).
func BenchmarkPageSize(b *testing.B) {
	// 1,000 is the most a page can hold: a page larger than the limit asked for is refused.
	for _, n := range []int{10, 100, 300, 1000} {
		url := serveBytes(b, fixedBody(pageBody(0, n, n)))
		b.Run("conns="+strconv.Itoa(n)+"/impl=client", func(b *testing.B) {
			perConn(b, n, clientCall(b, url, n))
		})
	}
}

// BenchmarkAllConnections reads 2,000 connections, the furthest the documented ranges reach,
// as two pages of 1,000: two raw net/http calls decoding with encoding/json (the floor), two
// ListConnections calls, and AllConnections (which also checks every ID for repeats).
func BenchmarkAllConnections(b *testing.B) {
	url := serveBytes(b, twoPages())
	b.Run("conns=2000/impl=raw-2-pages", func(b *testing.B) { benchLoop(b, rawTwoPages(b, url)) })
	b.Run("conns=2000/impl=client-2-pages", func(b *testing.B) { benchLoop(b, clientTwoPages(b, url)) })
	b.Run("conns=2000/impl=client-AllConnections", func(b *testing.B) { benchLoop(b, allConnections(b, url)) })
}

// BenchmarkPaired measures the ratios of BENCHMARKS.md's targets robustly on a shared, noisy
// machine: each iteration makes one baseline call and one contender call, in alternating
// order, timing each, so that both see the same load. It reports each side's mean time per call
// (base-µs, contender-µs), the ratio of the means (ratio, contender/base) and the ratio of
// the medians (p50-ratio). Allocations (B/op, allocs/op) are those of the pair; the per-side
// ones are in the benchmarks above. A GC cycle one side's garbage starts may slow the other
// side's call, which narrows a difference a little.
func BenchmarkPaired(b *testing.B) {
	doc := serveBytes(b, fixedBody(specExampleBody(b, api.ExampleCurrent)))
	large := serveBytes(b, fixedBody(pageBody(0, 1000, 1000)))
	two := serveBytes(b, twoPages())
	b.Run("a=doc-example/raw-vs-client", func(b *testing.B) {
		pairLoop(b, rawCall(b, doc, "", 2), clientCall(b, doc, 2))
	})
	b.Run("b=1000/generated-vs-client", func(b *testing.B) {
		pairLoop(b, generatedCall(b, large, 1000), clientCall(b, large, 1000))
	})
	for _, page := range []struct {
		n   int
		url string
	}{{2, doc}, {1000, large}} {
		for _, mode := range []string{"report", "fail"} {
			b.Run(fmt.Sprintf("c=%d/off-vs-%s", page.n, mode), func(b *testing.B) {
				pairLoop(b, clientCall(b, page.url, page.n), clientCall(b, page.url, page.n, validation(b, mode)...))
			})
		}
	}
	b.Run("e=2000/raw-2-pages-vs-AllConnections", func(b *testing.B) {
		pairLoop(b, rawTwoPages(b, two), allConnections(b, two))
	})
}

// The calls: each returns a function making one call (or the calls of one read) and failing
// the benchmark unless it returns want connections.

func rawCall(b *testing.B, url, query string, want int) func(context.Context) {
	hc := benchHTTPClient(b)
	target := url + connectionsPath() + query
	return func(ctx context.Context) {
		if _, err := rawList(ctx, hc, target, want); err != nil {
			b.Fatal(err)
		}
	}
}

func clientCall(b *testing.B, url string, want int, opts ...client.Option) func(context.Context) {
	c := benchClient(b, url, opts...)
	list := &client.ListOptions{Limit: min(max(want, 10), client.MaxPageSize)}
	return func(ctx context.Context) {
		p, err := c.ListConnections(ctx, benchCluster, list)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Connections) != want {
			b.Fatalf("%d connections, want %d", len(p.Connections), want)
		}
	}
}

func generatedCall(b *testing.B, url string, want int) func(context.Context) {
	gen := benchGenerated(b, url)
	limit := api.Limit(min(max(want, 10), client.MaxPageSize))
	params := &api.ShowVpcepConnectionParams{Limit: &limit}
	return func(ctx context.Context) {
		resp, err := gen.ShowVpcepConnectionWithResponse(ctx, benchProject, benchCluster, params)
		if err != nil {
			b.Fatal(err)
		}
		if resp.JSON200 == nil || len(resp.JSON200.Connections) != want {
			b.Fatalf("status %d, not a page of %d", resp.StatusCode(), want)
		}
	}
}

// The pages of twoPages, and how many connections they hold together.
const (
	twoPagesSize  = client.MaxPageSize
	twoPagesTotal = 2 * twoPagesSize
)

func rawTwoPages(b *testing.B, url string) func(context.Context) {
	hc := benchHTTPClient(b)
	return func(ctx context.Context) {
		for offset := 0; offset < twoPagesTotal; offset += twoPagesSize {
			target := fmt.Sprintf("%s%s?offset=%d&limit=%d", url, connectionsPath(), offset, twoPagesSize)
			if _, err := rawList(ctx, hc, target, twoPagesSize); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func clientTwoPages(b *testing.B, url string) func(context.Context) {
	c := benchClient(b, url)
	return func(ctx context.Context) {
		for offset := 0; offset < twoPagesTotal; offset += twoPagesSize {
			p, err := c.ListConnections(ctx, benchCluster, &client.ListOptions{Offset: offset, Limit: twoPagesSize})
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Connections) != twoPagesSize {
				b.Fatalf("%d connections, want %d", len(p.Connections), twoPagesSize)
			}
		}
	}
}

func allConnections(b *testing.B, url string) func(context.Context) {
	c := benchClient(b, url)
	return func(ctx context.Context) {
		got := 0
		for _, err := range c.AllConnections(ctx, benchCluster) {
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != twoPagesTotal {
			b.Fatalf("%d connections, want %d", got, twoPagesTotal)
		}
	}
}

// validation returns the options of a validation mode: off, report or fail.
func validation(b *testing.B, mode string) []client.Option {
	switch mode {
	case "report":
		return []client.Option{client.WithValidation(client.ValidationReport, failOnProblem(b))}
	case "fail":
		return []client.Option{client.WithValidation(client.ValidationFail, failOnProblem(b))}
	}
	return nil
}

// benchLoop runs call b.N times, timing only the loop.
func benchLoop(b *testing.B, call func(context.Context)) {
	b.Helper()
	ctx := context.Background()
	call(ctx) // one untimed call opens the connection
	b.ResetTimer()
	for range b.N {
		call(ctx)
	}
}

// perConn is benchLoop reporting the time, bytes and allocations per connection of a page of
// n (the allocations of the whole process, the in-process server's included, as -benchmem's).
func perConn(b *testing.B, n int, call func(context.Context)) {
	b.Helper()
	ctx := context.Background()
	call(ctx)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		call(ctx)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	per := float64(b.N) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/conn")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/conn")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/conn")
}

// pairLoop makes b.N pairs of calls, base then contender on even iterations, contender then
// base on odd ones, and reports each side's mean and the ratios (see BenchmarkPaired).
func pairLoop(b *testing.B, base, contender func(context.Context)) {
	b.Helper()
	ctx := context.Background()
	base(ctx)
	contender(ctx)
	baseTimes := make([]time.Duration, 0, b.N)
	contenderTimes := make([]time.Duration, 0, b.N)
	timed := func(call func(context.Context), into *[]time.Duration) {
		start := time.Now()
		call(ctx)
		*into = append(*into, time.Since(start))
	}
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			timed(base, &baseTimes)
			timed(contender, &contenderTimes)
		} else {
			timed(contender, &contenderTimes)
			timed(base, &baseTimes)
		}
	}
	b.StopTimer()
	sum := func(ds []time.Duration) (total time.Duration) {
		for _, d := range ds {
			total += d
		}
		return total
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	bt, ct := sum(baseTimes), sum(contenderTimes)
	b.ReportMetric(float64(bt.Nanoseconds())/1e3/float64(b.N), "base-µs")
	b.ReportMetric(float64(ct.Nanoseconds())/1e3/float64(b.N), "contender-µs")
	b.ReportMetric(float64(ct)/float64(bt), "ratio")
	b.ReportMetric(float64(median(contenderTimes))/float64(median(baseTimes)), "p50-ratio")
}

// serveBytes starts a loopback server answering every request with body(r), pre-encoded, and
// returns its URL. It stops when b ends.
func serveBytes(b *testing.B, body func(*http.Request) []byte) string {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data := body(r)
		if data == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(data)))
		h.Set("X-Request-Id", "req-bench")
		_, _ = w.Write(data)
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// fixedBody answers every request with body.
func fixedBody(body []byte) func(*http.Request) []byte {
	return func(*http.Request) []byte { return body }
}

// twoPages answers with the page of twoPagesSize connections at the request's offset (0 or
// twoPagesSize) of twoPagesTotal.
func twoPages() func(*http.Request) []byte {
	pages := map[string][]byte{
		"0":                        pageBody(0, twoPagesSize, twoPagesTotal),
		strconv.Itoa(twoPagesSize): pageBody(twoPagesSize, twoPagesSize, twoPagesTotal),
	}
	return func(r *http.Request) []byte {
		offset := r.URL.Query().Get("offset")
		if offset == "" {
			offset = "0"
		}
		return pages[offset]
	}
}

// benchHTTPClient returns an HTTP client with a transport of its own, closed when b ends.
func benchHTTPClient(b *testing.B) *http.Client {
	b.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// benchClient returns a package client Client for url with a token and opts.
func benchClient(b *testing.B, url string, opts ...client.Option) *client.Client {
	b.Helper()
	c, err := client.New(append([]client.Option{
		client.WithEndpoint(url),
		client.WithProjectID(benchProject),
		client.WithToken(benchToken),
		client.WithHTTPClient(benchHTTPClient(b)),
	}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchGenerated returns the generated client for url with a token.
func benchGenerated(b *testing.B, url string) *api.ClientWithResponses {
	b.Helper()
	c, err := api.NewClientWithResponses(url,
		api.WithHTTPClient(benchHTTPClient(b)),
		api.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("X-Auth-Token", benchToken)
			return nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// failOnProblem is a validation report function that fails the benchmark: every page served
// here matches the spec, so a problem is a bug in the benchmark.
func failOnProblem(b *testing.B) func(*contract.ValidationError) {
	var problems atomic.Int64
	b.Cleanup(func() {
		if n := problems.Load(); n > 0 {
			b.Errorf("run-time validation found %d problems", n)
		}
	})
	return func(*contract.ValidationError) { problems.Add(1) }
}

func connectionsPath() string {
	return "/v1.0/" + benchProject + "/clusters/" + benchCluster + "/vpcepservice/connections"
}

// rawList is the floor: what a caller writes with net/http and encoding/json alone.
func rawList(ctx context.Context, hc *http.Client, url string, want int) (*api.ConnectionList, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Auth-Token", benchToken)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var list api.ConnectionList
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	if len(list.Connections) != want {
		return nil, fmt.Errorf("%d connections, want %d", len(list.Connections), want)
	}
	return &list, nil
}

// specExampleBody returns a response example of the spec as JSON.
func specExampleBody(b *testing.B, name string) []byte {
	b.Helper()
	data, err := api.Example(name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// pageBody is pagegen.Body: a page of n connections starting at connection number from, of
// total in all, about 225 kB for 1,000.
func pageBody(from, n, total int) []byte { return pagegen.Body(from, n, total) }
