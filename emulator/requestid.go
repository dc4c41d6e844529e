package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// requestIDs is the outermost layer: it gives every response an X-Request-Id before any other
// layer can answer, and logs every request with it.
type requestIDs struct {
	next   http.Handler
	prefix [8]byte // hex of 4 random bytes per emulator, so two emulators' IDs differ
	n      atomic.Uint64
	log    *slog.Logger
}

func newRequestIDs(next http.Handler, log *slog.Logger) *requestIDs {
	l := &requestIDs{next: next, log: log}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	hex.Encode(l.prefix[:], b[:])
	return l
}

// id returns a new ID: 32 hex digits, like the gateway's, from the prefix and a counter.
func (l *requestIDs) id() string {
	var b [32]byte
	copy(b[:8], l.prefix[:])
	n := l.n.Add(1)
	const digits = "0123456789abcdef"
	for i := 31; i >= 8; i-- {
		b[i] = digits[n&15]
		n >>= 4
	}
	return string(b[:])
}

// ServeHTTP sets X-Request-Id and serves the request, logging it when the logger wants Info.
func (l *requestIDs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := l.id()
	w.Header()[csserr.HeaderRequestID] = []string{id}
	if !l.log.Enabled(r.Context(), slog.LevelInfo) {
		l.next.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	l.next.ServeHTTP(sw, r)
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	// The path, never the query or headers: a query could carry a signature, headers carry
	// the credentials. Both come from the client, so they are bounded.
	l.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("request_id", id),
		slog.String("method", csserr.Bounded(r.Method, quote.Max)),
		slog.String("path", csserr.Bounded(r.URL.EscapedPath(), csserr.MaxPath)),
		slog.Int("status", sw.status),
		slog.Duration("duration", time.Since(start)))
}

// statusWriter remembers the status a handler sends, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the final status and sends it.
func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write sends p, recording the implicit 200.
func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
