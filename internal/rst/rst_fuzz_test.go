package rst

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics or hangs and that what it returns is consistent, for
// grid and simple tables alike: rows as wide as the header, a table's line holding its top
// border, line numbers inside the text, errors that are *SyntaxErrors with a line number.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"+---+---+\n| a | b |\n+===+===+\n| c | d |\n+---+---+\n",
		"+---+\n| x |\n+---+\n",
		".. _lbl:\n\n.. table:: **Table 1** T\n\n   +----+\n   | hi |\n   +====+\n   | yo |\n   +----+\n",
		"Title\n=====\n\n**Bold**\n\n+---+\n| a |\n|   |\n| b |\n+---+\n",
		"+---+---+\n| a  | b|\n+---+---+\n",
		"+---+\n| a |\n",
		"+-------+\n| a     |\n+---+---+\n| b | c |\n+---+---+\n",
		"\t+--+\r\n\t|é |\r\n\t+--+\r\n",
		".. code-block::\n\n   +---+\n\nx::\n\n   +--\n",
		"===\nTop\n===\n\n+=+\n|+|\n+-+\n",
		"=====  =====\nName   Type\n=====  =====\nlimit  Int\n=====  =====\n",
		".. table:: **Table 2** T\n\n   ===  ===\n   a    b\n        c\n\n   d    e\n   ---  ---\n   ===  ===\n",
		"===  ===\nab   x\n===  ======\n",
		"===  ===\n     x\n===  ===\n",
		"===  ===\na b\n========\n",
		"===  ===\na    b\n===  ===\n===  ===\n",
		"  ===  ===\n  é    ü long last column\nx\n",
		".. list-table:: L\n\n   * - a\n\n+--+---\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tables, err := Parse(text)
		lines := strings.Split(text, "\n")
		for _, tb := range tables {
			if tb.Line < 1 || tb.Line > len(lines) {
				t.Fatalf("table line %d outside 1..%d", tb.Line, len(lines))
			}
			if top := strings.TrimSpace(lines[tb.Line-1]); top == "" || (top[0] != '+' && top[0] != '=') {
				t.Fatalf("table line %d is %q, not a top border", tb.Line, lines[tb.Line-1])
			}
			if len(tb.Rows) == 0 {
				t.Fatalf("table on line %d has no rows", tb.Line)
			}
			width := len(tb.Rows[0])
			if tb.Header != nil {
				width = len(tb.Header)
			}
			if width == 0 {
				t.Fatalf("table on line %d has no columns", tb.Line)
			}
			for i, r := range tb.Rows {
				if len(r) != width {
					t.Fatalf("table on line %d: row %d has %d cells, want %d", tb.Line, i, len(r), width)
				}
			}
		}
		if err != nil {
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			for _, e := range errs {
				var se *SyntaxError
				if !errors.As(e, &se) {
					t.Fatalf("error %v is a %T, not a *SyntaxError", e, e)
				}
				if se.Line < 1 || se.Line > len(lines) || se.Column < 0 {
					t.Fatalf("error position %d:%d outside the text (%d lines)", se.Line, se.Column, len(lines))
				}
			}
		}
		again, err2 := Parse(text)
		if !reflect.DeepEqual(tables, again) || (err == nil) != (err2 == nil) {
			t.Fatal("Parse is not deterministic")
		}
		Sections(text)
		for _, cb := range CodeBlocks(text) {
			if cb.Line < 1 || cb.Line > len(lines) || !strings.Contains(lines[cb.Line-1], "::") {
				t.Fatalf("code block line %d is %q, not a directive", cb.Line, lines[max(0, min(cb.Line, len(lines))-1)])
			}
		}
		for _, tb := range tables {
			for _, r := range tb.Rows {
				for _, c := range r {
					Paragraphs(c)
					Bullets(c)
					Refs(c)
					Plain(c)
				}
			}
		}
	})
}
