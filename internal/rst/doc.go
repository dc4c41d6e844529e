// Package rst reads the parts of a reStructuredText page that an API reference keeps its facts
// in: grid tables (with the `.. table::` title and the `.. _label:` target in front of them),
// section headings, and the inline markup of table cells.
//
// It is not a reStructuredText implementation. It knows grid tables of the kind
//
//	+-----------+------+
//	| Parameter | Type |
//	+===========+======+
//	| limit     | Int  |
//	+-----------+------+
//
// at any indentation, and enough of the surrounding block structure (headings, explicit markup,
// literal blocks) to say which table is which and to leave code blocks alone. Simple tables (the
// `=====  =====` kind) are not recognised.
//
// Columns are counted in runes (Unicode code points): a `|` must sit at the same rune index as
// the `+` of the top border above it. That is what an editor shows for ASCII and most Latin,
// Greek and Cyrillic text; East Asian wide characters and combining marks occupy a different
// number of screen columns than runes, so a table aligned on screen with such text is reported
// as misaligned rather than guessed at. Tabs are expanded to 8-column tab stops first, as
// docutils does.
//
// Cells that span columns or rows are not supported: they are reported as syntax errors, never
// silently misread.
package rst
