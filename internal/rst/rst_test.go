package rst

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// page joins lines with "\n", so that test tables stay readable and their line numbers
// countable.
func page(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func mustParse(t *testing.T, text string) []Table {
	t.Helper()
	tables, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tables
}

func TestParse_indentedTableInDirective(t *testing.T) {
	got := mustParse(t, page(
		"Things",
		"======",
		"",
		"**Status code: 201**",
		"",
		".. _things_colours:",
		"",
		".. table:: **Table 7** Colours",
		"   :widths: 10 10",
		"",
		"   +-----+-----+",
		"   | Key | Hex |",
		"   +=====+=====+",
		"   | red | f00 |",
		"   +-----+-----+",
	))
	want := []Table{{
		Title:      "Table 7 Colours",
		Label:      "things_colours",
		Section:    "Things",
		Subheading: "Status code: 201",
		Header:     []string{"Key", "Hex"},
		Rows:       [][]string{{"red", "f00"}},
		Line:       11,
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParse_twoTablesOnAPage(t *testing.T) {
	text := page(
		"Request",
		"-------",
		"",
		".. table:: **Table 1** Query",
		"",
		"   +------+------+",
		"   | Name | Type |",
		"   +======+======+",
		"   | q    | Text |",
		"   +------+------+",
		"",
		"A paragraph about the next table, which is somewhere else.",
		"",
		".. _resp_items:",
		"",
		".. table:: **Table 2** Items",
		"",
		"   +------+------+",
		"   | Name | Type |",
		"   +======+======+",
		"   | id   | Int  |",
		"   +------+------+",
		"",
		"Codes",
		"-----",
		"",
		"+------+",
		"| Code |",
		"+======+",
		"| 200  |",
		"+------+",
	)
	got := mustParse(t, text)
	type summary struct {
		Title, Label, Section string
		Line                  int
		First                 string
	}
	var sums []summary
	for _, tb := range got {
		sums = append(sums, summary{tb.Title, tb.Label, tb.Section, tb.Line, tb.Rows[0][0]})
	}
	want := []summary{
		{"Table 1 Query", "", "Request", 6, "q"},
		{"Table 2 Items", "resp_items", "Request", 18, "id"},
		{"", "", "Codes", 27, "200"},
	}
	if diff := cmp.Diff(want, sums); diff != "" {
		t.Errorf("tables mismatch (-want +got):\n%s", diff)
	}
	if tb, ok := ByLabel(got, "RESP_items"); !ok || tb.Title != "Table 2 Items" {
		t.Errorf("ByLabel(RESP_items) = %q, %v; want Table 2 Items", tb.Title, ok)
	}
	if _, ok := ByLabel(got, "missing"); ok {
		t.Error("ByLabel(missing) found a table")
	}
	if got[1].Column("type") != 1 || got[1].Column("Nope") != -1 {
		t.Errorf("Column: got %d and %d, want 1 and -1", got[1].Column("type"), got[1].Column("Nope"))
	}
}

func TestParse_labelAndTitleDoNotLeak(t *testing.T) {
	got, err := Parse(page(
		".. _not_the_table:",
		"",
		"A paragraph takes the label.",
		"",
		".. table:: **Table 1** Orphan",
		"",
		"   Directive content that is not a table.",
		"",
		"+---+",
		"| x |",
		"+---+",
	))
	// The directive's content is no table Parse reads: reported, never silently dropped.
	assertSyntaxErrors(t, err, "5:0")
	if !strings.Contains(err.Error(), `"Table 1 Orphan" holds no grid or simple table`) {
		t.Errorf("error %q does not name the directive", err)
	}
	if len(got) != 1 || got[0].Label != "" || got[0].Title != "" {
		t.Errorf("got %+v; want one table with no label and no title", got)
	}
}

func TestParse_skipsCodeBlocksAndLiteralBlocks(t *testing.T) {
	got := mustParse(t, page(
		".. code-block:: text",
		"",
		"   +---+",
		"   | not a table",
		"",
		"An example::",
		"",
		"   +---+",
		"   ragged",
		"",
		"+---+",
		"| y |",
		"+---+",
	))
	if len(got) != 1 || got[0].Rows[0][0] != "y" {
		t.Errorf("got %+v; want only the table with y", got)
	}
}

func TestSections(t *testing.T) {
	text := page(
		".. _top_label:",
		"",
		"=======",
		" Title",
		"=======",
		"",
		"Intro.",
		"",
		"URI",
		"---",
		"",
		"GET /v1/things",
		"",
		"Detail",
		"~~~~~~",
		"",
		"Deep.",
		"",
		"Next",
		"----",
	)
	got := Sections(text)
	want := []Section{
		{Title: "Title", Label: "top_label", Level: 1, Line: 4, Text: "\nIntro.\n"},
		{Title: "URI", Level: 2, Line: 9, Text: "\nGET /v1/things\n"},
		{Title: "Detail", Level: 3, Line: 14, Text: "\nDeep.\n"},
		{Title: "Next", Level: 2, Line: 19, Text: ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sections mismatch (-want +got):\n%s", diff)
	}
}

func TestSections_notHeadings(t *testing.T) {
	got := Sections(page(
		"Too long a title",
		"---",
		"",
		"-----",
		"",
		"A paragraph",
		"continues",
		"=========",
	))
	if len(got) != 0 {
		t.Errorf("got %+v; want no sections", got)
	}
}

func TestCodeBlocks(t *testing.T) {
	got := CodeBlocks(page(
		"Example Responses",
		"-----------------",
		"",
		"**Status code: 200**",
		"",
		"Request succeeded.",
		"",
		".. code-block:: json",
		"   :linenos:",
		"",
		"   {",
		"     \"a\" : 1",
		"",
		"   }",
		"",
		"Other",
		"-----",
		"",
		".. code-block::",
		"",
		"      indented more",
		"   less",
		"",
		".. note::",
		"",
		"   Not code.",
	))
	want := []CodeBlock{
		{Language: "json", Text: "{\n  \"a\" : 1\n\n}", Section: "Example Responses", Subheading: "Status code: 200", Line: 8},
		{Text: "   indented more\nless", Section: "Other", Line: 19},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CodeBlocks mismatch (-want +got):\n%s", diff)
	}
}
