package rst

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The table of the whitelist page, as it is drawn there: a simple table in a table directive.
func TestParse_simpleTableInDirective(t *testing.T) {
	got := mustParse(t, page(
		"Request Parameters",
		"------------------",
		"",
		".. table:: **Table 2** Request body parameters",
		"",
		"   =============== ========= ================ ============",
		"   Parameter       Mandatory Type             Description",
		"   =============== ========= ================ ============",
		"   vpc_permissions Yes       Array of strings Who may connect.",
		"   =============== ========= ================ ============",
		"",
		"After.",
	))
	want := []Table{{
		Title:   "Table 2 Request body parameters",
		Section: "Request Parameters",
		Header:  []string{"Parameter", "Mandatory", "Type", "Description"},
		// The last column is unbounded: its text runs past the border.
		Rows: [][]string{{"vpc_permissions", "Yes", "Array of strings", "Who may connect."}},
		Line: 6,
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_simpleTableWithoutHeader(t *testing.T) {
	got := mustParse(t, page(
		".. _plain:",
		"",
		"=====  =====",
		"a      1",
		"b      2",
		"=====  =====",
	))
	want := []Table{{Label: "plain", Rows: [][]string{{"a", "1"}, {"b", "2"}}, Line: 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

// Multi-line rows as docutils reads them: a line whose first column is blank continues the row
// above; blank lines between rows are ignored, blank lines inside a row separate paragraphs;
// an underline of '-' with the table's own columns ends a row.
func TestParse_simpleTableMultiLineRows(t *testing.T) {
	got := mustParse(t, page(
		"=====  ==========",
		"Name   Notes",
		"=====  ==========",
		"mode   First line",
		"       wraps.",
		"",
		"       -  **on**: yes",
		"",
		"",
		"size   One.",
		"-----  ----------",
		"kind   Two",
		"       lines.",
		"=====  ==========",
	))
	want := []Table{{
		Header: []string{"Name", "Notes"},
		Rows: [][]string{
			{"mode", "First line\nwraps.\n\n-  **on**: yes"},
			{"size", "One."},
			{"kind", "Two\nlines."},
		},
		Line: 1,
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

// Columns are counted in runes, as in grid tables; an empty cell is "".
func TestParse_simpleTableEmptyCellsAndUnicode(t *testing.T) {
	got := mustParse(t, page(
		"  =====  ===  ===",
		"  Größe  x",
		"  αβγ         ✓ ok",
		"  =====  ===  ===",
	))
	want := [][]string{{"Größe", "x", ""}, {"αβγ", "", "✓ ok"}}
	if diff := cmp.Diff(want, got[0].Rows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_simpleTableMalformed(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // "line:column" of each error, comma separated
		msg  string // part of the first error message
	}{
		{
			name: "text in a column margin",
			text: page("===  ===", "abcd x", "===  ==="),
			want: "2:4", msg: "margin between columns 1 and 2",
		},
		{
			name: "margin column counts the indentation",
			text: page("Text", "", "   ===  ===", "   a   xb", "   ===  ==="),
			want: "4:8", msg: "margin",
		},
		{
			name: "no bottom border",
			text: page("===  ===", "a    b", "", "more text"),
			want: "1:0", msg: "no bottom border",
		},
		{
			name: "header separator but no bottom border",
			text: page("===  ===", "a    b", "===  ===", "c    d", "", "after"),
			want: "3:0", msg: "no bottom border, or no blank line after it",
		},
		{
			name: "ends where its block ends",
			text: page(".. table:: T", "", "   ===  ===", "   a    b", "", "Next paragraph.", "===  ==="),
			want: "3:0", msg: "no bottom border",
		},
		{
			name: "border of another width",
			text: page("===  ===", "a    b", "===  ======"),
			want: "3:0", msg: "is 11 characters wide",
		},
		{
			name: "bottom border spans columns",
			text: page("===  ===", "a    b", "========"),
			want: "3:1", msg: "spanning columns",
		},
		{
			name: "column span underline",
			text: page("===  ===", "a    b", "--------", "===  ==="),
			want: "3:1", msg: "spanning columns",
		},
		{
			name: "header separator shifted",
			text: page("===  ===", "a    b", "==   ===", "c    d", "===  ==="),
			want: "3:1", msg: "column 1",
		},
		{
			name: "continuation with no row above",
			text: page("===  ===", "     b", "===  ==="),
			want: "2:0", msg: "there is none here",
		},
		{
			name: "two-row header",
			text: page("===  ===", "a    b", "c    d", "===  ===", "e    f", "===  ==="),
			want: "4:0", msg: "one-row headers",
		},
		{
			name: "header with no body",
			text: page("===  ===", "a    b", "===  ===", "===  ==="),
			want: "4:0", msg: "followed by no body row",
		},
		{
			name: "no rows",
			text: page("===  ===", "", "===  ==="),
			want: "3:0", msg: "has no rows",
		},
		{
			name: "separator below the top border",
			text: page("===  ===", "===  ===", "a    b", "===  ==="),
			want: "2:0", msg: "directly below the top border",
		},
		{
			name: "continuation after an underline",
			text: page("===  ===", "a    b", "---  ---", "     c", "===  ==="),
			want: "4:0", msg: "there is none here",
		},
		{
			name: "a malformed table does not hide a good one",
			text: page("===  ===", "abcd x", "===  ===", "", "===  ===", "ok   1", "===  ==="),
			want: "2:4",
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

func TestParse_simpleTableKeptAfterAMalformedOne(t *testing.T) {
	tables, err := Parse(page("===  ===", "abcd x", "===  ===", "", "===  ===", "ok   1", "===  ==="))
	assertSyntaxErrors(t, err, "2:4")
	if len(tables) != 1 || tables[0].Rows[0][0] != "ok" || tables[0].Line != 5 {
		t.Errorf("got %+v; want the table on line 5", tables)
	}
}

// Tables Parse cannot read are reported, never dropped.
func TestParse_unreadableTablesAreReported(t *testing.T) {
	tests := []struct {
		name, text, want, msg string
	}{
		{"list-table", page(".. list-table:: T", "", "   * - a", "     - b"), "1:1", "list-table directive"},
		{"csv-table", page("  .. csv-table:: T", "", "     a,b"), "1:3", "csv-table directive"},
		{"table directive without content", page(".. table:: T", "", "Text."), "1:0", "holds no grid or simple table"},
		{"grid border without its closing plus", page("+---+---", "| a | b", "+---+---"), "1:1", "starts like a grid table border"},
		{"grid table drawn with '=' on top", page("+===+", "| a |", "+---+"), "1:1", "starts like a grid table border"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.text)
			assertSyntaxErrors(t, err, tt.want)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}
}

// What is not a simple table stays what it is: a one-column border is a section adornment, and
// a simple table in a code block is code.
func TestParse_notSimpleTables(t *testing.T) {
	text := page(
		"=======",
		" Title",
		"=======",
		"",
		".. code-block:: text",
		"",
		"   ===  ===",
		"   not  closed",
		"",
		"Under",
		"=====",
	)
	if got := mustParse(t, text); len(got) != 0 {
		t.Errorf("got %+v; want no tables", got)
	}
	if got := Sections(text); len(got) != 2 || got[0].Title != "Title" || got[1].Title != "Under" {
		t.Errorf("Sections = %+v; want Title and Under", got)
	}
}
