package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// ErrResponseTooLarge is the error (errors.Is matches it) of a call whose response body is
// larger than the limit set with WithMaxResponseSize.
var ErrResponseTooLarge = errors.New("client: response body exceeds the size limit")

const (
	// errorBodyLimit is how much of an error response's body is read for the message: far more
	// than any CSS error body, far less than a proxy's error page could be.
	errorBodyLimit = 64 << 10
	// drainLimit is how much of an unread rest of a body is read and discarded before closing,
	// so that the connection can be reused; a longer rest is cut off with the connection.
	drainLimit = 64 << 10
	// maxPresize bounds the buffer sized from a Content-Length before any byte has arrived:
	// the header is the server's word, not bytes received. A page of the documented maximum
	// of 1,000 connections is about 250 kB, so a real body fits; a larger one grows the
	// buffer as its bytes arrive.
	maxPresize = 1 << 20
)

func tooLarge(limit int64) error {
	return fmt.Errorf("%w: more than %d bytes (WithMaxResponseSize)", ErrResponseTooLarge, limit)
}

// limitedBody reads at most limit bytes of r. The first read that goes past the limit fails
// with ErrResponseTooLarge; it never reads more than one byte beyond the limit. err keeps the
// first failure, the size error or one of r's (io.EOF aside), so that the caller can tell a
// body that could not be read, which may be worth retrying, from one that does not decode.
type limitedBody struct {
	r     io.Reader
	left  int64
	limit int64
	err   error
}

func newLimitedBody(r io.Reader, limit int64) *limitedBody {
	return &limitedBody{r: r, left: limit, limit: limit}
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left+1] // one byte more tells "exactly the limit" from "more"
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		b.err = tooLarge(b.limit)
		n, b.left = int(b.left), 0
		return n, b.err
	}
	b.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		b.err = err
	}
	return n, err
}

// bodyBufs holds read buffers between calls: a decoded result keeps nothing of the bytes it
// was decoded from (every string is copied), so a buffer can be reused once a body is decoded.
var bodyBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuf keeps an unusually large body's buffer out of the pool.
const maxPooledBuf = 1 << 20

// readBody reads a whole 2xx body of at most limit bytes into a pooled buffer; release gives
// the buffer back once the body is decoded. contentLength (-1 when unknown) sizes the buffer
// up to maxPresize, so that a real body is read without the buffer doubling and a lying
// header costs no memory. A body over the limit fails with ErrResponseTooLarge as soon as the
// limit is passed; a failed read returns the reader's error.
func readBody(r io.Reader, contentLength, limit int64) (data []byte, release func(), err error) {
	if contentLength > limit {
		return nil, func() {}, tooLarge(limit)
	}
	buf := bodyBufs.Get().(*bytes.Buffer)
	release = func() {
		if buf.Cap() <= maxPooledBuf {
			buf.Reset()
			bodyBufs.Put(buf)
		}
	}
	if contentLength > 0 {
		// Room for the whole body plus the MinRead that ReadFrom wants free before each read.
		buf.Grow(int(min(contentLength, maxPresize)) + bytes.MinRead)
	}
	body := newLimitedBody(r, limit)
	if _, err := buf.ReadFrom(body); err != nil {
		release()
		return nil, func() {}, err
	}
	return buf.Bytes(), release, nil
}

// readErrorBody reads up to errorBodyLimit bytes (at most limit) of an error response's body.
// What cannot be read is left out: the status is the error, the body only explains it.
func readErrorBody(body io.Reader, limit int64) []byte {
	data, _ := io.ReadAll(io.LimitReader(body, min(limit, errorBodyLimit)))
	return data
}

// drainAndClose discards up to drainLimit bytes of what is left of body and closes it.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, drainLimit)
	_ = body.Close()
}
