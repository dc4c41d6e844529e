package rst

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

// The line patterns docutils uses for simple tables, applied to a line without its
// indentation: a top border has at least two columns (one run of '=' alone is a section
// adornment or a transition), any later border may be any mix of '=' and blanks, and a span
// underline is '-' and blanks.
var (
	simpleTopRe    = regexp.MustCompile(`^=+( +=+)+ *$`)
	simpleBorderRe = regexp.MustCompile(`^=[ =]*$`)
	spanLineRe     = regexp.MustCompile(`^-[ -]*$`)
)

// isSimpleTop reports whether s (without its indentation) is a simple table's top border.
func isSimpleTop(s string) bool { return simpleTopRe.MatchString(s) }

// simpleExtent finds the end of the simple table whose top border is line i, indented by ind,
// as docutils does: the table ends at the third border, or at a border followed by a blank
// line or the end of the text. A line indented less than the table ends the block it is in.
// It returns the index of the bottom border.
func (s *scanner) simpleExtent(i, ind int) (int, error) {
	toplen := len([]rune(strings.TrimSpace(s.lines[i])))
	found, foundAt := 0, -1
	for k := i + 1; k < len(s.lines); k++ {
		l := s.lines[k]
		if isBlank(l) {
			continue
		}
		if indentOf(l) < ind {
			break
		}
		if !simpleBorderRe.MatchString(l[ind:]) {
			continue
		}
		if n := len([]rune(strings.TrimSpace(l))); n != toplen {
			return 0, &SyntaxError{Line: k + 1, Msg: fmt.Sprintf(
				"simple table border is %d characters wide, the top border on line %d is %d", n, i+1, toplen)}
		}
		found++
		foundAt = k
		if found == 2 || k+1 == len(s.lines) || isBlank(s.lines[k+1]) {
			return k, nil
		}
	}
	if foundAt >= 0 {
		return 0, &SyntaxError{Line: foundAt + 1, Msg: fmt.Sprintf(
			"simple table starting on line %d has no bottom border, or no blank line after it", i+1)}
	}
	return 0, &SyntaxError{Line: i + 1, Msg: "simple table has no bottom border (unterminated table)"}
}

// simpleParser turns the lines of one simple table into a Table.
type simpleParser struct {
	first  int // line number of block[0]
	indent int // indentation of the top border, in runes
}

// column is the rune range [start, end) of a column, from a run of '=' in the top border.
type column struct{ start, end int }

// parseSimple parses block, the lines of a simple table from its top border to its bottom
// border, which is block[0] at line number first and indentation indent. Every non-blank line
// of block is indented by at least indent (simpleExtent makes sure of that).
func parseSimple(block []string, first, indent int) (Table, error) {
	p := simpleParser{first: first, indent: indent}
	return p.parse(block)
}

// errorf reports an error on block line k, at 1-based rune column col of the table's text
// (without its indentation), or on the whole line if col is 0.
func (p simpleParser) errorf(k, col int, format string, args ...any) error {
	if col > 0 {
		col += p.indent
	}
	return &SyntaxError{Line: p.first + k, Column: col, Msg: fmt.Sprintf(format, args...)}
}

