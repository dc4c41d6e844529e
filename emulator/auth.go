package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

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

// ServeHTTP passes an authenticated request on and answers any other.
func (a *authenticator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	why := a.check(r)
	if why == "" {
		a.next.ServeHTTP(w, r)
		return
	}
	a.log.LogAttrs(r.Context(), slog.LevelInfo, "authentication failed",
		slog.String("request_id", w.Header().Get(headerRequestID)), slog.String("reason", why))
	writeGatewayError(w, http.StatusUnauthorized, codeGatewayAuth, "Incorrect IAM authentication information: "+why)
}

// check returns "" when one of the credentials the request carries is valid, else why not.
// The reason never holds a token, a secret key or a signature.
func (a *authenticator) check(r *http.Request) string {
	var reasons []string
	if token := r.Header.Get("X-Auth-Token"); token != "" {
		switch {
		case len(a.tokens) == 0:
			reasons = append(reasons, "the request carries an X-Auth-Token, but token authentication is off; send "+a.expect)
		case a.validToken(token):
			return ""
		default:
			reasons = append(reasons, "the X-Auth-Token is not valid")
		}
	}
	if len(r.Header.Values("Authorization")) > 0 {
		switch {
		case len(a.keys) == 0:
			reasons = append(reasons, "the request carries an Authorization header, but AK/SK authentication is off; send "+a.expect)
		default:
			err := signer.Verify(r, a.lookup, a.clock())
			if err == nil {
				return ""
			}
			reasons = append(reasons, "AK/SK signature rejected: "+verifyReason(err))
		}
	}
	if len(reasons) == 0 {
		return "no credentials: send " + a.expect
	}
	return strings.Join(reasons, "; ")
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
	if verr.Err != nil {
		msg += ": " + verr.Err.Error()
	}
	return msg
}
