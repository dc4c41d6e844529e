package contract

import (
	"regexp"
	"testing"
	"unicode/utf8"
)

// patternSamples are patterns of the forms specs use, and the assertions the DFA handles.
var patternSamples = []string{
	`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$`,
	`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
	`^[a-zA-Z][a-zA-Z0-9_-]*$`, `^\d+\.\d+(\.\d+)?$`, `^[a-z]+=[a-z0-9]*$`, `^[a-z][a-z0-9-]{0,62}$`,
	`abc`, `a|b`, `^$`, `$`, `^`, ``, `x*`, `\Aab\z`, `(?i)ab`, `(?s).b`, `.b`, `[^a]`, `a$|^b`,
	`(^a|b$)c`, `\x{00E9}`, `[é-ü]+`, `(?m)^a`, `\bword\b`, `a{2,}b`, `(a|ab)(c|bcd)(d*)`,
}

// TestPatternMatcher_agreesWithRegexp: the DFA gives regexp's MatchString answers, and is
// built for the spec's kinds of patterns (else the body check would quietly run at regexp's
// speed).
func TestPatternMatcher_agreesWithRegexp(t *testing.T) {
	g := newBodyGen(3)
	for _, pattern := range patternSamples {
		pm, err := newPatternMatcher(pattern)
		if err != nil {
			t.Fatalf("%q: %v", pattern, err)
		}
		strs := []string{"", "a", "b", "ab", "abc", "xabcx", "word", "a word here", "é", "2024-06-11T09:36:24Z", "\n", "aa\nb"}
		for range 200 {
			s := g.fromPattern(pattern)
			strs = append(strs, s, s+"x", "x"+s, s[:len(s)/2])
		}
		for _, s := range strs {
			if got, want := pm.match([]byte(s)), pm.re.MatchString(s); got != want {
				t.Errorf("%q on %q: %v, regexp says %v", pattern, s, got, want)
			}
		}
	}
	for _, pattern := range patternSamples[:6] {
		if pm, _ := newPatternMatcher(pattern); pm.dfa == nil {
			t.Errorf("%q: no DFA", pattern)
		}
	}
	for _, pattern := range []string{`(?m)^a`, `\bword\b`} {
		if pm, _ := newPatternMatcher(pattern); pm.dfa != nil {
			t.Errorf("%q: a DFA, for an assertion it does not handle", pattern)
		}
	}
}

// TestPatternMatcher_kinRewrite: \u and four upper-case hexadecimal digits is a code point, as
// kin-openapi rewrites it (Go's regexp has no \u).
func TestPatternMatcher_kinRewrite(t *testing.T) {
	pm, err := newPatternMatcher(`^\u00E9+$`)
	if err != nil {
		t.Fatal(err)
	}
	if !pm.match([]byte("éé")) || pm.match([]byte("e")) {
		t.Error(`^\u00E9+$ should match "éé" and not "e"`)
	}
	if _, err := newPatternMatcher(`\u00e9`); err == nil {
		t.Error(`\u00e9 (lower case) compiled; kin-openapi leaves it to regexp, which refuses it`)
	}
}

// FuzzPatternMatcher_matchesRegexp holds the pattern matcher (DFA or regexp) to regexp's
// MatchString, for any pattern Go compiles and any string a JSON body decodes to (valid UTF-8).
func FuzzPatternMatcher_matchesRegexp(f *testing.F) {
	for _, p := range patternSamples {
		f.Add(p, "2024-06-11T09:36:24Z")
		f.Add(p, "ab")
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		pm, err := newPatternMatcher(pattern)
		if err != nil {
			return
		}
		if !utf8.ValidString(s) {
			s = string([]rune(s)) // as encoding/json decodes invalid UTF-8
		}
		re := regexp.MustCompile(kinCodepoints.ReplaceAllString(pattern, `\x{${1}}`))
		if got, want := pm.match([]byte(s)), re.MatchString(s); got != want {
			t.Fatalf("%q on %q: %v, regexp says %v", pattern, s, got, want)
		}
	})
}
