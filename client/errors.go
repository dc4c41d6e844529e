package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// APIError is an answer of the service (or of a gateway or proxy in front of it) with a status
// other than 2xx. errors.As finds it in the error of any call, retried or not.
type APIError struct {
	// Operation is the API operation called, such as ShowVpcepConnection.
	Operation string
	// StatusCode is the HTTP status, such as 404.
	StatusCode int
	// Code is the CSS error code (errCode, or error_code in the documented shape), such as
	// CSS.3027; empty when the body has none.
	Code string
	// Message is the error message (externalMessage, or error_msg). For a body that is not a
	// CSS error body, such as a proxy's HTML page, it is a short excerpt of the body's text,
	// without tags, control characters or line breaks.
	Message string
	// RequestID is the X-Request-Id response header, for support cases; empty when absent.
	RequestID string
	// RetryAfter is the wait the Retry-After header asks for (429 and 503), 0 when absent.
	RetryAfter time.Duration

	// validation is what run-time validation found wrong with the response, if anything.
	validation *contract.ValidationError
}

// Error returns, on one line, "client: <operation>: <status>: <code>: <message> (request id
// <id>)", leaving out what is empty.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "client: %s: %d", e.Operation, e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case e.Code == "":
		b.WriteString(" (empty body)")
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// Unwrap returns the *contract.ValidationError of a response that also broke the spec, when
// run-time validation is on (WithValidation), else nil.
func (e *APIError) Unwrap() error {
	if e.validation == nil {
		return nil
	}
	return e.validation
}

// ResponseError is a successful (2xx) response that cannot be used: its body does not decode
// into the documented types, lacks a required field, or, with run-time validation in
// ValidationFail mode, breaks the spec. It is not retried: the same request would get the same
// answer.
type ResponseError struct {
	// Operation is the API operation called, such as ShowVpcepConnection.
	Operation string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// RequestID is the X-Request-Id response header; empty when absent.
	RequestID string
	// Err says what is wrong: a decoding error, or a *contract.ValidationError.
	Err error
}

// Error returns "client: <operation>: <status> response does not match the spec (request id
// <id>): <what is wrong>".
func (e *ResponseError) Error() string {
	s := fmt.Sprintf("client: %s: %d response does not match the spec", e.Operation, e.StatusCode)
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *ResponseError) Unwrap() error { return e.Err }

// IsNotFound reports whether err holds an *APIError with status 404 (for ShowVpcepConnection:
// the cluster does not exist).
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports whether err holds an *APIError with status 401: the credentials are
// missing, wrong or expired.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports whether err holds an *APIError with status 403: the credentials do not
// allow the call.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// The CSS error codes the client gives a meaning of its own (error_codes.rst, and the spec's
// deviations open-when-enabled and close-when-disabled).
const (
	// CodeBusy is CSS.0011: another operation is being performed on the cluster. The
	// error-code page gives it the status 202.
	CodeBusy = csserr.Busy
	// CodeNotEnabled is CSS.5182: the VPC endpoint service is not enabled.
	CodeNotEnabled = csserr.NotEnabled
	// CodeAlreadyExists is CSS.0031: the object already exists (409).
	CodeAlreadyExists = csserr.ObjectExists
	// CodeNoCluster is CSS.3027: the cluster does not exist (404), or is not the project's.
	CodeNoCluster = csserr.NoCluster
)

// IsNotEnabled reports whether err holds an *APIError with code CSS.5182: the cluster's VPC
// endpoint service is not enabled, which is how listing connections (and the whitelist) of a
// cluster with the service off fails.
func IsNotEnabled(err error) bool { return hasCode(err, "", CodeNotEnabled) }

// IsAlreadyEnabled reports whether err is EnableVPCEndpointService's on a cluster whose VPC
// endpoint service is enabled already (409 CSS.0031, the object already exists): a caller
// after the state, not the change, treats it as success.
func IsAlreadyEnabled(err error) bool { return hasCode(err, opStart.ID, CodeAlreadyExists) }

// IsAlreadyDisabled reports whether err is DisableVPCEndpointService's on a cluster whose VPC
// endpoint service is disabled already (CSS.5182, not enabled).
func IsAlreadyDisabled(err error) bool { return hasCode(err, opStop.ID, CodeNotEnabled) }

// IsBusy reports whether err holds an *APIError with code CSS.0011: another operation is in
// progress on the cluster (the service answers it with status 202, a success status that is an
// error). The request was refused, not processed: it is worth making again once the cluster's
// task is done (WaitVPCEndpointService), and IsRetryable accepts it.
func IsBusy(err error) bool { return hasCode(err, "", CodeBusy) }

// hasCode reports whether err holds an *APIError of operation op ("" for any) with code.
func hasCode(err error, op, code string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Code == code && (op == "" || apiErr.Operation == op)
}

