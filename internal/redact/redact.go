// Package redact holds the one type the client and the emulator keep their secrets in (IAM
// tokens, secret keys), so that no way of printing a configuration can show one.
package redact

import (
	"fmt"
	"log/slog"
	"strconv"
)

// Placeholder stands in for a secret wherever one could be printed; package signer prints the
// same for the secret key, so a configuration reads the same throughout.
const Placeholder = "[REDACTED]"

// Secret holds a credential. Every way a value gets printed or encoded (fmt, with every verb;
// encoding/json; encoding.TextMarshaler users; log/slog) gives Placeholder; only Reveal, in
// the one place the credential is used, returns it.
//
// The value sits in a closure rather than in a string field, for the cases where fmt prints by
// reflection without calling Format: a bad verb (%p on a value is reported as "%!p(type=value)"
// with the value printed raw) and unexported struct fields. Both then show a func address.
type Secret struct{ value func() string }

// New returns s as a Secret.
func New(s string) Secret { return Secret{value: func() string { return s }} }

// Reveal returns the credential, "" for the zero Secret.
func (s Secret) Reveal() string {
	if s.value == nil {
		return ""
	}
	return s.value()
}

// String returns the placeholder.
func (Secret) String() string { return Placeholder }

// GoString returns the placeholder, quoted, for %#v.
func (Secret) GoString() string { return strconv.Quote(Placeholder) }

// Format prints the placeholder for every verb (quoted for %q and %#v), so that no verb, not
// even %x or %d, falls back to the bytes.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'q', verb == 'v' && f.Flag('#'):
		_, _ = f.Write([]byte(s.GoString()))
	default:
		_, _ = f.Write([]byte(Placeholder))
	}
}

// MarshalJSON encodes the placeholder as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(s.GoString()), nil }

// MarshalText encodes the placeholder.
func (Secret) MarshalText() ([]byte, error) { return []byte(Placeholder), nil }

// LogValue gives log/slog the placeholder.
func (Secret) LogValue() slog.Value { return slog.StringValue(Placeholder) }