func (p simpleParser) parse(block []string) (Table, error) {
	lines := make([][]rune, len(block))
	for k, s := range block {
		r := []rune(strings.TrimRight(s, " "))
		if len(r) > p.indent {
			lines[k] = r[p.indent:]
		}
	}
	top := lines[0]
	cols := runs(top, '=')
	last := len(lines) - 1

	var (
		t       = Table{Line: p.first}
		rows    [][]string
		pending [][]rune // lines of the row being read
		sepAt   = -1     // block index of the header separator
		open    bool     // a row has started since the last border
	)
	flush := func() {
		if open {
			rows = append(rows, simpleCells(pending, cols))
		}
		pending, open = nil, false
	}
	for k := 1; k <= last; k++ {
		l := lines[k]
		if simpleBorderRe.MatchString(string(l)) || spanLineRe.MatchString(string(l)) {
			if err := p.checkBorder(k, l, cols); err != nil {
				return Table{}, err
			}
			flush()
			if k == last {
				break
			}
			if l[0] == '-' {
				continue // an underline without spans only ends the row above it
			}
			if len(rows) == 0 {
				return Table{}, p.errorf(k, 0, "header separator ('=' border) directly below the top border; the header needs a row")
			}
			if len(rows) > 1 {
				return Table{}, p.errorf(k, 0, "header of %d rows; only one-row headers are supported", len(rows))
			}
			t.Header, rows, sepAt = rows[0], nil, k
			continue
		}
		if err := p.checkMargins(k, l, cols); err != nil {
			return Table{}, err
		}
		switch {
		case strings.TrimSpace(string(slice(l, cols[0].start, cols[0].end))) != "":
			flush()
			open = true
			pending = append(pending, l)
		case open:
			pending = append(pending, l) // a continuation line, or a blank line within the row
		case len(l) > 0:
			return Table{}, p.errorf(k, 0, "a line whose first column is blank continues the row above it, and there is none here "+
				"(a row starts with text in its first column)")
		}
	}
	if len(rows) == 0 {
		at := last
		if sepAt >= 0 {
			return Table{}, p.errorf(at, 0, "the header separator ('=' border) on line %d is followed by no body row", p.first+sepAt)
		}
		return Table{}, p.errorf(at, 0, "simple table starting on line %d has no rows", p.first)
	}
	t.Rows = rows
	return t, nil
}

// checkBorder checks that a header separator, bottom border or row underline has exactly the
// columns of the top border (the last one may run on: it is unbounded). Any other shape spans
// cells, which is not supported.
func (p simpleParser) checkBorder(k int, l []rune, cols []column) error {
	fill := l[0]
	got := runs(l, fill)
	for c, col := range cols {
		lastCol := c == len(cols)-1
		if c < len(got) && got[c].start == col.start && (got[c].end == col.end || lastCol && got[c].end > col.end) {
			continue
		}
		at := col.start
		if c < len(got) && got[c].start < at {
			at = got[c].start
		}
		return p.errorf(k, at+1, "border of %q does not follow column %d of the top border on line %d "+
			"(cells spanning columns are not supported)", fill, c+1, p.first)
	}
	if len(got) > len(cols) {
		return p.errorf(k, got[len(cols)].start+1, "border of %q has more columns than the top border on line %d", fill, p.first)
	}
	return nil
}

// checkMargins reports text in the blanks between two columns, which belongs to neither.
func (p simpleParser) checkMargins(k int, l []rune, cols []column) error {
	for c := 0; c+1 < len(cols); c++ {
		for i := cols[c].end; i < cols[c+1].start && i < len(l); i++ {
			if l[i] != ' ' {
				return p.errorf(k, i+1, "text in the margin between columns %d and %d (misaligned text, or a cell spanning columns, which is not supported)",
					c+1, c+2)
			}
		}
	}
	return nil
}

// runs returns the rune ranges of the runs of fill in l.
func runs(l []rune, fill rune) []column {
	var out []column
	for i := 0; i < len(l); i++ {
		if l[i] != fill {
			continue
		}
		j := i
		for j < len(l) && l[j] == fill {
			j++
		}
		out = append(out, column{i, j})
		i = j
	}
	return out
}

// slice returns l[start:end], cut to the length of l.
func slice(l []rune, start, end int) []rune {
	if start >= len(l) {
		return nil
	}
	return l[start:min(end, len(l))]
}

// simpleCells cuts the lines of one row into cell texts; the last column takes everything to
// the end of the line, as it is unbounded.
func simpleCells(lines [][]rune, cols []column) []string {
	row := make([]string, len(cols))
	seg := make([]string, len(lines))
	for c, col := range cols {
		end := col.end
		if c == len(cols)-1 {
			end = math.MaxInt
		}
		for k, l := range lines {
			seg[k] = string(slice(l, col.start, end))
		}
		row[c] = cellText(seg)
	}
	return row
}
