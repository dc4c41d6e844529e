package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// Error codes of the emulator's answers. The CSS ones come from the error code page; the
// gateway's are those the API Gateway in front of CSS answers with before the service is
// reached.
const (
	codeBadRequest   = "CSS.0001"   // 400 Incorrect parameters.
	codeNoCluster    = "CSS.3027"   // 404 The cluster does not exist.
	codeNoRoute      = "CSS.0016"   // 404 Resource not found (as package contract answers it)
	codeBadMethod    = "CSS.0004"   // 405 Invalid operation (as package contract answers it)
	codeServerError  = "CSS.9999"   // 500 (and the injected 503) Failed to process the request.
	codeGatewayAuth  = "APIGW.0301" // 401 Incorrect IAM authentication information.
	codeGatewayLimit = "APIGW.0308" // 429 The throttling threshold has been reached.
)

// headerRequestID carries the request's ID on every response.
const headerRequestID = "X-Request-Id"

// gatewayError is the API Gateway's error body: the documented error_code and error_msg, and
// the request_id the gateway adds.
type gatewayError struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id,omitempty"`
}

// cssError is the service's error body, {"errCode":...,"externalMessage":...}.
func cssError(code, msg string) api.Error {
	return api.Error{ErrCode: &code, ExternalMessage: &msg}
}

// writeCSSError answers with the service's error body.
func writeCSSError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, cssError(code, msg))
}

// writeGatewayError answers with the gateway's error body, carrying the request ID the
// outermost layer set.
func writeGatewayError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, gatewayError{ErrorCode: code, ErrorMsg: msg, RequestID: w.Header().Get(headerRequestID)})
}

func writeJSON[T api.Error | gatewayError](w http.ResponseWriter, status int, body T) {
	data, _ := json.Marshal(body) // api.Error and gatewayError hold only strings
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n')) // the client went away; nothing left to tell it
}

// maxErrorText bounds free text from elsewhere in an error body or a log record (an error of
// the generated code, which may quote a parameter's value whole; a contract.ValidationError,
// which quotes the path): one printable line of at most this many bytes, the length of
// message the client keeps.
const maxErrorText = 512

// badRequest is the generated router's and strict handler's request error handler: a
// parameter that does not parse, which package contract would have answered first.
func badRequest(w http.ResponseWriter, _ *http.Request, err error) {
	writeCSSError(w, http.StatusBadRequest, codeBadRequest, "Incorrect parameters: "+quote.Line(err.Error(), maxErrorText))
}

// serverError is the strict handler's response error handler: the handler failed, or its
// response could not be written.
func serverError(w http.ResponseWriter, _ *http.Request, err error) {
	writeCSSError(w, http.StatusInternalServerError, codeServerError, "Failed to process the request: "+quote.Line(err.Error(), maxErrorText))
}

// ConfigError is one problem with an option of New (or NewTestServer): an option given a wrong
// value, or clusters of WithSynthetic that the seed has already. New returns a *ConfigError for
// a single problem and errors.Join of them for several (one level: its Unwrap() []error lists
// every *ConfigError), so that all problems are reported at once; errors.As finds the first.
// Other errors of New (the built-in seed failing to load, say) are not ConfigErrors: they are
// no fault of the options.
type ConfigError struct {
	// Option is the option at fault, such as "WithAccessKey".
	Option string
	// Arg is the argument at fault of an option that takes several, as the option's doc names
	// it: "accessKey" or "secretKey" (WithAccessKey), "d" or "jitter" (WithLatency), "rate"
	// (WithFailRate), "projectID", "clusterID" or "n" (WithSynthetic). Empty for an option of
	// one argument, and when the arguments are wrong together (a cluster the seed already
	// has).
	Arg string
	// Err says what is wrong, without naming Option. It never quotes a token or a secret key.
	Err error
}

// Error returns "emulator: <Option>: <Err>".
func (e *ConfigError) Error() string {
	if e.Err == nil {
		return "emulator: " + e.Option + ": <nil>"
	}
	return "emulator: " + e.Option + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// configError is the *ConfigError of option, with Err made by fmt.Errorf.
func configError(option, arg, format string, args ...any) *ConfigError {
	return &ConfigError{Option: option, Arg: arg, Err: fmt.Errorf(format, args...)}
}
