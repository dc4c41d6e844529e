package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/redact"
)

// maxLiveTokens bounds how many tokens the emulator's IAM keeps: beyond it, issuing one
// forgets the oldest, so that a client signing in in a loop cannot make the emulator hold
// unbounded memory (about 100 bytes a token). Ten thousand is far more than any test holds
// valid at once; a forgotten token is answered as an unknown one, 401.
const maxLiveTokens = 10_000

// tokenPrefix starts every token the IAM issues: the start of the page's example token, the
// DER header of the CMS message real IAM tokens are, so that a token looks like a real one to
// anyone who looks (and is as long: see newToken).
const tokenPrefix = "MIIDkgYJKoZIhvcNAQcCoIIDgzCCA38CAQExDTALBglghkgBZQMEAgEw"

// tokenRandomBytes is how many random bytes follow the prefix, base64-encoded: 960 characters,
// a token of about 1 KB like IAM's, of which the first 32 bytes alone would make it
// unguessable.
const tokenRandomBytes = 720

// newToken returns a new token from crypto/rand.
func newToken() string {
	var b [tokenRandomBytes]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return tokenPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// issuedToken is what the IAM knows of a token it issued: its scope and when it expires.
type issuedToken struct {
	projectID string // "" for a token scoped to the domain
	expires   time.Time
}

// tokenRegistry holds the tokens the IAM issued, by their SHA-256: a lookup's timing tells
// nothing of a token, and no token is kept in the clear. It is safe for concurrent use; the
// CSS side reads it on every request, under a read lock.
type tokenRegistry struct {
	mu     sync.RWMutex
	byHash map[[sha256.Size]byte]issuedToken
	order  [][sha256.Size]byte // the live tokens' hashes, oldest first
	issued atomic.Int64        // every token ever issued
}

func newTokenRegistry() *tokenRegistry {
	return &tokenRegistry{byHash: make(map[[sha256.Size]byte]issuedToken)}
}

// add records a token issued at now, first forgetting the oldest tokens that have expired by
// now, and as many more as keep the registry within maxLiveTokens. Tokens expire in the order
// they were issued (one TTL for all), unless the clock was moved back; then an expired token
// may be kept a little longer, which changes nothing, since every lookup compares times.
func (r *tokenRegistry) add(sum [sha256.Size]byte, t issuedToken, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.order) > 0 {
		oldest := r.order[0]
		if cur, ok := r.byHash[oldest]; ok && now.Before(cur.expires) && len(r.byHash) < maxLiveTokens {
			break
		}
		delete(r.byHash, oldest)
		r.order = r.order[1:]
	}
	r.byHash[sum] = t
	r.order = append(r.order, sum)
	r.issued.Add(1)
}

// lookup returns the token whose SHA-256 is sum, if the IAM issued it and has not forgotten
// or revoked it; expired or not.
func (r *tokenRegistry) lookup(sum [sha256.Size]byte) (issuedToken, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.byHash[sum]
	return t, ok
}

// revokeAll forgets every token and returns how many of them had not expired by now.
func (r *tokenRegistry) revokeAll(now time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, t := range r.byHash {
		if now.Before(t.expires) {
			n++
		}
	}
	clear(r.byHash)
	r.order = nil
	return n
}

// credentials are what the emulator accepts, shared by the CSS side's authenticator and the
// IAM's project lookup: the configured tokens (WithToken) as SHA-256 sums, the key pairs
// (WithAccessKey), the tokens the IAM issued (nil without WithIAMUser), and the clock that
// signatures and tokens are checked against.
type credentials struct {
	tokens [][sha256.Size]byte // equal lengths make the comparison constant-time
	keys   map[string]redact.Secret
	issued *tokenRegistry
	clock  func() time.Time
}

func newCredentials(c *config) *credentials {
	cr := &credentials{keys: c.keys, clock: c.clock}
	for _, t := range c.tokens {
		cr.tokens = append(cr.tokens, sha256.Sum256([]byte(t.Reveal())))
	}
	if c.iamUser != nil {
		cr.issued = newTokenRegistry()
	}
	return cr
}

// tokenKind is what an X-Auth-Token is to the emulator.
type tokenKind int

const (
	tokenOff     tokenKind = iota // no token is accepted: neither WithToken nor WithIAMUser
	tokenUnknown                  // neither configured nor issued (or revoked, or forgotten)
	tokenStatic                   // one of WithToken's, valid for every project, forever
	tokenIssued                   // one the IAM issued: valid until it expires, for its scope
)

// token says what token is and, for one the IAM issued, what it knows of it. It hashes the
// token once, compares the sum with every configured one in constant time, then looks it up.
func (c *credentials) token(token string) (issuedToken, tokenKind) {
	if len(c.tokens) == 0 && c.issued == nil {
		return issuedToken{}, tokenOff
	}
	sum := sha256.Sum256([]byte(token))
	ok := 0
	for i := range c.tokens {
		ok |= subtle.ConstantTimeCompare(sum[:], c.tokens[i][:])
	}
	if ok == 1 {
		return issuedToken{}, tokenStatic
	}
	if c.issued != nil {
		if t, found := c.issued.lookup(sum); found {
			return t, tokenIssued
		}
	}
	return issuedToken{}, tokenUnknown
}

// lookup is signer.Verify's secret key lookup.
func (c *credentials) lookup(accessKey string) (string, bool) {
	sk, ok := c.keys[accessKey]
	if !ok {
		return "", false
	}
	return sk.Reveal(), true
}

// expect says what a request must carry, for messages: "an X-Auth-Token header", "an AK/SK
// signature (SDK-HMAC-SHA256)", or both joined by "or".
func (c *credentials) expect() string {
	var kinds []string
	if len(c.tokens) > 0 || c.issued != nil {
		kinds = append(kinds, "an X-Auth-Token header")
	}
	if len(c.keys) > 0 {
		kinds = append(kinds, "an AK/SK signature (SDK-HMAC-SHA256)")
	}
	switch len(kinds) {
	case 0:
		return "credentials"
	case 1:
		return kinds[0]
	}
	return kinds[0] + " or " + kinds[1]
}