// IsRateLimited reports whether err holds an *APIError with status 429.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// IsRetryable reports whether err is a failure that may go away when the call is made again
// later, as DefaultRetryPolicy judges it: an *APIError with status 429, 500, 502, 503 or 504
// or with code CSS.0011 (IsBusy),
// a network error (connection refused, reset or aborted, a connection closed early) or a
// timeout. A canceled context, a response that breaks the spec and a body over the size limit
// are not; nor is an *IAMError, whose request the client has already tried as often as
// WithRetry says (retrying the call too would multiply the attempts).
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var ie *IAMError
	if errors.As(err, &ie) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return retryableStatus(apiErr.StatusCode) || apiErr.Code == CodeBusy
	}
	var respErr *ResponseError
	var valErr *contract.ValidationError
	switch {
	case errors.As(err, &respErr), errors.As(err, &valErr),
		errors.Is(err, ErrResponseTooLarge), errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func hasStatus(err error, code int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == code
}

// Bounds of the text taken from a response into an error.
const (
	maxMessageLen   = 512 // a CSS error message
	maxExcerptLen   = 200 // an excerpt of a body that is not a CSS error body
	maxCodeLen      = 64
	maxRequestIDLen = 128
)

// newAPIError builds the error for a response with a status other than 2xx from its status,
// headers and (the start of) its body. Every text taken from the response goes through m.
func newAPIError(op string, resp *http.Response, body []byte, now time.Time, m *masker) *APIError {
	e := newAPIErrorFields(op, resp.StatusCode, resp.Header, decodeErrFields(body), now, m)
	if e.Code == "" && e.Message == "" {
		e.Message = excerpt(body, m)
	}
	return e
}

// newAPIErrorFields builds the error of an answer whose error fields f have been decoded.
func newAPIErrorFields(op string, status int, h http.Header, f errFields, now time.Time, m *masker) *APIError {
	e := &APIError{
		Operation:  op,
		StatusCode: status,
		RequestID:  m.requestID(h),
		Code:       m.line(f.Code(), maxCodeLen),
		Message:    m.line(f.Message(), maxMessageLen),
	}
	if d, ok := parseRetryAfter(h.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}
	return e
}

// errFields are the fields of the two error body shapes: the service's errCode and
// externalMessage, the documented error_code and error_msg. They are looked for in every
// body, a successful one's too: a 2xx that carries a code is an error.
//
// They are the spec's Error body (api.ErrorBody), whose Code and Message pick the shape.
type errFields = api.ErrorBody

// decodeErrFields returns the error fields of a body; none for a body that is not a JSON
// object holding them as strings.
func decodeErrFields(body []byte) errFields {
	var f errFields
	if json.Unmarshal(body, &f) != nil {
		return errFields{}
	}
	return f
}

// firstOf returns the first non-empty value: the service's field before the documented one.
func firstOf(ps ...*string) string {
	for _, p := range ps {
		if p != nil && *p != "" {
			return *p
		}
	}
	return ""
}

var (
	// htmlBlocks are parts of an HTML page whose text is not meant to be read.
	htmlBlocks = regexp.MustCompile(`(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->`)
	htmlTags   = regexp.MustCompile(`(?s)<[^>]*>`)
	htmlTitle  = regexp.MustCompile(`(?is)<title\b[^>]*>(.*?)</title\s*>`)
)

// excerpt turns the start of a body that is not a CSS error body into a short line of text:
// tags, scripts and styles removed, entities decoded, control characters and runs of white
// space made single spaces, at most maxExcerptLen bytes. An HTML page's title comes first,
// and its exact repeats in the text (a proxy's h1, typically) are dropped, so that nginx's
// 502 page reads "502 Bad Gateway nginx/1.25.3".
func excerpt(body []byte, m *masker) string {
	if len(body) > errorBodyLimit {
		body = body[:errorBodyLimit]
	}
	s := string(body)
	if !strings.Contains(s, "<") {
		return m.line(s, maxExcerptLen)
	}
	s = htmlBlocks.ReplaceAllString(s, " ")
	title := ""
	if loc := htmlTitle.FindStringSubmatchIndex(s); loc != nil {
		title = quote.Line(htmlText(s[loc[2]:loc[3]]), maxExcerptLen)
		s = s[:loc[0]] + " " + s[loc[1]:]
	}
	text := htmlText(s)
	if title == "" {
		return m.line(text, maxExcerptLen)
	}
	words, titleWords := strings.Fields(text), strings.Fields(title)
	kept := []string{title}
	for i := 0; i < len(words); {
		if n := len(titleWords); i+n <= len(words) && slices.Equal(words[i:i+n], titleWords) {
			i += n
			continue
		}
		kept = append(kept, words[i])
		i++
	}
	return m.line(strings.Join(kept, " "), maxExcerptLen)
}

// htmlText is the text of a piece of HTML without scripts and styles: tags removed, entities
// decoded, made one line (without a length bound beyond the body's).
func htmlText(s string) string {
	return quote.Line(html.UnescapeString(htmlTags.ReplaceAllString(s, " ")), errorBodyLimit)
}
