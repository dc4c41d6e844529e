package contract_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
)

// discardWriter is a ResponseWriter that costs nothing, so a benchmark measures the handler.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

func serveLoop(b *testing.B, h http.Handler) {
	req := httptest.NewRequest(http.MethodGet, connectionsPath+"?offset=0&limit=10", nil)
	req.Header.Set("X-Auth-Token", secret)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

// handlers are the emulator stand-in bare and behind the middleware in its modes.
func handlers(tb testing.TB, current string) map[string]http.Handler {
	bare := emulatorHandler(tb, current)
	mw := func(opts ...contract.Option) http.Handler {
		h, err := contract.NewMiddleware(bare, opts...)
		if err != nil {
			tb.Fatal(err)
		}
		return h
	}
	return map[string]http.Handler{
		"bare":              bare,
		"validated":         mw(),
		"validated+secured": mw(contract.WithSecurityCheck(true)),
		"validated+strict":  mw(contract.WithResponseValidation(true)),
	}
}

func BenchmarkMiddleware(b *testing.B) {
	hs := handlers(b, example(b, api.ExampleCurrent))
	for _, name := range []string{"bare", "validated", "validated+secured", "validated+strict"} {
		b.Run(name, func(b *testing.B) { serveLoop(b, hs[name]) })
	}
}
