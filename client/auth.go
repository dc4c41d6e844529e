package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cssvpcep/cssvpcep/signer"
)

// authTransport is the outermost transport of the client's http.Client. It puts the
// credentials on every request the client sends, the first of an attempt and each redirect
// http.Client follows, as the last change to the request before it goes out: a header set
// anywhere before it is covered by the AK/SK signature, and a redirect is signed for its own
// path. It never modifies the request it is given (a RoundTripper must not): it sends a clone.
//
// What it sends (the token, the Authorization header and its signature) is recorded in the
// request's attempt, so that the attempt can mask it in anything the server echoes back.
type authTransport struct {
	next   http.RoundTripper
	cfg    *config
	tokens *tokenSource // WithPassword's; nil otherwise
}

// RoundTrip sets the credentials on a clone of req and sends it.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	a := attemptOf(req.Context())
	switch {
	case t.tokens != nil:
		// The attempt's token, got once by attemptTarget (and renewed by attemptOnce); every
		// request of the client is an attempt's.
		if a == nil || a.issued == nil {
			closeBody(req)
			return nil, errors.New("client: a request outside an attempt has no token")
		}
		out.Header.Set("X-Auth-Token", a.issued.token.Reveal())
		a.mask.add(a.issued.token.Reveal())
	case t.cfg.hasToken:
		out.Header.Set("X-Auth-Token", t.cfg.token.Reveal())
	default:
		if err := signer.Sign(out, t.cfg.keys, t.cfg.now()); err != nil {
			closeBody(req)
			return nil, fmt.Errorf("signing the request: %w", err)
		}
		if a != nil {
			auth := out.Header.Get("Authorization")
			a.mask.add(auth)
			if _, sig, ok := strings.Cut(auth, "Signature="); ok {
				a.mask.add(sig)
			}
		}
	}
	return t.next.RoundTrip(out)
}

// CloseIdleConnections reaches through to the transport below, for http.Client's.
func (t *authTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// closeBody closes a request body a RoundTripper will not send, as RoundTrip must.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
