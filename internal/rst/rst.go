package rst

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Section is a section heading of a page and the text under it.
type Section struct {
	// Title is the heading's text, as written.
	Title string
	// Label is the name of the `.. _name:` target right in front of the heading, if any.
	Label string
	// Level is 1 for the first heading style the page uses, 2 for the second, and so on.
	Level int
	// Line is the 1-based line number of the heading's text.
	Line int
	// Text holds the lines between the heading and the next heading of any level, joined with
	// "\n", tables and all.
	Text string
}

// Parse returns the tables of an RST page, grid and simple, in page order.
//
// A table it cannot read is skipped and reported; Parse carries on with the rest of the page. The
// error, if any, joins one *SyntaxError per such table (reach them with errors.As, or with
// the Unwrap() []error method of the joined error). Parse never panics; its time is linear in
// the length of text.
func Parse(text string) ([]Table, error) {
	d := scan(text)
	return d.tables, errors.Join(d.errs...)
}

// Sections returns the sections of an RST page, in page order. Table syntax errors do not
// matter here; Parse reports them.
func Sections(text string) []Section {
	return scan(text).sections
}

// CodeBlock is the content of a code-block (or code, or sourcecode) directive.
type CodeBlock struct {
	// Language is the directive's argument ("text", "json"), empty if it has none.
	Language string
	// Text is the content, without the directive's options, its common indentation removed and
	// blank lines at either end dropped; lines are joined with "\n".
	Text string
	// Section is the title of the section the block is in.
	Section string
	// Subheading is, as for a Table, the last single-line bold paragraph of the section before
	// the block ("Status code: 200").
	Subheading string
	// Line is the 1-based line number of the directive.
	Line int
}

// CodeBlocks returns the code blocks of an RST page, in page order: where the pages keep their
// example requests and responses.
func CodeBlocks(text string) []CodeBlock {
	return scan(text).code
}

// ByLabel returns the first table whose Label is name, compared with SameName.
func ByLabel(tables []Table, name string) (Table, bool) {
	for _, t := range tables {
		if t.Label != "" && SameName(t.Label, name) {
			return t, true
		}
	}
	return Table{}, false
}

// SameName reports whether two reference names are the same: RST compares them ignoring case
// and treating any run of blanks as one space.
func SameName(a, b string) bool {
	return normName(a) == normName(b)
}

func normName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// document is what one pass over a page finds.
type document struct {
	tables   []Table
	sections []Section
	code     []CodeBlock
	errs     []error
}

// scanner walks a page's lines once, keeping the context a table inherits.
type scanner struct {
	lines []string
	doc   document

	section    string
	subheading string
	label      string // pending `.. _name:` target
	title      string // pending `.. table::` title
	titleInd   int    // indentation of that directive
	titleLine  int    // 1-based line of that directive
	haveTitle  bool
	styles     []string // heading adornment styles, in order of first use
	sectionIdx int      // index into doc.sections of the open section, or -1
	bodyStart  int      // index of the open section's first body line
	headingEnd int      // set by heading: index after the heading's last line
}

func scan(text string) document {
	s := scanner{lines: splitLines(text), sectionIdx: -1}
	s.run()
	s.closeSection(len(s.lines))
	return s.doc
}

// splitLines splits text into lines without their line ends and expands tabs to 8-column tab
// stops.
func splitLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if strings.IndexByte(l, '\t') >= 0 {
			l = expandTabs(l)
		}
		lines[i] = l
	}
	return lines
}

