package rst

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Array of :ref:`items <page__items>` objects", "Array of items objects"},
		{"see :ref:`page_label`", "see page_label"},
		{"**Table 3** Body", "Table 3 Body"},
		{"-  **on**: *really* on", "-  on: really on"},
		{"``null`` or `the site <https://example.com>`_", "null or the site"},
		{"a * b * c", "a * b * c"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Plain(tt.in); got != tt.want {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRefs(t *testing.T) {
	got := Refs("Array of :ref:`items <page__items>` objects, see :ref:`other` and :doc:`x`")
	want := []Ref{{Text: "items", Target: "page__items"}, {Target: "other"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Refs mismatch (-want +got):\n%s", diff)
	}
	if got := Refs("no references"); got != nil {
		t.Errorf("Refs(no references) = %v, want nil", got)
	}
}

func TestParagraphs(t *testing.T) {
	cell := "**Heading**:\n\nOne\nparagraph.\n\n-  first\n   item\n* second\n\n-1000 is not a bullet"
	want := []string{"**Heading**:", "One paragraph.", "- first item", "- second", "-1000 is not a bullet"}
	if diff := cmp.Diff(want, Paragraphs(cell)); diff != "" {
		t.Errorf("Paragraphs mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"first item", "second"}, Bullets(cell)); diff != "" {
		t.Errorf("Bullets mismatch (-want +got):\n%s", diff)
	}
	if got := Paragraphs(""); got != nil {
		t.Errorf("Paragraphs(\"\") = %q, want nil", got)
	}
}

func TestSameName(t *testing.T) {
	if !SameName("Page__Items", "page__items") || !SameName("a  b", "A b") || SameName("a", "b") {
		t.Error("SameName does not ignore case and blank runs, or matches different names")
	}
}
