package contract

import (
	"bytes"
	"net/http"
)

// teeWriter passes a handler's response through as it is written and keeps what validation
// needs: the final status, the headers as they were sent, and the body up to the limit.
type teeWriter struct {
	http.ResponseWriter
	limit  int64
	status int
	header http.Header
	body   []byte
	over   bool
}

// WriteHeader records the final status and the headers it sends.
func (t *teeWriter) WriteHeader(code int) {
	// 1xx responses are interim; the final status is the one validated.
	if t.status == 0 && code >= 200 {
		t.status = code
		t.header = t.ResponseWriter.Header().Clone() // later changes are not sent, so not judged
	}
	t.ResponseWriter.WriteHeader(code)
}

// Write sends p and keeps a copy while the body is within the limit.
func (t *teeWriter) Write(p []byte) (int, error) {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	if !t.over {
		if int64(len(t.body))+int64(len(p)) > t.limit {
			t.over, t.body = true, nil
		} else {
			t.body = append(t.body, p...)
		}
	}
	return t.ResponseWriter.Write(p)
}

// Flush sends what was written so far, for handlers that stream.
func (t *teeWriter) Flush() {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(t.ResponseWriter).Flush() // not every writer can flush
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// holdWriter keeps a handler's whole response, so that a bad one can be replaced before any of
// it is sent. It has its own header map: nothing the handler sets leaks into a replacement. It
// offers no Flush and no Unwrap, which would let the handler send around it.
type holdWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
	limit  int64
	over   bool
}

// Header returns the held header map.
func (h *holdWriter) Header() http.Header { return h.header }

// WriteHeader holds the final status.
func (h *holdWriter) WriteHeader(code int) {
	if h.status == 0 && code >= 200 { // an interim 1xx cannot be held back, so it is dropped
		h.status = code
	}
}

// Write holds p; past the limit it fails, telling the handler to stop, and the response is
// replaced, since it cannot be validated.
func (h *holdWriter) Write(p []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	if h.over || int64(h.body.Len())+int64(len(p)) > h.limit {
		h.over = true
		return 0, ErrBodyTooLarge
	}
	return h.body.Write(p)
}