func expandTabs(l string) string {
	var b strings.Builder
	col := 0
	for _, r := range l {
		if r == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

func isBlank(l string) bool { return strings.TrimSpace(l) == "" }

func indentOf(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

func (s *scanner) run() {
	for i := 0; i < len(s.lines); {
		l := s.lines[i]
		if isBlank(l) {
			i++
			continue
		}
		ind := indentOf(l)
		body := l[ind:]
		if s.haveTitle && (ind <= s.titleInd || !isTopBorder(body) && !isSimpleTop(body)) {
			// A table directive whose content is not a table this package reads: say so rather
			// than lose the table.
			s.doc.errs = append(s.doc.errs, &SyntaxError{Line: s.titleLine, Msg: fmt.Sprintf(
				"the table directive %q holds no grid or simple table this package can read", s.title)})
			s.haveTitle = false
		}
		switch {
		case isTopBorder(body):
			i = s.table(i, ind)
		case isSimpleTop(body):
			i = s.simpleTable(i, ind)
		case looksLikeBorder(body):
			s.doc.errs = append(s.doc.errs, &SyntaxError{Line: i + 1, Column: ind + 1,
				Msg: "a line that starts like a grid table border is not one (a border is '+', then runs of '-' or '=' each closed by '+')"})
			s.label = ""
			i = s.skipBlock(i)
		case strings.HasPrefix(body, ".. ") || body == "..":
			i = s.explicit(i, ind, body)
		case ind == 0 && (i == 0 || isBlank(s.lines[i-1])) && s.heading(i):
			i = s.headingEnd
		default:
			i = s.paragraph(i, ind)
		}
	}
}

// table parses the grid table whose top border is line i and returns the index after it.
func (s *scanner) table(i, ind int) int {
	j := s.skipBlock(i)
	t, err := parseGrid(s.lines[i:j], i+1, ind)
	s.addTable(t, err, ind)
	return j
}

// simpleTable parses the simple table whose top border is line i and returns the index after
// it. A table without a bottom border is reported and skipped up to the next blank line.
func (s *scanner) simpleTable(i, ind int) int {
	end, err := s.simpleExtent(i, ind)
	if err != nil {
		s.addTable(Table{}, err, ind)
		return s.skipBlock(i)
	}
	t, err := parseSimple(s.lines[i:end+1], i+1, ind)
	s.addTable(t, err, ind)
	return end + 1
}

// skipBlock returns the index of the first blank line at or after i (or the end).
func (s *scanner) skipBlock(i int) int {
	for i < len(s.lines) && !isBlank(s.lines[i]) {
		i++
	}
	return i
}

// addTable records a parsed table with the context it inherits, or its error.
func (s *scanner) addTable(t Table, err error, ind int) {
	if err != nil {
		s.doc.errs = append(s.doc.errs, err)
	} else {
		if s.haveTitle && ind > s.titleInd {
			t.Title = s.title
		}
		t.Label = s.label
		t.Section = s.section
		t.Subheading = s.subheading
		s.doc.tables = append(s.doc.tables, t)
	}
	s.label, s.haveTitle = "", false
}

// explicit handles an explicit markup block (target, directive or comment) starting at line i.
func (s *scanner) explicit(i, ind int, body string) int {
	if name, ok := targetName(body); ok {
		s.label = name
		s.haveTitle = false
		return i + 1
	}
	if arg, ok := strings.CutPrefix(body, ".. table::"); ok {
		title := strings.TrimSpace(arg)
		j := i + 1
		for ; j < len(s.lines); j++ {
			l := s.lines[j]
			if isBlank(l) || indentOf(l) <= ind {
				break
			}
			b := strings.TrimSpace(l)
			if strings.HasPrefix(b, ":") || isTopBorder(b) {
				break // directive options, or content without the blank line
			}
			title = strings.TrimSpace(title + " " + b)
		}
		for ; j < len(s.lines); j++ {
			l := s.lines[j]
			if isBlank(l) || indentOf(l) <= ind || !strings.HasPrefix(strings.TrimSpace(l), ":") {
				break
			}
		}
		s.title, s.titleInd, s.titleLine, s.haveTitle = Plain(title), ind, i+1, true
		return j
	}
	if name, ok := unreadTableDirective(body); ok {
		s.doc.errs = append(s.doc.errs, &SyntaxError{Line: i + 1, Column: ind + 1,
			Msg: fmt.Sprintf("the %s directive is a table this package cannot read", name)})
	}
	// Any other directive or a comment: its indented body is not the page's own text (code
	// blocks, images, notes); skip it so that ASCII art in a code block is not read as a table.
	s.label, s.haveTitle = "", false
	end := s.skipIndented(i+1, ind)
	if lang, ok := codeDirective(body); ok {
		s.doc.code = append(s.doc.code, CodeBlock{Language: lang, Text: s.blockText(i+1, end),
			Section: s.section, Subheading: s.subheading, Line: i + 1})
	}
	return end
}

// codeDirective recognises a code-block, code or sourcecode directive and returns its argument.
func codeDirective(body string) (string, bool) {
	for _, name := range []string{"code-block", "code", "sourcecode"} {
		if arg, ok := strings.CutPrefix(body, ".. "+name+"::"); ok {
			return strings.TrimSpace(arg), true
		}
	}
	return "", false
}

// blockText returns the content of a directive whose body is lines [j, end): its options
// (the ":name:" lines right after the directive) left out, the common indentation removed and
// blank lines at either end dropped.
func (s *scanner) blockText(j, end int) string {
	for j < end && !isBlank(s.lines[j]) && strings.HasPrefix(strings.TrimSpace(s.lines[j]), ":") {
		j++
	}
	for j < end && isBlank(s.lines[j]) {
		j++
	}
	for end > j && isBlank(s.lines[end-1]) {
		end--
	}
	minInd := -1
	for _, l := range s.lines[j:end] {
		if !isBlank(l) && (minInd < 0 || indentOf(l) < minInd) {
			minInd = indentOf(l)
		}
	}
	out := make([]string, 0, end-j)
	for _, l := range s.lines[j:end] {
		if isBlank(l) {
			out = append(out, "")
			continue
		}
		out = append(out, strings.TrimRight(l[minInd:], " "))
	}
	return strings.Join(out, "\n")
}

// unreadTableDirective recognises the table directives other than `.. table::`, whose tables
// are written as data (list-table, csv-table) rather than drawn, and which Parse does not read.
func unreadTableDirective(body string) (string, bool) {
	for _, name := range []string{"list-table", "csv-table"} {
		if strings.HasPrefix(body, ".. "+name+"::") {
			return name, true
		}
	}
	return "", false
}

// looksLikeBorder reports whether s (without its indentation) starts like a grid table border,
// '+' and a run of '-' or '=' closed by '+', without being a top border: a table drawn wrong,
// which would otherwise be read as a paragraph and lost.
func looksLikeBorder(s string) bool {
	return borderStartRe.MatchString(s)
}

var borderStartRe = regexp.MustCompile(`^\+(-+|=+)\+`)

// skipIndented returns the index of the first line at or after j that is neither blank nor
// indented by more than ind.
func (s *scanner) skipIndented(j, ind int) int {
	for j < len(s.lines) && (isBlank(s.lines[j]) || indentOf(s.lines[j]) > ind) {
		j++
	}
	return j
}

// targetName recognises an internal hyperlink target, `.. _name:` or ".. _`name`:".
func targetName(body string) (string, bool) {
	rest, ok := strings.CutPrefix(body, ".. _")
	if !ok {
		return "", false
	}
	rest = strings.TrimRight(rest, " ")
	name, ok := strings.CutSuffix(rest, ":")
	if !ok {
		return "", false // an external target (`.. _name: URL`) or not a target at all
	}
	if len(name) >= 2 && name[0] == '`' && name[len(name)-1] == '`' {
		name = name[1 : len(name)-1]
	} else if strings.Contains(name, ":") {
		return "", false
	}
	if strings.TrimSpace(name) == "" || name == "_" {
		return "", false // anonymous target
	}
	return name, true
}

// heading reports whether a section heading starts at line i, recording it if so and setting
// s.headingEnd to the index after its last adornment line.
func (s *scanner) heading(i int) bool {
	n := len(s.lines)
	l := s.lines[i]
	var title, style string
	var titleLine, end int
	switch {
	case isAdornment(l) && i+2 < n && s.lines[i+2] == l && !isBlank(s.lines[i+1]) &&
		utf8.RuneCountInString(strings.TrimSpace(s.lines[i+1])) <= len(l):
		title, style, titleLine, end = strings.TrimSpace(s.lines[i+1]), "over"+l[:1], i+1, i+3
	case i+1 < n && isAdornment(s.lines[i+1]) && !isAdornment(l) &&
		utf8.RuneCountInString(strings.TrimRight(l, " ")) <= len(strings.TrimRight(s.lines[i+1], " ")):
		title, style, titleLine, end = strings.TrimRight(l, " "), s.lines[i+1][:1], i, i+2
	default:
		return false
	}
	level := 0
	for k, st := range s.styles {
		if st == style {
			level = k + 1
		}
	}
	if level == 0 {
		s.styles = append(s.styles, style)
		level = len(s.styles)
	}
	s.closeSection(i)
	s.doc.sections = append(s.doc.sections, Section{Title: title, Label: s.label, Level: level, Line: titleLine + 1})
	s.sectionIdx = len(s.doc.sections) - 1
	s.bodyStart = end
	s.section, s.subheading = title, ""
	s.label, s.haveTitle = "", false
	s.headingEnd = end
	return true
}

// closeSection sets the Text of the open section to the lines before index end.
func (s *scanner) closeSection(end int) {
	if s.sectionIdx < 0 {
		return
	}
	if s.bodyStart < end {
		s.doc.sections[s.sectionIdx].Text = strings.Join(s.lines[s.bodyStart:end], "\n")
	}
	s.sectionIdx = -1
}

// isAdornment reports whether l is a heading underline or overline: one punctuation character
// repeated, at least twice, from the first column.
func isAdornment(l string) bool {
	l = strings.TrimRight(l, " ")
	if len(l) < 2 || !strings.ContainsRune(adornmentChars, rune(l[0])) {
		return false
	}
	return strings.Count(l, l[:1]) == len(l)
}

const adornmentChars = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// paragraph consumes the paragraph starting at line i and returns the index after it (and
// after the literal block it introduces, if it ends with "::").
func (s *scanner) paragraph(i, ind int) int {
	j := i
	for j < len(s.lines) && !isBlank(s.lines[j]) {
		j++
	}
	if j == i+1 {
		if b := strings.TrimSpace(s.lines[i]); len(b) > 4 && strings.HasPrefix(b, "**") && strings.HasSuffix(b, "**") &&
			!strings.Contains(b[2:len(b)-2], "**") {
			s.subheading = Plain(b)
		}
	}
	s.label, s.haveTitle = "", false
	if strings.HasSuffix(strings.TrimRight(s.lines[j-1], " "), "::") {
		return s.skipIndented(j, ind)
	}
	return j
}
