package signer

import (
	"bytes"
	"crypto/hmac"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// DefaultMaxSkew is how far X-Sdk-Date may be from the verifier's clock, either way, unless
// WithMaxSkew says otherwise: the API Gateway's own limit.
const DefaultMaxSkew = 15 * time.Minute

// DefaultMaxBodySize is the largest body Verify reads to hash unless WithMaxBodySize says
// otherwise.
const DefaultMaxBodySize = 16 << 20

// VerifyOption changes how Verify checks a request.
type VerifyOption func(*verifyConfig) error

type verifyConfig struct {
	maxSkew     time.Duration
	maxBodySize int64
}

// WithMaxSkew sets how far X-Sdk-Date may be from now, either way; d must be positive.
func WithMaxSkew(d time.Duration) VerifyOption {
	return func(c *verifyConfig) error {
		if d <= 0 {
			return fmt.Errorf("signer: WithMaxSkew: %v is not positive", d)
		}
		c.maxSkew = d
		return nil
	}
}

// WithMaxBodySize sets the largest body, in bytes, that Verify reads; n must not be negative.
func WithMaxBodySize(n int64) VerifyOption {
	return func(c *verifyConfig) error {
		if n < 0 {
			return fmt.Errorf("signer: WithMaxBodySize: %d is negative", n)
		}
		c.maxBodySize = n
		return nil
	}
}

// Verify checks the SDK-HMAC-SHA256 signature of a request a server received. lookup returns
// the secret key of an access key; ok false (or an empty secret) means the key is unknown. now
// is the verifier's clock.
//
// Verify checks, in order: the Authorization header's form, the access key, X-Sdk-Date
// (present, signed, well-formed, within the skew), that every signed header is present, and
// the signature, compared in constant time. The body is read, up to the size limit, only once
// everything else has passed, and req.Body is then replaced by a copy for the handler. A
// signed X-Sdk-Content-Sha256 stands for the body's hash as in the SDK: UNSIGNED-PAYLOAD
// leaves the body unread and unchecked; any other value must be the body's hash.
//
// A rejected request gives a *VerifyError, whose Reason errors.Is matches (ErrDateSkew and
// the other Err constants). An invalid option gives a plain error.
func Verify(req *http.Request, lookup func(accessKey string) (secretKey string, ok bool), now time.Time, opts ...VerifyOption) error {
	cfg := verifyConfig{maxSkew: DefaultMaxSkew, maxBodySize: DefaultMaxBodySize}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return err
		}
	}
	m := messageOf(req)

	auths := m.headers["authorization"]
	if len(auths) == 0 || len(auths) == 1 && strings.TrimSpace(auths[0]) == "" {
		return reject(ErrMissingAuthorization, "")
	}
	if len(auths) > 1 {
		return reject(ErrMalformedAuthorization, fmt.Sprintf("%d Authorization headers", len(auths)))
	}
	auth, verr := parseAuthorization(strings.TrimSpace(auths[0]))
	if verr != nil {
		return verr
	}

	secret, ok := lookup(auth.accessKey)
	if !ok || secret == "" {
		return reject(ErrUnknownAccessKey, "access key "+quote.Value(auth.accessKey))
	}

	date, verr := checkDate(m.headers[strings.ToLower(HeaderDate)], auth.signedHeaders, now, cfg.maxSkew)
	if verr != nil {
		return verr
	}

	for _, name := range auth.signedHeaders {
		if len(m.values(name)) == 0 {
			return reject(ErrMissingSignedHeader, quote.Value(name)+" is in SignedHeaders but not in the request")
		}
	}

	payloadHash, verr := verifiedPayloadHash(req, m, auth.signedHeaders, cfg.maxBodySize)
	if verr != nil {
		return verr
	}

	want := signature([]byte(secret), date, canonicalRequest(m, auth.signedHeaders, payloadHash))
	if !hmac.Equal(want, auth.signature) {
		return reject(ErrSignatureMismatch, "the request differs from the one signed, or the secret key differs")
	}
	return nil
}

type authorization struct {
	accessKey     string
	signedHeaders []string
	signature     []byte
}

// parseAuthorization reads "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex". The
// three parameters may come in any order, with any spaces around commas, but each exactly once.
func parseAuthorization(v string) (authorization, *VerifyError) {
	malformed := func(format string, args ...any) (authorization, *VerifyError) {
		return authorization{}, reject(ErrMalformedAuthorization, fmt.Sprintf(format, args...))
	}
	scheme, params, _ := strings.Cut(v, " ")
	if scheme != Algorithm {
		return malformed("scheme is not %s", Algorithm)
	}
	var a authorization
	seen := map[string]bool{}
	for param := range strings.SplitSeq(params, ",") {
		key, value, found := strings.Cut(strings.TrimSpace(param), "=")
		if !found {
			return malformed("parameter without \"=\"")
		}
		if seen[key] {
			return malformed("parameter %s given twice", quote.Value(key))
		}
		seen[key] = true
		switch key {
		case "Access":
			if value == "" {
				return malformed("empty Access")
			}
			a.accessKey = value
		case "SignedHeaders":
			names, why := parseSignedHeaders(value)
			if why != "" {
				return malformed("SignedHeaders %s", why)
			}
			a.signedHeaders = names
		case "Signature":
			sig, err := hex.DecodeString(value)
			if err != nil || len(sig) != 32 {
				// The value itself is not quoted: this package prints no signatures.
				return malformed("Signature is not 64 hex digits")
			}
			a.signature = sig
		default:
			return malformed("unknown parameter %s", quote.Value(key))
		}
	}
	for _, key := range []string{"Access", "SignedHeaders", "Signature"} {
		if !seen[key] {
			return malformed("no %s parameter", key)
		}
	}
	return a, nil
}

