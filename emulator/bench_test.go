package emulator_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cssvpcep/cssvpcep/emulator"
)

// The emulator against a bare handler writing the same bytes, both over real HTTP on loopback
// with parallel clients: the emulator's overhead per request. Compare the pairs, as in
//
//	go test -run '^$' -bench . -benchtime 2s ./emulator/
func BenchmarkEmulator(b *testing.B) {
	for _, bb := range []struct {
		name, target string
		opts         []emulator.Option
	}{
		{"default", defaultPath, nil},
		{"page10", connectionsPath("p", "c") + "?offset=5&limit=10", []emulator.Option{emulator.WithSynthetic("p", "c", 100)}},
		{"page100", connectionsPath("p", "c") + "?limit=100", []emulator.Option{emulator.WithSynthetic("p", "c", 100)}},
		{"page1000", connectionsPath("p", "c") + "?limit=1000", []emulator.Option{emulator.WithSynthetic("p", "c", 1000)}},
	} {
		e, err := emulator.New(bb.opts...)
		if err != nil {
			b.Fatal(err)
		}
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, bb.target, nil))
		body, id := rec.Body.Bytes(), rec.Header().Get("X-Request-Id")
		bare := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", id)
			_, _ = w.Write(body)
		})
		b.Run(bb.name+"/emulator", func(b *testing.B) { serveParallel(b, e.Handler(), bb.target) })
		b.Run(bb.name+"/bare", func(b *testing.B) { serveParallel(b, bare, bb.target) })
	}
}

func serveParallel(b *testing.B, h http.Handler, target string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	url := srv.URL + target
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				b.Error(err)
				return
			}
			resp, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
