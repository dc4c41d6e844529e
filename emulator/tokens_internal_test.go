package emulator

import (
	"crypto/sha256"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The registry holds at most maxLiveTokens, forgetting the oldest, and forgets the expired
// ones as it issues more: a client signing in in a loop cannot grow it.
func TestTokenRegistry_bounded(t *testing.T) {
	r := newTokenRegistry()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sum := func(i int) [sha256.Size]byte { return sha256.Sum256([]byte(strconv.Itoa(i))) }
	for i := range maxLiveTokens + 5 {
		r.add(sum(i), issuedToken{projectID: "p", expires: now.Add(time.Hour)}, now)
	}
	if len(r.byHash) != maxLiveTokens || len(r.order) != maxLiveTokens || r.issued.Load() != maxLiveTokens+5 {
		t.Errorf("%d tokens, %d in order, %d issued", len(r.byHash), len(r.order), r.issued.Load())
	}
	for i, want := range map[int]bool{0: false, 4: false, 5: true, maxLiveTokens + 4: true} {
		if _, ok := r.lookup(sum(i)); ok != want {
			t.Errorf("token %d kept: %v, want %v", i, ok, want)
		}
	}
	later := now.Add(time.Hour) // every token expires at this instant
	r.add(sum(-1), issuedToken{expires: later.Add(time.Hour)}, later)
	if len(r.byHash) != 1 || len(r.order) != 1 {
		t.Errorf("%d tokens after all expired, want the new one alone", len(r.byHash))
	}
	if n := r.revokeAll(later); n != 1 || len(r.byHash) != 0 {
		t.Errorf("revokeAll = %d, %d left", n, len(r.byHash))
	}
}

// Tokens are long, unguessable and in the form of IAM's (base64 after the DER prefix).
func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := newToken()
		if len(tok) != len(tokenPrefix)+960 || !strings.HasPrefix(tok, tokenPrefix) || strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") != "" {
			t.Fatalf("token %q", tok)
		}
		if seen[tok] {
			t.Fatal("a token repeats")
		}
		seen[tok] = true
	}
}
