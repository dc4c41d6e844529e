package rst

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse_gridTable(t *testing.T) {
	got := mustParse(t, page(
		"+------+-------+",
		"| Name | Size  |",
		"+======+=======+",
		"| a    | 1     |",
		"+------+-------+",
		"| bb   | 22    |",
		"+------+-------+",
	))
	want := []Table{{
		Header: []string{"Name", "Size"},
		Rows:   [][]string{{"a", "1"}, {"bb", "22"}},
		Line:   1,
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_withoutHeader(t *testing.T) {
	got := mustParse(t, page(
		"",
		"+---+---+",
		"| x | y |",
		"+---+---+",
	))
	want := []Table{{Rows: [][]string{{"x", "y"}}, Line: 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_multiLineCells(t *testing.T) {
	got := mustParse(t, page(
		"+-------+---------------------+",
		"| Field | Notes               |",
		"+=======+=====================+",
		"| mode  | First paragraph     |",
		"|       | wraps here.         |",
		"|       |                     |",
		"|       |                     |",
		"|       | -  **on**: running. |",
		"|       | -  **off**: stopped |",
		"|       |    for good.        |",
		"|       |                     |",
		"+-------+---------------------+",
		"|       |                     |",
		"| empty |                     |",
		"+-------+---------------------+",
	))
	want := [][]string{
		{"mode", "First paragraph\nwraps here.\n\n-  **on**: running.\n-  **off**: stopped\n   for good."},
		{"empty", ""},
	}
	if diff := cmp.Diff(want, got[0].Rows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
	notes := got[0].Rows[0][1]
	if diff := cmp.Diff([]string{"First paragraph wraps here.", "- **on**: running.", "- **off**: stopped for good."}, Paragraphs(notes)); diff != "" {
		t.Errorf("Paragraphs mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"**on**: running.", "**off**: stopped for good."}, Bullets(notes)); diff != "" {
		t.Errorf("Bullets mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_cellIndentationIsRelative(t *testing.T) {
	got := mustParse(t, page(
		"+----------+",
		"|   deeper |",
		"|     more |",
		"+----------+",
	))
	if diff := cmp.Diff([][]string{{"deeper\n  more"}}, got[0].Rows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_unicodeCellsAlignByRune(t *testing.T) {
	got := mustParse(t, page(
		"+-------+-----------+",
		"| Größe | Beschrieb |",
		"+=======+===========+",
		"| αβγ   | naïve → ✓ |",
		"+-------+-----------+",
	))
	want := [][]string{{"αβγ", "naïve → ✓"}}
	if diff := cmp.Diff(want, got[0].Rows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Größe", "Beschrieb"}, got[0].Header); diff != "" {
		t.Errorf("header mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_wideCharactersAlignedOnScreenAreMisaligned(t *testing.T) {
	// Two CJK characters fill four screen columns but are two runes, so a row that lines up on
	// screen is two runes short: reported, not guessed at.
	_, err := Parse(page(
		"+------+---+",
		"| 名前 | x |",
		"+------+---+",
	))
	assertSyntaxErrors(t, err, "2:0")
}

func TestParse_tabsAndCRLF(t *testing.T) {
	got := mustParse(t, "\t+---+\r\n\t| z |\r\n\t+---+\r\n")
	if len(got) != 1 || got[0].Rows[0][0] != "z" {
		t.Fatalf("got %+v; want one table with z", got)
	}
}

func TestParse_malformed(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // "line:column" of each error, comma separated
		msg  string // part of the first error message
	}{
		{
			name: "ragged right border",
			text: page("+---+---+", "| a | b |", "| c | d  |", "+---+---+"),
			want: "3:0", msg: "ragged",
		},
		{
			name: "short row",
			text: page("+---+---+", "| a | b", "+---+---+"),
			want: "2:0", msg: "ragged",
		},
		{
			name: "separator not under a plus",
			text: page("+---+---+", "| a  | b|", "+---+---+"),
			want: "2:5", msg: "expected '|'",
		},
		{
			name: "columns count the indentation",
			text: page("Text", "", "   +---+---+", "   | a  | b|", "   +---+---+"),
			want: "4:8", msg: "found ' '",
		},
		{
			name: "cell spanning columns",
			text: page("+---+---+", "| span  |", "+---+---+"),
			want: "2:5", msg: "spanning columns",
		},
		{
			name: "border with a plus of its own",
			text: page("+-------+", "| a     |", "+---+---+", "| b | c |", "+---+---+"),
			want: "3:5", msg: "spanning columns",
		},
		{
			name: "border with a gap (row span)",
			text: page("+---+---+", "| a | b |", "+---+   +", "| c | d |", "+---+---+"),
			want: "3:6", msg: "spanning rows",
		},
		{
			name: "unterminated at end of text",
			text: page("+---+", "| a |"),
			want: "2:0", msg: "unterminated",
		},
		{
			name: "unterminated before a blank line",
			text: page("Intro", "", "+---+", "| a |", "| b |", "", "more text"),
			want: "5:0", msg: "starting on line 3",
		},
		{
			name: "top border alone",
			text: page("", "+---+---+", "", "| a | b |"),
			want: "2:0", msg: "no table below",
		},
		{
			name: "text line inside the table",
			text: page("+---+", "| a |", "oops", "+---+"),
			want: "3:1", msg: "expected a table row",
		},
		{
			name: "indentation changes",
			text: page("  +---+", "  | a |", " +---+"),
			want: "3:0", msg: "indented by 1",
		},
		{
			name: "two borders in a row",
			text: page("+---+", "+---+", "| a |", "+---+"),
			want: "2:0", msg: "border directly below",
		},
		{
			name: "header separator at the bottom",
			text: page("+---+", "| a |", "+===+"),
			want: "3:0", msg: "bottom border",
		},
		{
			name: "two-row header",
			text: page("+---+", "| a |", "+---+", "| b |", "+===+", "| c |", "+---+"),
			want: "5:0", msg: "one-row headers",
		},
		{
			name: "two header separators",
			text: page("+---+", "| a |", "+===+", "| b |", "+===+", "| c |", "+---+"),
			want: "5:0", msg: "second header separator",
		},
		{
			name: "border of another fill",
			text: page("+---+", "| a |", "+~~~+"),
			want: "3:2", msg: "filled with",
		},
		{
			name: "two malformed tables, one good one in between",
			text: page("+---+", "| a ", "+---+", "", "+---+", "| ok |", "", "+---+", "| b |", "+---+"),
			want: "2:0,6:0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.text)
			assertSyntaxErrors(t, err, tt.want)
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}
}

func TestParse_keepsGoodTablesOnError(t *testing.T) {
	tables, err := Parse(page("+---+", "| a ", "+---+", "", "+---+", "| b |", "+---+"))
	if err == nil {
		t.Fatal("Parse: no error for a malformed table")
	}
	if len(tables) != 1 || tables[0].Rows[0][0] != "b" || tables[0].Line != 5 {
		t.Errorf("got %+v; want the table on line 5", tables)
	}
}

// assertSyntaxErrors checks that err joins *SyntaxErrors at exactly the "line:column"
// positions in want (comma separated).
func assertSyntaxErrors(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Parse: no error; want errors at %s", want)
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var got []string
	for _, e := range errs {
		var se *SyntaxError
		if !errors.As(e, &se) {
			t.Fatalf("error %v (%T) is not a *SyntaxError", e, e)
		}
		got = append(got, fmt.Sprintf("%d:%d", se.Line, se.Column))
	}
	if strings.Join(got, ",") != want {
		t.Errorf("errors at %s, want %s; errors: %v", strings.Join(got, ","), want, err)
	}
}
