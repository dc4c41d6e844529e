// Package rst reads the parts of a reStructuredText page that an API reference keeps its facts
// in: tables (grid tables and simple tables, with the `.. table::` title and the `.. _label:`
// target in front of them), section headings, the inline markup of table cells, and code
// blocks (where the pages keep their example requests and responses).
//
// It is not a reStructuredText implementation. It knows grid tables of the kind
//
//	+-----------+------+
//	| Parameter | Type |
//	+===========+======+
//	| limit     | Int  |
//	+-----------+------+
//
// and simple tables of the kind
//
//	=========  ======
//	Parameter  Type
//	=========  ======
//	limit      Int
//	=========  ======
//
// at any indentation, and enough of the surrounding block structure (headings, explicit markup,
// literal blocks) to say which table is which and to leave code blocks alone. Simple tables are
// read as docutils reads them: the columns are the runs of '=' of the top border, the rightmost
// column is unbounded, a line whose first column is blank continues the row above it (blank
// lines inside a row separate paragraphs, between rows they are ignored), an optional header
// row ends at the one '=' border in between, and the table ends at its third border or at a
// border followed by a blank line. A top border needs two columns: one run of '=' is a section
// adornment.
//
// A table Parse cannot read is reported as a *SyntaxError, never dropped: a malformed grid or
// simple table, a `.. table::` directive whose content is neither, a line that starts like a
// grid border without being one, and the list-table and csv-table directives.
//
// Columns are counted in runes (Unicode code points): a `|` must sit at the same rune index as
// the `+` of the top border above it, and the text of a simple table's column must stay
// within the runes of its '=' run. That is what an editor shows for ASCII and most Latin,
// Greek and Cyrillic text; East Asian wide characters and combining marks occupy a different
// number of screen columns than runes, so a table aligned on screen with such text is reported
// as misaligned rather than guessed at. Tabs are expanded to 8-column tab stops first, as
// docutils does.
//
// Cells that span columns or rows are not supported: they are reported as syntax errors, never
// silently misread.
package rst
