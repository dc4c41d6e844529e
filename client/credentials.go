package client

import (
	"fmt"
	"log/slog"
	"strconv"
)

// redactedText stands in for a secret wherever one could be printed; it is the placeholder
// package signer prints for the secret key, so a configuration reads the same throughout.
const redactedText = "[REDACTED]"

// secret holds a credential (the IAM token). Every way a value gets printed or encoded (fmt,
// with every verb; encoding/json; encoding.TextMarshaler users; log/slog) gives
// "[REDACTED]"; only reveal, in the one place the token is sent, returns it.
//
// The value sits in a closure rather than in a string field, for the cases where fmt prints by
// reflection without calling Format: a bad verb (%p on a value is reported as "%!p(type=value)"
// with the value printed raw) and unexported struct fields. Both then show a func address.
type secret struct{ value func() string }

func newSecret(s string) secret { return secret{value: func() string { return s }} }

// reveal returns the credential, "" for the zero secret.
func (s secret) reveal() string {
	if s.value == nil {
		return ""
	}
	return s.value()
}

// String returns the placeholder.
func (secret) String() string { return redactedText }

// GoString returns the placeholder, quoted, for %#v.
func (secret) GoString() string { return strconv.Quote(redactedText) }

// Format prints the placeholder for every verb (quoted for %q and %#v), so that no verb, not
// even %x or %d, falls back to the bytes.
func (s secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'q', verb == 'v' && f.Flag('#'):
		_, _ = f.Write([]byte(s.GoString()))
	default:
		_, _ = f.Write([]byte(redactedText))
	}
}

// MarshalJSON encodes the placeholder as a JSON string.
func (s secret) MarshalJSON() ([]byte, error) { return []byte(s.GoString()), nil }

// MarshalText encodes the placeholder.
func (secret) MarshalText() ([]byte, error) { return []byte(redactedText), nil }

// LogValue gives log/slog the placeholder.
func (secret) LogValue() slog.Value { return slog.StringValue(redactedText) }
