package rst

import (
	"fmt"
	"strings"
)

// Table is one table of a page, grid or simple.
type Table struct {
	// Title is the argument of the `.. table::` directive the table sits in, with inline markup
	// removed ("Table 3 Response body parameters"); empty for a table outside such a directive.
	Title string
	// Label is the name of the `.. _name:` target right in front of the table (or of its
	// directive), as written; empty if there is none. Compare labels with SameName.
	Label string
	// Section is the title of the section the table is in.
	Section string
	// Subheading is the text of the last paragraph in the table's section, before the table,
	// that is a single line of bold text ("**Status code: 200**" gives "Status code: 200").
	Subheading string
	// Header holds the cells of the header row (above the `+===+` separator of a grid table,
	// between the top border and the `=====` separator of a simple table); nil if the table has
	// none.
	Header []string
	// Rows holds the body rows. Every row has as many cells as the table has columns (and as
	// Header, if there is one). A cell keeps its line structure: lines are joined with "\n",
	// with the cell's common indentation and trailing blanks removed, and paragraphs are
	// separated by exactly one empty line ("\n\n"). Use Paragraphs, Bullets and Plain to read it.
	Rows [][]string
	// Line is the 1-based line number of the table's top border.
	Line int
}

// Column returns the index of the header cell whose plain text is name (ignoring case and
// surrounding blanks), or -1.
func (t Table) Column(name string) int {
	for i, h := range t.Header {
		if strings.EqualFold(strings.TrimSpace(Plain(h)), strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

// SyntaxError reports a table Parse cannot read: a malformed grid or simple table, or table
// markup this package does not support.
type SyntaxError struct {
	// Line is the 1-based line number of the offending line.
	Line int
	// Column is the 1-based rune column of the offending character, or 0 if the whole line is
	// at fault.
	Column int
	// Msg says what is wrong.
	Msg string
}

// Error returns "line L, column C: msg" (or "line L: msg").
func (e *SyntaxError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// isTopBorder reports whether s (without its indentation) is a grid table's top border:
// `+`, then one or more runs of `-` each closed by `+`.
func isTopBorder(s string) bool {
	s = strings.TrimRight(s, " ")
	if len(s) < 3 || s[0] != '+' || s[len(s)-1] != '+' {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '-':
		case '+':
			if s[i-1] == '+' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// gridParser turns the lines of one grid table into a Table.
type gridParser struct {
	first  int // line number of block[0]
	indent int // indentation of the top border, in runes
}

// parseGrid parses block, the non-blank lines of a table starting with its top border, which
// is block[0] at line number first and indentation indent.
func parseGrid(block []string, first, indent int) (Table, error) {
	p := gridParser{first: first, indent: indent}
	return p.parse(block)
}

// errorf reports an error on block line k, at 1-based rune column col of the table's text
// (without its indentation), or on the whole line if col is 0.
func (p gridParser) errorf(k, col int, format string, args ...any) error {
	if col > 0 {
		col += p.indent
	}
	return &SyntaxError{Line: p.first + k, Column: col, Msg: fmt.Sprintf(format, args...)}
}

func (p gridParser) parse(block []string) (Table, error) {
	lines := make([][]rune, len(block))
	for k, s := range block {
		r := []rune(strings.TrimRight(s, " "))
		ind := 0
		for ind < len(r) && r[ind] == ' ' {
			ind++
		}
		if ind != p.indent {
			return Table{}, p.errorf(k, 0, "table line is indented by %d columns, the table's top border by %d", ind, p.indent)
		}
		lines[k] = r[ind:]
	}
	top := lines[0]
	var bounds []int
	for i, c := range top {
		if c == '+' {
			bounds = append(bounds, i)
		}
	}

	var (
		t          = Table{Line: p.first}
		pending    [][]rune // row lines since the last border
		headerSeen bool
		lastBorder = '-'
	)
	for k := 1; k < len(lines); k++ {
		l := lines[k]
		switch l[0] {
		case '+', '|':
		default:
			return Table{}, p.errorf(k, 1, "expected a table row starting with '|' or a border starting with '+', found %q", l[0])
		}
		if len(l) != len(top) {
			return Table{}, p.errorf(k, 0, "table line is %d characters wide, the top border on line %d is %d (ragged right border)", len(l), p.first, len(top))
		}
		if l[0] == '|' {
			if err := p.checkRow(k, l, bounds); err != nil {
				return Table{}, err
			}
			pending = append(pending, l)
			continue
		}
		fill, err := p.checkBorder(k, l, bounds)
		if err != nil {
			return Table{}, err
		}
		if len(pending) == 0 {
			return Table{}, p.errorf(k, 0, "border directly below a border (a row needs at least one line)")
		}
		row := cells(pending, bounds)
		pending = nil
		lastBorder = fill
		if fill == '=' {
			if headerSeen {
				return Table{}, p.errorf(k, 0, "second header separator ('=' border) in one table")
			}
			if len(t.Rows) > 0 {
				return Table{}, p.errorf(k, 0, "header of %d rows; only one-row headers are supported", len(t.Rows)+1)
			}
			headerSeen = true
			t.Header = row
			continue
		}
		t.Rows = append(t.Rows, row)
	}
	last := len(lines) - 1
	if last == 0 {
		return Table{}, p.errorf(0, 0, "a top border with no table below it")
	}
	if len(pending) > 0 {
		return Table{}, p.errorf(last, 0, "table starting on line %d ends without a bottom border (unterminated table)", p.first)
	}
	if lastBorder == '=' {
		return Table{}, p.errorf(last, 0, "the header separator ('=' border) cannot be the bottom border; the table has no body")
	}
	return t, nil
}

// checkBorder checks a border line against the column boundaries of the top border and
// returns its fill character, '-' or '='.
func (p gridParser) checkBorder(k int, l []rune, bounds []int) (rune, error) {
	fill := l[1]
	if fill != '-' && fill != '=' {
		return 0, p.errorf(k, 2, "border must be filled with '-' or '=', found %q", fill)
	}
	b := 0
	for i, c := range l {
		if b < len(bounds) && i == bounds[b] {
			b++
			if c != '+' {
				return 0, p.errorf(k, i+1, "expected '+' below the '+' of the top border, found %q (cells spanning rows are not supported)", c)
			}
			continue
		}
		switch c {
		case fill:
		case '+':
			return 0, p.errorf(k, i+1, "'+' that is not below a '+' of the top border (cells spanning columns are not supported)")
		default:
			return 0, p.errorf(k, i+1, "border filled with %q has %q in it (cells spanning rows are not supported)", fill, c)
		}
	}
	return fill, nil
}

// checkRow checks that a row line has a '|' at every column boundary.
func (p gridParser) checkRow(k int, l []rune, bounds []int) error {
	for _, i := range bounds {
		if l[i] != '|' {
			return p.errorf(k, i+1, "expected '|' below the '+' of the top border, found %q (misaligned column separator, or a cell spanning columns, which is not supported)", l[i])
		}
	}
	return nil
}

// cells cuts the lines of one row into cell texts.
func cells(lines [][]rune, bounds []int) []string {
	row := make([]string, len(bounds)-1)
	seg := make([]string, len(lines))
	for c := range row {
		for k, l := range lines {
			seg[k] = string(l[bounds[c]+1 : bounds[c+1]])
		}
		row[c] = cellText(seg)
	}
	return row
}

// cellText removes the common indentation and trailing blanks of a cell's lines, drops blank
// lines at either end, keeps one empty line between paragraphs and joins the rest with "\n".
func cellText(seg []string) string {
	minInd := -1
	for i, s := range seg {
		s = strings.TrimRight(s, " ")
		seg[i] = s
		if s == "" {
			continue
		}
		ind := len(s) - len(strings.TrimLeft(s, " "))
		if minInd < 0 || ind < minInd {
			minInd = ind
		}
	}
	var b strings.Builder
	blank := false
	for _, s := range seg {
		if s == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(s[minInd:])
	}
	return b.String()
}
