package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/redact"
	"github.com/cssvpcep/cssvpcep/signer"
)

// authenticator is the API Gateway's check of the credentials: an X-Auth-Token from the
// configured ones, or an AK/SK signature by a configured key pair. It answers anything else
// with 401 in the gateway's error shape, saying why.
type authenticator struct {
	next   http.Handler
	tokens [][sha256.Size]byte // the tokens' hashes: equal lengths make the comparison constant-time
	keys   map[string]redact.Secret
	clock  func() time.Time
	log    *slog.Logger
	expect string // what a request must carry, for messages
}

func newAuthenticator(next http.Handler, c *config) *authenticator {
	a := &authenticator{next: next, keys: c.keys, clock: c.clock, log: c.logger}
	for _, t := range c.tokens {
		a.tokens = append(a.tokens, sha256.Sum256([]byte(t.Reveal())))
	}
	var kinds []string
	if len(a.tokens) > 0 {
		kinds = append(kinds, "an X-Auth-Token header")
	}
	if len(a.keys) > 0 {
		kinds = append(kinds, "an AK/SK signature (SDK-HMAC-SHA256)")
	}
	a.expect = strings.Join(kinds, " or ")
	return a
}

// ServeHTTP passes an authenticated request on and answers any other: 401, or 413 when the
// body a signature covers is larger than the emulator takes (it could not be hashed).
func (a *authenticator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	why, verifyErr := a.check(r)
	switch {
	case why == "":
		a.next.ServeHTTP(w, r)
		return
	case isTooLarge(verifyErr):
		writeTooLarge(w)
		return
	}
	a.log.LogAttrs(r.Context(), slog.LevelInfo, "authentication failed",
		slog.String("request_id", w.Header().Get(csserr.HeaderRequestID)), slog.String("reason", why))
	writeGatewayError(w, http.StatusUnauthorized, csserr.GatewayAuth, "Incorrect IAM authentication information: "+why)
}

// check returns "" when one of the credentials the request carries is valid, else why not,
// and the error of signer.Verify if it was called. The reason never holds a token, a secret
// key or a signature, and quotes at most quote.Max bytes of any value of the request (the
// signer bounds its details). Nothing here reads the body: a token is checked from the
// headers, and Verify reads the body only once the Authorization header, the access key,
// X-Sdk-Date and the signed headers have passed, so a request without a known access key is
// refused unread.
func (a *authenticator) check(r *http.Request) (string, error) {
	var (
		reasons   []string
		verifyErr error
	)
	if token := r.Header.Get("X-Auth-Token"); token != "" {
		switch {
		case len(a.tokens) == 0:
			reasons = append(reasons, "the request carries an X-Auth-Token, but token authentication is off; send "+a.expect)
		case a.validToken(token):
			return "", nil
		default:
			reasons = append(reasons, "the X-Auth-Token is not valid")
		}
	}
	if len(r.Header.Values("Authorization")) > 0 {
		switch {
		case len(a.keys) == 0:
			reasons = append(reasons, "the request carries an Authorization header, but AK/SK authentication is off; send "+a.expect)
		default:
			verifyErr = signer.Verify(r, a.lookup, a.clock())
			if verifyErr == nil {
				return "", nil
			}
			reasons = append(reasons, "AK/SK signature rejected: "+verifyReason(verifyErr))
		}
	}
	if len(reasons) == 0 {
		return "no credentials: send " + a.expect, nil
	}
	return strings.Join(reasons, "; "), verifyErr
}

// validToken compares token with every configured one, in constant time.
func (a *authenticator) validToken(token string) bool {
	sum := sha256.Sum256([]byte(token))
	ok := 0
	for i := range a.tokens {
		ok |= subtle.ConstantTimeCompare(sum[:], a.tokens[i][:])
	}
	return ok == 1
}

func (a *authenticator) lookup(accessKey string) (string, bool) {
	sk, ok := a.keys[accessKey]
	if !ok {
		return "", false
	}
	return sk.Reveal(), true
}

// verifyReason renders Verify's error without its "signer: " prefix: the reason and the detail,
// which never hold the secret key or a signature.
func verifyReason(err error) string {
	var verr *signer.VerifyError
	if !errors.As(err, &verr) {
		return err.Error()
	}
	msg := verr.Reason.Error()
	if verr.Detail != "" {
		msg += ": " + verr.Detail
	}
	switch {
	case errors.Is(verr.Err, os.ErrDeadlineExceeded): // bodyTimeout, rather than the addresses
		msg += ": it did not arrive within its time"
	case verr.Err != nil:
		msg += ": " + verr.Err.Error()
	}
	return msg
}
