package signer_test

import (
	"errors"
	"io/fs"
	"net/http"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/signer"
)

func TestReason_Error(t *testing.T) {
	seen := map[string]signer.Reason{}
	for r := signer.ErrMissingAuthorization; r <= signer.ErrSignatureMismatch; r++ {
		msg := r.Error()
		if msg == "unknown reason" {
			t.Errorf("Reason %d has no message", r)
		}
		if other, dup := seen[msg]; dup {
			t.Errorf("Reasons %d and %d share the message %q", other, r, msg)
		}
		seen[msg] = r
	}
}

func TestVerifyError_message(t *testing.T) {
	req := signed(t, http.MethodGet, "https://h/p", "", nil)
	err := signer.Verify(req, lookup, t0.Add(time.Hour))
	want := "signer: X-Sdk-Date outside the allowed clock skew: " +
		"20240506T070809Z is 1h0m0s behind the server's clock (allowed: 15m0s)"
	if err == nil || err.Error() != want {
		t.Errorf("Verify = %v\nwant %s", err, want)
	}
}

func TestVerifyError_unwrap(t *testing.T) {
	err := error(&signer.VerifyError{Reason: signer.ErrBodyUnreadable, Err: fs.ErrClosed})
	if !errors.Is(err, signer.ErrBodyUnreadable) || !errors.Is(err, fs.ErrClosed) {
		t.Errorf("errors.Is misses the reason or the cause of %v", err)
	}
	if errors.Is(err, signer.ErrBodyTooLarge) {
		t.Errorf("errors.Is matches another reason")
	}
	if want := "signer: body could not be read: file already closed"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
