package contract

import (
	"bytes"
	"io"
	"math"
	"net/http"
)

// maxPresize bounds the buffer a Content-Length sizes before any byte has arrived: 1 MiB, four
// times a page of 1,000 connections, so a real body is still read without the buffer doubling.
const maxPresize = 1 << 20

// readBounded reads body up to limit bytes. over reports that body holds more: data then holds
// limit+1 bytes and the rest is still unread in body, so nothing is lost for restoreBody.
// sizeHint (a Content-Length, or -1) sizes the buffer so a known body is read in one go, up to
// maxPresize: a header is only a claim, so the buffer grows past that only as bytes arrive.
func readBounded(body io.Reader, limit, sizeHint int64) (data []byte, over bool, err error) {
	max := limit
	if max < math.MaxInt64 {
		max++
	}
	var buf bytes.Buffer
	if sizeHint > 0 && sizeHint <= max {
		buf.Grow(int(min(sizeHint, maxPresize)) + bytes.MinRead) // +MinRead: ReadFrom wants room to see EOF
	}
	_, err = buf.ReadFrom(io.LimitReader(body, max))
	data = buf.Bytes()
	return data, int64(len(data)) > limit, err
}

// restoreBody gives back a body equal to the one readBounded read from: the bytes read, then
// what is left of orig (after an oversize read) or readErr (after a failed one). Closing it
// closes orig.
func restoreBody(data []byte, orig io.ReadCloser, over bool, readErr error) io.ReadCloser {
	var r io.Reader = bytes.NewReader(data)
	switch {
	case readErr != nil:
		r = io.MultiReader(r, errReader{readErr})
	case over:
		r = io.MultiReader(r, orig)
	}
	return readCloser{Reader: r, Closer: orig}
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// hasBody reports whether a request body must be read: nil and http.NoBody (what the server
// gives a request without one) need not.
func hasBody(body io.ReadCloser) bool {
	return body != nil && body != http.NoBody
}
