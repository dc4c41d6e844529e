// Package quote is the one place that bounds and quotes text the program did not write itself
// (a server's reply, a request's parameter or header, a command-line argument, an environment
// variable) before it reaches an error, a log line or a terminal. Every package of the module
// quotes peer-supplied values with Value and makes free text one bounded line with Line, so
// that SECURITY.md's bound holds everywhere: no value in a message is longer than Max bytes.
package quote

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Max is how many bytes of a value Value quotes.
const Max = 64

// Ellipsis marks where Value or Line cut a text.
const Ellipsis = "…"

// Value quotes s with strconv.Quote (so control characters, invalid UTF-8 and quotes are
// escaped), at most Max bytes of it, cut at a character boundary and marked with Ellipsis
// after the closing quote. It costs O(Max) whatever the length of s.
func Value(s string) string {
	if len(s) <= Max {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:cut(s, Max)]) + Ellipsis
}

// Bytes is Value for a byte slice, without converting the whole slice.
func Bytes(b []byte) string {
	if len(b) <= Max {
		return strconv.Quote(string(b))
	}
	s := string(b[:min(len(b), Max+utf8.UTFMax)])
	return strconv.Quote(s[:cut(s, Max)]) + Ellipsis
}

// cut returns the largest index ≤ n that starts a character of s (or n when s has no
// character start in the last utf8.UTFMax bytes before it, which only invalid UTF-8 gives).
func cut(s string, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for i := n; i > n-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return i
		}
	}
	return n
}

// Line makes s one line of printable text of at most max bytes (plus Ellipsis where it was
// cut): invalid UTF-8, control characters and runs of white space become single spaces, and
// format characters (bidirectional overrides, zero-width ones), which could disguise a log
// line, are dropped. It reads no more of s than it needs to fill max bytes.
func Line(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) {
			continue
		}
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			if b.Len()+1 > max {
				return strings.TrimRight(b.String(), " ") + Ellipsis
			}
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > max {
			return strings.TrimRight(b.String(), " ") + Ellipsis
		}
		b.WriteRune(r)
	}
	return b.String()
}
