package client

import (
	"errors"
	"fmt"
	"io"
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
