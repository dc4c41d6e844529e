package emulator

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
	"github.com/cssvpcep/cssvpcep/signer"
)

// authenticator is the API Gateway's check of the credentials: an X-Auth-Token from the
// configured ones or one the emulator's IAM issued (not expired, scoped to the project the
// path names), or an AK/SK signature by a configured key pair. It answers anything else with
// 401, or 403 for an issued token of another project, in the gateway's error shape, saying
// why.
type authenticator struct {
	next  http.Handler
	creds *credentials
	log   *slog.Logger
}

func newAuthenticator(next http.Handler, creds *credentials, log *slog.Logger) *authenticator {
	return &authenticator{next: next, creds: creds, log: log}
}

// ServeHTTP passes an authenticated request on and answers any other: 401, 403, or 413 when
// the body a signature covers is larger than the emulator takes (it could not be hashed).
func (a *authenticator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, why, verifyErr := a.creds.check(r)
	switch {
	case status == 0:
		a.next.ServeHTTP(w, r)
		return
	case isTooLarge(verifyErr):
		writeTooLarge(w)
		return
	}
	a.log.LogAttrs(r.Context(), slog.LevelInfo, "authentication failed",
		slog.String("request_id", w.Header().Get(csserr.HeaderRequestID)), slog.Int("status", status), slog.String("reason", why))
	if status == http.StatusForbidden {
		writeGatewayError(w, status, csserr.GatewayForbidden, "The IAM user is not authorized to access the API: "+why)
		return
	}
	writeGatewayError(w, http.StatusUnauthorized, csserr.GatewayAuth, "Incorrect IAM authentication information: "+why)
}

// check returns 0 when one of the credentials the request carries is valid for it; else 401,
// or 403 when the one valid credential is a token the IAM issued for another project (or for
// the domain), with why, and the error of signer.Verify if it was called. The reason never
// holds a token, a secret key or a signature, and quotes at most quote.Max bytes of any value
// of the request (the signer bounds its details). Nothing here reads the body: a token is
// checked from the headers, and Verify reads the body only once the Authorization header, the
// access key, X-Sdk-Date and the signed headers have passed, so a request without a known
// access key is refused unread. A path that names no project (the IAM's project lookup) takes
// a token of any scope.
func (c *credentials) check(r *http.Request) (int, string, error) {
	var (
		reasons   []string
		forbidden string
		verifyErr error
	)
	if token := r.Header.Get("X-Auth-Token"); token != "" {
		t, kind := c.token(token)
		switch kind {
		case tokenOff:
			reasons = append(reasons, "the request carries an X-Auth-Token, but token authentication is off; send "+c.expect())
		case tokenStatic:
			return 0, "", nil
		case tokenIssued:
			// The clock is read only here: a configured token or a signature-free request
			// costs no call of it.
			now := c.clock()
			if !now.Before(t.expires) {
				reasons = append(reasons, "the X-Auth-Token expired at "+t.expires.UTC().Format(iamTimeLayout)+": the token must be updated")
				break
			}
			if forbidden = scopeProblem(t, r.URL.EscapedPath()); forbidden == "" {
				return 0, "", nil
			}
		default:
			reasons = append(reasons, "the X-Auth-Token is not valid")
		}
	}
	if len(r.Header.Values("Authorization")) > 0 {
		switch {
		case len(c.keys) == 0:
			reasons = append(reasons, "the request carries an Authorization header, but AK/SK authentication is off; send "+c.expect())
		default:
			verifyErr = signer.Verify(r, c.lookup, c.clock())
			if verifyErr == nil {
				return 0, "", nil
			}
			reasons = append(reasons, "AK/SK signature rejected: "+verifyReason(verifyErr))
		}
	}
	switch {
	case forbidden != "":
		return http.StatusForbidden, strings.Join(append([]string{forbidden}, reasons...), "; "), verifyErr
	case len(reasons) == 0:
		return http.StatusUnauthorized, "no credentials: send " + c.expect(), nil
	}
	return http.StatusUnauthorized, strings.Join(reasons, "; "), verifyErr
}

// projectPrefixes are the segments that start the paths naming a project in their next
// segment: the spec's (/v1.0/{project_id}/...) and the emulator's own (EndpointsPath).
var projectPrefixes = [...][]string{{"v1.0"}, {"emulator", "v1"}}

// pathProject returns the project an escaped path names, and whether it names one. It reads
// the path segment by segment, each unescaped once, as the router does (contract and
// ServeMux): /v1%2E0/p/... names project p as /v1.0/p/... does. A segment that does not
// unescape, where a prefix or the project would be, counts as naming a project, returned as it
// is: it is nobody's project ID, so it matches no token's, and the request is refused rather
// than let through as one that names none.
func pathProject(escaped string) (string, bool) {
	segs := strings.Split(escaped, "/")
	if len(segs) < 2 || segs[0] != "" {
		return "", false
	}
	segs = segs[1:]
	for _, prefix := range projectPrefixes {
		if len(segs) <= len(prefix) {
			continue
		}
		matches := true
		for k, want := range prefix {
			seg, err := url.PathUnescape(segs[k])
			if err != nil {
				return segs[k], true
			}
			if seg != want {
				matches = false
				break
			}
		}
		if !matches {
			continue
		}
		raw := segs[len(prefix)]
		if p, err := url.PathUnescape(raw); err == nil {
			return p, true
		}
		return raw, true
	}
	return "", false
}

// scopeProblem says why a token the IAM issued may not be used on the path, "" when it may: a
// path that names a project needs a token scoped to that project; one that names none (a path
// of no operation, which is answered 404) takes any.
func scopeProblem(t issuedToken, escapedPath string) string {
	project, named := pathProject(escapedPath)
	switch {
	case !named:
		return ""
	case t.projectID == "":
		return fmt.Sprintf("the X-Auth-Token is scoped to the domain, not to project %s; get a token scoped to the project", quote.Value(project))
	case project != t.projectID:
		return fmt.Sprintf("the X-Auth-Token is scoped to project %s, not to project %s", quote.Value(t.projectID), quote.Value(project))
	}
	return ""
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
