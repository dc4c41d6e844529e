package signer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Credentials are an access key (AK) and its secret key (SK). The secret cannot be read back
// and is never printed: String, GoString, Format and LogValue show the access key and
// "[REDACTED]", and encoding/json sees no exported field. Build them with NewCredentials; the
// zero value signs nothing.
type Credentials struct {
	accessKey string
	// secret is a closure rather than a field holding the key so that reflection-based
	// printers (fmt on a struct holding Credentials in an unexported field, where fmt may not
	// call Format; spew-like dumpers) find a func value and cannot reach the bytes.
	secret func() []byte
}

const redacted = "[REDACTED]"

// NewCredentials returns the credentials for an access key and its secret key. Both must be
// non-empty, and the access key must be printable ASCII without spaces or commas, since it is
// written into the Authorization header. The secret key must hold no control character and
// no white space at either end: a real one is 40 letters and digits, and such a character is
// a pasting mistake (a line break from a file, say) that would make every signature wrong
// without saying why. Neither error quotes the secret key.
func NewCredentials(accessKey, secretKey string) (Credentials, error) {
	if accessKey == "" {
		return Credentials{}, errors.New("signer: access key is empty")
	}
	if i := strings.IndexFunc(accessKey, func(r rune) bool { return r <= ' ' || r > '~' || r == ',' }); i >= 0 {
		return Credentials{}, fmt.Errorf("signer: access key has a character not allowed in the Authorization header at byte %d", i)
	}
	trimmed := strings.TrimSpace(secretKey)
	if trimmed == "" {
		return Credentials{}, errors.New("signer: secret key is empty")
	}
	if i := strings.IndexFunc(secretKey, unicode.IsControl); i >= 0 {
		return Credentials{}, fmt.Errorf("signer: secret key has a control character at byte %d", i)
	}
	if trimmed != secretKey {
		return Credentials{}, errors.New("signer: secret key has leading or trailing white space")
	}
	key := []byte(secretKey)
	return Credentials{accessKey: accessKey, secret: func() []byte { return key }}, nil
}

// AccessKey returns the access key, which is not secret: it travels in every request.
func (c Credentials) AccessKey() string { return c.accessKey }

// String returns the access key and a placeholder for the secret key.
func (c Credentials) String() string {
	return "{AccessKey:" + c.accessKey + " SecretKey:" + redacted + "}"
}

// GoString returns a Go-syntax form with a placeholder for the secret key, for %#v.
func (c Credentials) GoString() string {
	return "signer.Credentials{AccessKey:" + strconv.Quote(c.accessKey) + ", SecretKey:" + strconv.Quote(redacted) + "}"
}

// Format prints GoString for %#v and String for every other verb, so that no verb falls back
// to printing the fields.
func (c Credentials) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, c.GoString())
	case verb == 'q':
		fmt.Fprint(f, strconv.Quote(c.String()))
	default:
		fmt.Fprint(f, c.String())
	}
}

// LogValue gives log/slog the access key and a placeholder for the secret key.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key", c.accessKey), slog.String("secret_key", redacted))
}

// RequestEditor returns Sign in the shape of an oapi-codegen RequestEditorFn (assignable to
// api.RequestEditorFn), reading the signing time from clock (time.Now when nil). The
// generated client runs it once per call; a caller that retries runs it again before each
// attempt, so that every attempt carries a fresh X-Sdk-Date. It must be the last editor to
// touch the request: the generated client runs the editors given per call after the one given
// with api.WithRequestEditorFn, so give it per call, last, or a header another editor sets
// goes out unsigned or breaks the signature. (Package client signs in its transport, after
// everything else, for this reason.)
func (c Credentials) RequestEditor(clock func() time.Time) func(ctx context.Context, req *http.Request) error {
	if clock == nil {
		clock = time.Now
	}
	return func(_ context.Context, req *http.Request) error {
		return Sign(req, c, clock())
	}
}
