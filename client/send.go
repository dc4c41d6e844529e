package client

import (
	"errors"
	"net"
	"net/http"
	"net/url"
)

// SendError is an attempt that got no answer: the request could not be sent, or the
// connection failed before the whole response arrived. Its message names the operation, the
// method and the URL the client asked for (never a redirect's Location, which the server
// chose), and the cause, bounded and with any credential the server echoed masked.
// errors.Is and errors.As reach the cause (io.ErrUnexpectedEOF, syscall.ECONNRESET, a
// timeout, ...).
type SendError struct {
	// Operation is the API operation called, such as ShowVpcepConnection.
	Operation string
	// Method and URL are the request's, as the client built it.
	Method, URL string
	// NotSent reports that the attempt provably did not reach the service: no connection
	// could be made, or no request of the attempt was written whole. Such an attempt is safe
	// to repeat for any operation (see NotProcessed).
	NotSent bool

	err error
}

// Error returns "client: <operation>: <method> <url>: <cause>".
func (e *SendError) Error() string {
	return "client: " + e.Operation + ": " + e.Method + " " + e.URL + ": " + e.err.Error()
}

// Unwrap returns the cause.
func (e *SendError) Unwrap() error { return e.err }

// sendError builds the *SendError of an attempt whose http.Client.Do failed with err.
func (a *attempt) sendError(op *Operation, err error) *SendError {
	e := &SendError{Operation: op.ID, Method: op.Method, URL: a.url}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // url.Error quotes the URL of the last request, a redirect's among them
	}
	e.NotSent = !a.wrote.Load() && (isDialError(err) || a.gotConn.Load() && !isTimeout(err))
	e.err = a.mask.err(err)
	return e
}

// NotProcessed reports whether a failed attempt provably did not reach the service, so that
// sending the request again cannot do twice what it asks: the API Gateway answered 429 (it
// throttles before the service sees the request), the service refused it with CSS.0011
// because another operation is in progress (IsBusy), or the request was never written whole (a
// connection refused, or reset before the request was out; see SendError.NotSent). A timeout
// while waiting for the answer, a 5xx, or a connection lost after the request was written do
// not count: the service may have acted. The client retries an operation that is not
// idempotent only when this holds.
func NotProcessed(resp *http.Response, err error) bool {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests || IsBusy(err) {
		return true
	}
	var se *SendError
	return errors.As(err, &se) && se.NotSent
}

// isDialError reports whether err is a failure to connect: no request can have left.
func isDialError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// isTimeout reports whether err is a timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
