package quote

import (
	"strings"
	"testing"
	"unicode/utf8"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestValue(t *testing.T) {
	long := strings.Repeat("a", 10<<20)
	tests := []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{"a\x00b\n", `"a\x00b\n"`},
		{"\xff", `"\xff"`},
		{strings.Repeat("x", Max), `"` + strings.Repeat("x", Max) + `"`},
		{strings.Repeat("x", Max+1), `"` + strings.Repeat("x", Max) + `"…`},
		{long, `"` + strings.Repeat("a", Max) + `"…`},
		// A three-byte character across the bound is left out whole, never split.
		{strings.Repeat("x", Max-1) + "東京", `"` + strings.Repeat("x", Max-1) + `"…`},
	}
	for _, tt := range tests {
		if got := Value(tt.in); got != tt.want {
			t.Errorf("Value(%.20q…) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Bytes([]byte(tt.in)); got != tt.want {
			t.Errorf("Bytes(%.20q…) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValue_boundedForAnyInput(t *testing.T) {
	for _, in := range []string{strings.Repeat("\x00", 1000), strings.Repeat("ü", 1000), strings.Repeat("\xff", 1000)} {
		got := Value(in)
		// strconv.Quote at most quadruples a byte (\x00); plus the quotes and the ellipsis.
		if len(got) > 4*Max+2+len(Ellipsis) {
			t.Errorf("Value(%.10q…) is %d bytes", in, len(got))
		}
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"plain text", 100, "plain text"},
		{"  lead and\r\ntrail \t ", 100, "lead and trail"},
		{"a\x1b[31mred", 100, "a [31mred"},
		{"bidi\u202eevil\u200b", 100, "bidievil"},
		{"bad \xff utf8", 100, "bad utf8"},
		{"abcdef", 3, "abc…"},
		{"ab cdef", 3, "ab…"},
		{"ab  cd", 2, "ab…"},
		{"ü" + "x", 1, "…"},
	}
	for _, tt := range tests {
		if got := Line(tt.in, tt.max); got != tt.want {
			t.Errorf("Line(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
	got := Line(strings.Repeat("é", 1<<20), 512)
	if len(got) > 512+len(Ellipsis) || !utf8.ValidString(got) {
		t.Errorf("Line of 2 MiB: %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
}
