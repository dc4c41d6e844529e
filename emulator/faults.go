package emulator

import (
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
)

// retryAfter is the Retry-After, in seconds, of an injected 429 or 503.
const retryAfter = "1"

// faults injects latency and failures (WithLatency, WithFailRate) in front of authentication,
// as a gateway or an overloaded service would.
type faults struct {
	next            http.Handler
	latency, jitter time.Duration
	rate            float64
	log             *slog.Logger

	mu  sync.Mutex // guards rng, which is not safe for concurrent use
	rng *rand.Rand
}

func newFaults(next http.Handler, c *config) *faults {
	// The second PCG word is fixed so that the seed alone picks the sequence.
	src := rand.NewPCG(uint64(c.failSeed), 0x6373737670636570) // "cssvpcep"
	return &faults{next: next, latency: c.latency, jitter: c.jitter, rate: c.failRate, log: c.logger, rng: rand.New(src)}
}

// ServeHTTP waits, then answers with an injected failure or passes the request on.
func (f *faults) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	delay, status := f.decide()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client is gone: nobody to answer
		}
	}
	switch status {
	case http.StatusTooManyRequests:
		f.fail(w, r, status, csserr.GatewayLimit, "The throttling threshold has been reached: fault injected by the emulator")
	case http.StatusServiceUnavailable:
		f.fail(w, r, status, csserr.ServerError, "Service unavailable: fault injected by the emulator")
	default:
		f.next.ServeHTTP(w, r)
	}
}

// decide draws the delay and the failure (0 for none) of a request. Both are drawn as the
// request arrives, so that a seed gives the same decisions for the same sequence of requests
// whatever the delays.
func (f *faults) decide() (time.Duration, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delay := f.latency
	if f.jitter > 0 {
		delay += time.Duration(f.rng.Int64N(int64(f.jitter) + 1))
	}
	if f.rate == 0 || f.rng.Float64() >= f.rate {
		return delay, 0
	}
	if f.rng.IntN(2) == 0 {
		return delay, http.StatusTooManyRequests
	}
	return delay, http.StatusServiceUnavailable
}

// fail answers with an injected failure: 429 in the gateway's error shape, 503 in the
// service's.
func (f *faults) fail(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	f.log.LogAttrs(r.Context(), slog.LevelInfo, "fault injected",
		slog.String("request_id", w.Header().Get(csserr.HeaderRequestID)), slog.Int("status", status))
	w.Header().Set("Retry-After", retryAfter)
	if status == http.StatusTooManyRequests {
		writeGatewayError(w, status, code, msg)
		return
	}
	csserr.WriteService(w, status, code, msg)
}