// parseSignedHeaders splits the list and says what is wrong with it, if anything. The list
// must be in the form Sign writes, so that the canonical request is built from it unchanged.
func parseSignedHeaders(list string) (names []string, why string) {
	names = strings.Split(list, ";")
	for i, name := range names {
		switch {
		case name == "":
			return nil, "has an empty name"
		case strings.IndexFunc(name, func(r rune) bool { return !isLowerTokenChar(r) }) >= 0:
			return nil, "name " + quote.Value(name) + " is not a lower-case header name"
		case name == "authorization":
			return nil, "lists authorization, which cannot sign itself"
		case i > 0 && names[i-1] >= name:
			return nil, "is not sorted without duplicates"
		}
	}
	return names, ""
}

// isLowerTokenChar reports whether r may appear in a header name (an RFC 9110 token) and is
// not an upper-case letter.
func isLowerTokenChar(r rune) bool {
	return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}

// checkDate returns the X-Sdk-Date value once it is present, signed, valid and recent.
func checkDate(values, signedHeaders []string, now time.Time, maxSkew time.Duration) (string, *VerifyError) {
	if len(values) == 0 {
		return "", reject(ErrMissingDate, "")
	}
	if !slices.Contains(signedHeaders, strings.ToLower(HeaderDate)) {
		return "", reject(ErrDateNotSigned, "x-sdk-date is not in SignedHeaders")
	}
	if len(values) > 1 {
		return "", reject(ErrBadDate, fmt.Sprintf("%d X-Sdk-Date headers", len(values)))
	}
	date := strings.TrimSpace(values[0])
	t, err := time.Parse(DateLayout, date)
	if err != nil || len(date) != len(DateLayout) {
		return "", reject(ErrBadDate, quote.Value(date)+" is not in the form "+DateLayout)
	}
	// Compared as instants, not through now.Sub(t): a Duration saturates at about 292 years,
	// and the negation of its most negative value is itself, which let a date in year 8024 pass.
	if t.Before(now.Add(-maxSkew)) || t.After(now.Add(maxSkew)) {
		how := "more than 292 years"
		when := "behind"
		if t.After(now) {
			when = "ahead of"
		}
		if d := t.Sub(now).Abs(); d < math.MaxInt64 {
			how = d.Truncate(time.Second).String()
		}
		return "", reject(ErrDateSkew, fmt.Sprintf("%s is %s %s the server's clock (allowed: %v)",
			date, how, when, maxSkew))
	}
	return date, nil
}

// verifiedPayloadHash returns the hash the canonical request ends with, reading the body
// unless a signed X-Sdk-Content-Sha256 says UNSIGNED-PAYLOAD.
func verifiedPayloadHash(req *http.Request, m message, signedHeaders []string, limit int64) (string, *VerifyError) {
	stated, hasStated := statedPayloadHash(m.headers)
	// An unsigned stated hash is ignored: honouring it would let anyone replace the body
	// and state the hash the signer had computed.
	hasStated = hasStated && slices.Contains(signedHeaders, strings.ToLower(headerContentSHA256))
	if hasStated && stated == unsignedPayload {
		return stated, nil
	}
	body, verr := readBody(req, limit)
	if verr != nil {
		return "", verr
	}
	actual := hexSHA256(body)
	if !hasStated {
		return actual, nil
	}
	if !strings.EqualFold(stated, actual) {
		return "", reject(ErrSignatureMismatch, "the body does not match the signed X-Sdk-Content-Sha256")
	}
	return stated, nil
}

// readBody reads the whole body, at most limit bytes, and puts a copy back for the handler.
func readBody(req *http.Request, limit int64) ([]byte, *VerifyError) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.ContentLength > limit {
		return nil, bodyTooLarge(limit)
	}
	n := limit
	if n < math.MaxInt64 {
		n++ // one byte more than allowed tells a body at the limit from one past it
	}
	orig := req.Body
	body, err := io.ReadAll(io.LimitReader(orig, n))
	// Whatever happens, the handler gets the body as it came: what was read, then the rest.
	req.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), orig), orig}
	if err != nil {
		return nil, &VerifyError{Reason: ErrBodyUnreadable, Err: err}
	}
	if int64(len(body)) > limit {
		return nil, bodyTooLarge(limit)
	}
	return body, nil
}

func bodyTooLarge(limit int64) *VerifyError {
	return reject(ErrBodyTooLarge, fmt.Sprintf("more than %d bytes", limit))
}
