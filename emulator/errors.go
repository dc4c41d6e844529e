package emulator

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// The refusals of the Store and of the handlers. Every error they return for a request the
// service would refuse wraps one of these (errors.Is finds it), and one place, answer, turns it
// into the status, code and message the emulator sends; a handler never builds an error body.
var (
	// ErrNotFound: the project or cluster does not exist. 404 CSS.3027.
	ErrNotFound = errors.New("emulator: not found")
	// ErrIncorrectParameters: a parameter or a field of the request is wrong. 400 CSS.0001.
	ErrIncorrectParameters = errors.New("emulator: incorrect parameters")
	// ErrServiceEnabled: the VPC endpoint service is enabled already (StartVpecp). 409
	// CSS.0031, the spec's deviation open-when-enabled.
	ErrServiceEnabled = errors.New("emulator: the VPC endpoint service is enabled already")
	// ErrServiceNotEnabled: the VPC endpoint service is not enabled (every VPC endpoint
	// operation but StartVpecp). 400 CSS.5182, the spec's deviations connections-disabled and
	// close-when-disabled.
	ErrServiceNotEnabled = errors.New("emulator: the VPC endpoint service is not enabled")
	// ErrBusy: a task runs on the cluster, or the last one failed and left it faulty (status
	// "303"). CSS.0011 with status 202, the status the error-code page gives it (deviation
	// status-202-error).
	ErrBusy = errors.New("emulator: another operation is being performed on the cluster, or it is faulty")
	// ErrNoEndpoint: UpdateVpcepConnection names a VPC endpoint the cluster has no connection
	// of. 404 CSS.0028 "The object does not exist.".
	ErrNoEndpoint = errors.New("emulator: no such VPC endpoint")
	// ErrNotWhitelisted: a consumer endpoint (Store.AddEndpoint) of an account that is not on
	// the service's whitelist. 403 CSS.0015, as the VPC endpoint service refuses it.
	ErrNotWhitelisted = errors.New("emulator: the account is not on the whitelist")
	// ErrQuota: a consumer endpoint beyond MaxEndpoints. 400 CSS.0063 "Insufficient VPC
	// endpoint quota.".
	ErrQuota = errors.New("emulator: insufficient VPC endpoint quota")
)

// answers holds what each refusal is answered with: the status, the code, and the page's
// message, which the refusal's detail follows.
var answers = map[error]struct {
	status int
	code   string
	msg    string
}{
	ErrNotFound:            {http.StatusNotFound, csserr.NoCluster, "The cluster does not exist"},
	ErrIncorrectParameters: {http.StatusBadRequest, csserr.BadRequest, "Incorrect parameters"},
	ErrServiceEnabled:      {http.StatusConflict, csserr.ObjectExists, "The object already exists"},
	ErrServiceNotEnabled:   {http.StatusBadRequest, csserr.NotEnabled, "The VPC endpoint service is not enabled"},
	ErrBusy: {http.StatusAccepted, csserr.Busy, "This operation cannot be performed because another operation is being " +
		"performed on the instance or the instance is faulty. Please try again later"},
	ErrNoEndpoint:     {http.StatusNotFound, csserr.NoObject, "The object does not exist"},
	ErrNotWhitelisted: {http.StatusForbidden, csserr.AccessDenied, "No resources are found or the access is denied"},
	ErrQuota:          {http.StatusBadRequest, csserr.Quota, "Insufficient VPC endpoint quota"},
}

// refusal is an error of the Store or a handler for a request the service refuses: its kind
// (one of the Err variables above) and what, of this request, is wrong.
type refusal struct {
	kind   error
	detail string
}

// refuse returns a refusal of kind, its detail made by fmt.Sprintf. Values of the request in
// it must be quoted with internal/quote.
func refuse(kind error, format string, args ...any) error {
	return &refusal{kind: kind, detail: fmt.Sprintf(format, args...)}
}

func (r *refusal) Error() string { return r.kind.Error() + ": " + r.detail }

// Is makes errors.Is(err, kind) true.
func (r *refusal) Is(target error) bool { return target == r.kind }

// answer returns the status and error body that err is answered with, and false when err is
// no refusal (a bug, or a state file that cannot be written: a 500).
func answer(err error) (int, api.Error, bool) {
	var r *refusal
	if !errors.As(err, &r) {
		return 0, api.Error{}, false
	}
	a := answers[r.kind]
	return a.status, csserr.Service(a.code, a.msg+": "+r.detail), true
}

// writeError answers err: a refusal as answer says, anything else with 500 CSS.9999 naming
// it. It is the strict handler's ResponseErrorHandlerFunc, so that the handlers return typed
// errors and this is the one place that maps them to the CSS error shape; the emulator-only
// path answers through it too.
func writeError(w http.ResponseWriter, _ *http.Request, err error) {
	if status, body, ok := answer(err); ok {
		csserr.Write(w, status, body)
		return
	}
	csserr.WriteService(w, http.StatusInternalServerError, csserr.ServerError, "Failed to process the request: "+quote.Line(err.Error(), maxErrorText))
}

// writeGatewayError answers with the gateway's error body, carrying the request ID the
// outermost layer set.
func writeGatewayError(w http.ResponseWriter, status int, code, msg string) {
	csserr.Write(w, status, csserr.Gateway(code, msg, w.Header().Get(csserr.HeaderRequestID)))
}

// maxErrorText bounds free text from elsewhere in an error body or a log record (an error of
// the generated code, which may quote a parameter's value whole; a contract.ValidationError,
// which quotes the path): one printable line of at most this many bytes, the length of
// message the client keeps.
const maxErrorText = 512

// badRequest is the generated router's and strict handler's request error handler: a
// parameter or a body that does not parse, which package contract would have answered first.
func badRequest(w http.ResponseWriter, _ *http.Request, err error) {
	csserr.WriteService(w, http.StatusBadRequest, csserr.BadRequest, "Incorrect parameters: "+quote.Line(err.Error(), maxErrorText))
}

// ConfigError is one problem with an option of New (or NewTestServer): an option given a wrong
// value, a state file that cannot be read or written, or clusters of WithSynthetic that the
// seed has already. New returns a *ConfigError for a single problem and errors.Join of them
// for several (one level: its Unwrap() []error lists every *ConfigError), so that all problems
// are reported at once; errors.As finds the first. Other errors of New (the built-in seed
// failing to load, say) are not ConfigErrors: they are no fault of the options.
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
