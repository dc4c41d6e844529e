// Package csserr is the one place that knows the error codes and the error body shapes that
// package contract's middleware and the emulator answer with, and writes them: both answer in
// the service's shape, {"errCode":"CSS.xxxx","externalMessage":"..."}, or in the API gateway's,
// {"error_code":"APIGW.xxxx","error_msg":"...","request_id":"..."}, so that a client sees the
// same body whichever of them refused its request.
package csserr

import (
	"encoding/json"
	"net/http"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// The codes, from the CSS error code page (error_codes.rst) with the status it gives them, and
// the API gateway's, which it answers before the service is reached.
const (
	// BadRequest is 400 "Incorrect parameters.".
	BadRequest = "CSS.0001"
	// BadMethod is "Invalid operation.", which the page documents with 415; the page has no
	// code for 405, and CSS.0004 is the generic (CSS.00xx) code closest to calling an
	// operation the resource does not have. CSS.5108 "The operation is not supported." reads as
	// close, but the CSS.5xxx codes belong to particular features.
	BadMethod = "CSS.0004"
	// ServerFault is 500 "Server error.".
	ServerFault = "CSS.0005"
	// Busy is 202 "This operation cannot be performed because another operation is being
	// performed on the instance or the instance is faulty. Please try again later."
	Busy = "CSS.0011"
	// AccessDenied is 403 "No resources are found or the access is denied.".
	AccessDenied = "CSS.0015"
	// NoRoute is 404 "Resource not found." (not NoCluster, which is a missing cluster).
	NoRoute = "CSS.0016"
	// NoObject is 404 "The object does not exist.".
	NoObject = "CSS.0028"
	// ObjectExists is 409 "The object already exists.".
	ObjectExists = "CSS.0031"
	// Quota is 400 "Insufficient VPC endpoint quota.".
	Quota = "CSS.0063"
	// NoCluster is 404 "The cluster does not exist!".
	NoCluster = "CSS.3027"
	// NotEnabled is 400 "The VPC endpoint service is not enabled.".
	NotEnabled = "CSS.5182"
	// ServerError is 500 "Failed to process the request.".
	ServerError = "CSS.9999"

	// GatewayAuth is the gateway's 401 "Incorrect IAM authentication information.".
	GatewayAuth = "APIGW.0301"
	// GatewayForbidden is the gateway's 403 "The IAM user is not authorized to access the
	// API.": the credentials are valid, but not for what the request names (a token scoped to
	// another project).
	GatewayForbidden = "APIGW.0302"
	// GatewayLimit is the gateway's 429 "The throttling threshold has been reached.".
	GatewayLimit = "APIGW.0308"
)

// HeaderRequestID is the header that carries a response's request ID.
const HeaderRequestID = "X-Request-Id"

// Service is the service's error body, {"errCode":...,"externalMessage":...}.
func Service(code, msg string) api.Error {
	return api.Error{ErrCode: &code, ExternalMessage: &msg}
}

// Gateway is the API gateway's error body, the documented {"error_code":...,"error_msg":...},
// with the request_id the gateway adds when requestID is not empty.
func Gateway(code, msg, requestID string) api.Error {
	e := api.Error{ErrorCode: &code, ErrorMsg: &msg}
	if requestID != "" {
		e.RequestId = &requestID
	}
	return e
}

// Write answers with status and body as JSON, on one line. Content-Length is dropped (a layer
// may have set it for another body) and X-Content-Type-Options: nosniff set, so that no browser
// takes an echoed value for markup.
func Write(w http.ResponseWriter, status int, body api.Error) {
	data, _ := json.Marshal(body) // api.Error holds only strings
	WriteJSON(w, status, data)
}

// WriteJSON answers with status and data, an encoded JSON value, as Write does: Content-Length
// dropped, nosniff set, a final line break.
func WriteJSON(w http.ResponseWriter, status int, data []byte) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n')) // the client went away; nothing left to tell it
}

// WriteService answers with the service's error body.
func WriteService(w http.ResponseWriter, status int, code, msg string) {
	Write(w, status, Service(code, msg))
}

// MaxPath bounds a path in a message or a log record. It is larger than the quote.Max bytes of
// other values: a path holds two IDs (of up to 256 bytes each for package client), and what
// tells two paths apart is often at the end (a trailing slash, a segment more).
const MaxPath = 256

// Bounded is s for a message or a log record, cut to max bytes (one printable line, marked
// with quote.Ellipsis) when longer. A method and an escaped path, which net/http keeps
// printable and without spaces, are left as they are up to max, unquoted.
func Bounded(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return quote.Line(s, max)
}
