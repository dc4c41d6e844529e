package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
	"github.com/cssvpcep/cssvpcep/internal/redact"
)

// minMaskedSecret is the shortest secret that is masked: a credential IAM issues is far
// longer (a token is kilobytes, a secret key 40 characters, a signature 64), and masking every
// "t" of a message because a test used the token "t" would garble it for nothing.
const minMaskedSecret = 8

// minMaskedPrefix is the shortest end of a text that is masked for being the start of a
// secret: a server's text cut by a read limit may end in the first part of an echoed token.
// Shorter ends are too common to mean anything.
const minMaskedPrefix = 8

// masker knows the secrets of one attempt (the token or the secret key, and what the attempt
// sent: its Authorization header and signature) and removes them from any text the server
// sent before that text goes into an error or a log: a server, a proxy or a WAF page may echo
// the request's headers back. It then makes the text one bounded line (quote.Line).
type masker struct {
	mu      sync.Mutex
	secrets []string
}

func newMasker(cfg *config) *masker {
	m := &masker{}
	if cfg.hasToken {
		m.add(cfg.token.Reveal())
	}
	if cfg.hasKeys {
		m.add(cfg.secretKey.Reveal())
	}
	return m
}

// add registers a secret.
func (m *masker) add(secret string) {
	if len(secret) < minMaskedSecret {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.secrets = append(m.secrets, secret)
}

// mask replaces every secret in s with redact.Placeholder, and an end of s that is the start
// of a secret (at least minMaskedPrefix bytes of it, or all of it).
func (m *masker) mask(s string) string {
	if m == nil {
		return s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, sec := range m.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redact.Placeholder)
		}
	}
	for _, sec := range m.secrets {
		for n := min(len(sec)-1, len(s)); n >= min(minMaskedPrefix, len(sec)); n-- {
			if strings.HasSuffix(s, sec[:n]) {
				s = s[:len(s)-n] + redact.Placeholder
				break
			}
		}
	}
	return s
}

// line is s from a server made safe for an error or a log: one printable line (quote.Line),
// the secrets masked, at most max bytes (plus quote.Ellipsis). Masking comes after the text
// is made one line, since dropping a format character could join the halves of a secret,
// and again after the cut, which could leave the start of one at the end.
func (m *masker) line(s string, max int) string {
	s = m.mask(quote.Line(s, len(s)))
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return m.mask(strings.TrimRight(s[:cut], " ")) + quote.Ellipsis
}

// requestID returns the X-Request-Id header, masked and bounded, since it ends up in
// messages and logs.
func (m *masker) requestID(h http.Header) string {
	return m.line(h.Get(csserr.HeaderRequestID), maxRequestIDLen)
}

// maxErrorText bounds the text of an error from below the client (the transport, a decoder)
// that goes into the client's errors: such texts can quote what the server sent, a header
// line or a redirect's Location of megabytes.
const maxErrorText = 320

// err returns err with a bounded, masked message. It keeps err for errors.Is and errors.As
// when nothing had to be masked; when err's text held a secret, the secret would still be
// reachable through Unwrap, so it keeps only what tells the kind of failure (the sentinel
// errors IsRetryable looks for, a timeout) instead.
func (m *masker) err(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	out := &maskedError{msg: m.line(text, maxErrorText), cause: err}
	if m.mask(text) != text || chainHoldsSecret(m, err) {
		out.cause = kindOf(err)
	}
	return out
}

// chainHoldsSecret reports whether the text of an error below err (reached with Unwrap)
// holds a secret that err's own text does not show.
func chainHoldsSecret(m *masker, err error) bool {
	for depth := 0; err != nil && depth < 16; depth++ {
		switch u := err.(type) { //nolint:errorlint // walking the chain level by level on purpose
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if e != nil && (m.mask(e.Error()) != e.Error() || chainHoldsSecret(m, e)) {
					return true
				}
			}
			return false
		default:
			return false
		}
		if err != nil && m.mask(err.Error()) != err.Error() {
			return true
		}
	}
	return false
}

// validation returns ve, or when its text (or an error under it) holds a secret, a copy with
// the secrets masked in every problem and kin-openapi's error (which quotes values) replaced
// by what its text becomes masked.
func (m *masker) validation(ve *contract.ValidationError) *contract.ValidationError {
	if ve == nil {
		return nil
	}
	if m.mask(ve.Error()) == ve.Error() && !chainHoldsSecret(m, ve) {
		return ve
	}
	c := *ve
	c.Path = m.mask(ve.Path)
	c.Problems = make([]contract.Problem, len(ve.Problems))
	for i, p := range ve.Problems {
		p.Name, p.Rule = m.mask(p.Name), m.mask(p.Rule)
		c.Problems[i] = p
	}
	c.Err = m.err(ve.Err)
	return &c
}

// maskedError is an error from below the client with its text bounded and masked.
type maskedError struct {
	msg   string
	cause error
}

func (e *maskedError) Error() string { return e.msg }

func (e *maskedError) Unwrap() error { return e.cause }

// kinds are the errors that tell a failure's kind, which a masked error keeps in place of an
// error whose text held a secret.
var kinds = []error{
	context.Canceled, context.DeadlineExceeded, io.EOF, io.ErrUnexpectedEOF, ErrResponseTooLarge,
	syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
}

// kindOf returns what of err's kind errors.Is and a timeout check can still see, without any
// of its text.
func kindOf(err error) error {
	var found []error
	for _, k := range kinds {
		if errors.Is(err, k) {
			found = append(found, k)
		}
	}
	var ne net.Error
	return &errorKind{kinds: found, timeout: errors.As(err, &ne) && ne.Timeout()}
}

// errorKind is the kind of a failure whose text could not be kept.
type errorKind struct {
	kinds   []error
	timeout bool
}

func (e *errorKind) Error() string { return "(the cause's text held a credential and was left out)" }

func (e *errorKind) Unwrap() []error { return e.kinds }

// Timeout reports whether the failure was a timeout, for net.Error-style checks.
func (e *errorKind) Timeout() bool { return e.timeout }

// Temporary is false: it is part of net.Error, and deprecated there.
func (e *errorKind) Temporary() bool { return false }
