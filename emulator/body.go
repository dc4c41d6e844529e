package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// maxRequestBody is the largest request body the emulator accepts, in bytes. The operations
// take small JSON objects listing endpoint IDs (36-byte UUIDs) or account IDs (32 hex digits),
// at most 100 of them (the spec's bounds), under 40 bytes each quoted with their comma: about
// 4 KiB. 16 KiB holds four times that, and is 1/1024 of what signer.Verify and package
// contract would read by default (16 MiB). Raise it when an operation of the spec needs more;
// nothing else in the emulator knows a size.
const maxRequestBody = 16 << 10

// bodyTimeout bounds how long the body of a request may take to arrive, from the moment the
// emulator sees the request (the latency of WithLatency is added to it): a few kilobytes take
// milliseconds, and a client that stalls is cut off, as readHeaderTimeout cuts off one that
// stalls in its headers.
const bodyTimeout = 10 * time.Second

// bodies is the layer right inside the request ID, in front of every layer that answers: it
// makes a request body cost at most maxRequestBody bytes and bodyTimeout of time, whoever
// reads it and whether or not anyone does.
//
// net/http, when a handler answers without having read a declared body, first reads and
// discards up to 256 KiB of it, so that the connection can be reused; a client that declares a
// body and stalls never gets its answer. This layer therefore marks every answer to a request
// with a body Connection: close, which makes net/http skip that, unless the body has been read
// to its end by the time the answer is written (see watchedBody): a request answered without
// its body being read (a 401, a 405, a 400 for a body the operation does not take) is answered
// at once, and its connection closed. The read deadline bounds what is left: a reader waiting
// for a stalled body, and net/http's closing of the body after the handler returns (at once for
// a body refused by its size, which nobody will read).
type bodies struct {
	next    http.Handler
	timeout time.Duration
}

func newBodies(next http.Handler, c *config) *bodies {
	return &bodies{next: next, timeout: c.bodyTimeout + c.latency + c.jitter}
}

// tooLargeMessage is the message of every 413 the emulator sends.
var tooLargeMessage = "Incorrect parameters: the request body is larger than " + strconv.Itoa(maxRequestBody) + " bytes"

// ServeHTTP answers a body declared larger than maxRequestBody with 413, unread, and serves
// the rest with the body capped and its time bounded. A request without a body costs a
// comparison.
func (b *bodies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		b.next.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	h.Set("Connection", "close")
	rc := http.NewResponseController(w)
	if r.ContentLength > maxRequestBody {
		// Nothing will read this body: net/http's discarding of up to 256 KiB of it after the
		// answer (which a stalled client would hold open forever) fails at once.
		_ = rc.SetReadDeadline(time.Now())
		writeTooLarge(w)
		return
	}
	// Another server than Serve's may not support deadlines; its own timeouts apply then.
	_ = rc.SetReadDeadline(time.Now().Add(b.timeout))
	r.Body = &watchedBody{ReadCloser: http.MaxBytesReader(w, r.Body, maxRequestBody), header: h}
	b.next.ServeHTTP(w, r)
}

// watchedBody is a request body that, once read to its end, lifts the Connection: close that
// bodies set, so that a client sending whole bodies keeps its connection.
type watchedBody struct {
	io.ReadCloser
	header http.Header
	ended  bool
}

// Read reads from the body; at io.EOF, the response may keep the connection open.
func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) && !b.ended {
		b.ended = true
		b.header.Del("Connection")
	}
	return n, err
}

// isTooLarge reports whether err comes from reading past maxRequestBody (a body without a
// Content-Length, which bodies could not refuse up front).
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// writeTooLarge answers 413 in the service's error shape. 413 rather than 400: the request is
// not wrong by the spec but larger than the emulator takes, and 413 says so to any HTTP
// client or proxy; the spec's default response covers it, with the Error body.
func writeTooLarge(w http.ResponseWriter) {
	csserr.WriteService(w, http.StatusRequestEntityTooLarge, csserr.BadRequest, tooLargeMessage)
}

// errBodyTooLarge is the error of the emulator's own handlers' body readers for a body past
// maxRequestBody (readJSON's tooLarge): their callers answer it 413 with writeTooLarge.
var errBodyTooLarge = errors.New(tooLargeMessage)

// readJSON decodes the body of a request to one of the emulator's own handlers (the IAM's,
// EndpointsPath) into v, as the bodies layer in front of them has capped it. It returns "" when
// the body is one JSON value for v, else what is wrong, for the caller's error shape (want says
// what to send); tooLarge when the body went past maxRequestBody (one sent without a
// Content-Length, which bodies could not refuse up front), which the caller answers 413 as the
// spec's paths are answered.
func readJSON(r *http.Request, v any, want string) (problem string, tooLarge bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return fmt.Sprintf("Content-Type %s is not application/json", quote.Value(ct)), false
	}
	data, err := io.ReadAll(r.Body)
	switch {
	case isTooLarge(err):
		return tooLargeMessage, true
	case err != nil:
		return "the request body cannot be read", false
	case len(bytes.TrimSpace(data)) == 0:
		return "the request has no body; " + want, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			// The path of JSON names to the field, and the kind of value found: never a value.
			return fmt.Sprintf("%s is a JSON %s, not %s", csserr.Bounded(te.Field, maxErrorText), te.Value, typeName(te.Type.Kind().String())), false
		}
		return "the body is not a JSON object; " + want, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "the body has more data after the JSON object", false
	}
	return "", false
}
