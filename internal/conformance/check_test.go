package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cssvpcep/cssvpcep/internal/rst"
)

// mismatch is one difference between a page and the spec (a finding).
type mismatch struct {
	page   string // page name
	table  string // table title, or "<Section> table"
	line   int    // line of the table (or of the page element) the finding is about
	name   string // parameter, property ("connections[].status") or status code
	aspect string // what differs; see the aspect constants
	doc    string // what the page says
	spec   string // what the spec says
	// ptrs lists the spec locations the finding is about, from the use (a property, a
	// parameter, a response) to the definitions it refers to; an x-doc-deviations entry whose
	// pointer is any of them, with the same aspect, covers the finding.
	ptrs []string
	dev  string // id of the deviation that covers the finding, if any
}

// The aspects a mismatch can have; an x-doc-deviations entry names one of them (or one of
// uncomparedAspects).
const (
	aspectPresence  = "presence" // parameter, property, table or body missing on one side
	aspectIn        = "in"       // parameter location (path, query, header)
	aspectType      = "type"
	aspectRequired  = "required" // Mandatory column, or a required property where there is none
	aspectEnum      = "enum"
	aspectMinimum   = "minimum"
	aspectMaximum   = "maximum"
	aspectDefault   = "default"
	aspectNullable  = "nullable"
	aspectFormat    = "format"    // time layouts
	aspectPattern   = "pattern"   // a pattern where the page documents no format
	aspectItems     = "items"     // bounds of an array (minItems, maxItems, uniqueItems) no page gives
	aspectMaxLength = "maxLength" // "up to N characters"
	aspectResponse  = "responses" // status codes
	aspectPath      = "path"      // the URI line: method, path and the operation it leads to
	aspectTable     = "table"     // a table this checker does not understand or cannot find
	aspectExample   = "example"   // an example request or response of the page
)

// key identifies a mismatch independent of line numbers and pointers.
func (m mismatch) key() string {
	return strings.Join([]string{m.page, m.table, m.name, m.aspect, m.doc, m.spec}, " | ")
}

func (m mismatch) String() string {
	where := ""
	if len(m.ptrs) > 0 {
		where = " [" + m.ptrs[len(m.ptrs)-1] + "]"
	}
	at := m.page
	if m.line > 0 {
		at += ":" + strconv.Itoa(m.line)
	}
	return fmt.Sprintf("%s: %s: %s: %s: the page says %s; the spec says %s%s",
		at, m.table, m.name, m.aspect, m.doc, m.spec, where)
}

// check compares the pages with the spec and returns every finding, in page order, then the
// findings about the spec as a whole. A finding that an x-doc-deviations entry allows (same
// aspect, and the entry's pointer is one of the finding's) has dev set to the entry's id; the
// others are the ones to fix, among them any compared deviation that allows nothing.
func check(pages []page, doc *openapi3.T) []mismatch {
	c := &checker{doc: doc}
	devs, problems := readDeviations(doc)
	c.out = append(c.out, problems...)
	for _, p := range pages {
		c.page(p)
	}
	c.undocumentedOperations(pages)
	c.cover(devs)
	return c.out
}

// checker collects the mismatches of all pages.
type checker struct {
	doc *openapi3.T
	out []mismatch
}

func (c *checker) add(m mismatch) { c.out = append(c.out, m) }

// tableName names a table in findings.
func tableName(t rst.Table) string {
	if t.Title != "" {
		return t.Title
	}
	return t.Section + " table"
}

var (
	uriRe         = regexp.MustCompile(`^\s*(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(/\S*)\s*$`)
	paramTitleRe  = regexp.MustCompile(`(?i)\b(path|query|header) parameters$`)
	requestBodyRe = regexp.MustCompile(`(?i)\brequest body parameters?$`)
	responseRe    = regexp.MustCompile(`(?i)\bresponse body parameters?$`)
	statusRe      = regexp.MustCompile(`(?i)^status code:\s*(\d{3})$`)
)

// docOp is the operation a page documents.
type docOp struct {
	path, method string
	item         *openapi3.PathItem
	op           *openapi3.Operation
	ptr          string // "#/paths/~1v1.0~1.../get"
}

// page checks one page.
func (c *checker) page(p page) {
	o, ok := c.operation(p)
	if !ok {
		return
	}
	used := map[int]bool{}          // tables checked, by line
	documented := map[string]bool{} // every documented parameter name
	bodies := bodiesOf(p)           // what the page says of bodies: tables and "None"
	for _, t := range p.tables {
		switch {
		case t.Section == "Status Codes" || t.Column("Status Code") >= 0:
			used[t.Line] = true
			c.statusCodes(p, t, o)
		case paramTitleRe.MatchString(t.Title):
			used[t.Line] = true
			in := strings.ToLower(paramTitleRe.FindStringSubmatch(t.Title)[1])
			c.parameters(p, t, in, o, documented)
		case requestBodyRe.MatchString(t.Title):
			used[t.Line] = true
			bodies.request = true
			c.requestBody(p, t, o, used)
		case responseRe.MatchString(t.Title):
			used[t.Line] = true
			bodies.responses[c.responseBody(p, t, o, used)] = true
		}
	}
	c.bodiesSaidNone(p, o, bodies)
	if p.current {
		for _, sp := range specParams(o) {
			if !documented[sp.name] {
				c.add(mismatch{page: p.name, table: "parameter tables", name: sp.name, aspect: aspectPresence,
					doc: "not documented", spec: "in: " + sp.in, ptrs: sp.ptrs})
			}
		}
		c.undocumentedBodies(p, o, bodies)
	}
	c.examples(p, o)
	for _, t := range p.tables {
		if !used[t.Line] {
			c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: "-", aspect: aspectTable,
				doc: "a table", spec: "not checked: the checker does not know what it describes"})
		}
	}
}

// operation finds the operation of the page's URI line and checks that it is the one the
// page table names.
func (c *checker) operation(p page) (docOp, bool) {
	var method, path string
	line := 0
	for _, s := range p.sections {
		if s.Title != "URI" {
			continue
		}
		for k, l := range strings.Split(s.Text, "\n") {
			if m := uriRe.FindStringSubmatch(l); m != nil {
				method, path, line = m[1], m[2], s.Line+2+k
				break
			}
		}
	}
	miss := func(doc, spec string) {
		c.add(mismatch{page: p.name, table: "URI", line: line, name: strings.TrimSpace(method + " " + path),
			aspect: aspectPath, doc: doc, spec: spec, ptrs: []string{"#/paths"}})
	}
	if path == "" {
		miss("no URI line (METHOD /path) in a section titled URI", "-")
		return docOp{}, false
	}
	path, _, _ = strings.Cut(path, "?")
	item := c.doc.Paths.Value(path)
	if item == nil {
		miss(method+" "+path, "no such path")
		return docOp{}, false
	}
	o := item.GetOperation(method)
	if o == nil {
		miss(method+" "+path, "the path has no "+method+" operation")
		return docOp{}, false
	}
	if o.OperationID != p.operationID {
		miss("operation "+p.operationID+" (the test's table of pages)", "operationId "+o.OperationID)
		return docOp{}, false
	}
	return docOp{path: path, method: method, item: item, op: o,
		ptr: "#/paths/" + escape(path) + "/" + strings.ToLower(method)}, true
}

// undocumentedOperations reports every operation of the spec that no page of the test's table
// documents.
func (c *checker) undocumentedOperations(pages []page) {
	paths := c.doc.Paths.InMatchingOrder()
	slices.Sort(paths)
	for _, path := range paths {
		item := c.doc.Paths.Value(path)
		methods := make([]string, 0, len(item.Operations()))
		for m := range item.Operations() {
			methods = append(methods, m)
		}
		slices.Sort(methods)
		for _, m := range methods {
			op := item.GetOperation(m)
			if !slices.ContainsFunc(pages, func(p page) bool { return p.operationID == op.OperationID }) {
				c.add(mismatch{page: specFile, table: "paths", name: m + " " + path, aspect: aspectPresence,
					doc: "no page of the test's table documents it", spec: "operation " + op.OperationID,
					ptrs: []string{"#/paths/" + escape(path) + "/" + strings.ToLower(m)}})
			}
		}
	}
}

// specParam is a parameter of the operation in the spec.
type specParam struct {
	name, in string
	p        *openapi3.Parameter
	schema   *openapi3.SchemaRef
	ptrs     []string // the use, then its $ref target
}

// specParams returns the operation's parameters, those of the path item included (the
// operation's own override them).
func specParams(o docOp) []specParam {
	var out []specParam
	add := func(refs openapi3.Parameters, base string) {
		for i, r := range refs {
			if r == nil || r.Value == nil {
				continue
			}
			ptrs := []string{fmt.Sprintf("%s/parameters/%d", base, i)}
			if strings.HasPrefix(r.Ref, "#") {
				ptrs = append(ptrs, r.Ref)
			}
			sp := specParam{name: r.Value.Name, in: r.Value.In, p: r.Value, schema: r.Value.Schema, ptrs: ptrs}
			if k := slices.IndexFunc(out, func(o specParam) bool { return o.name == sp.name && o.in == sp.in }); k >= 0 {
				out[k] = sp
				continue
			}
			out = append(out, sp)
		}
	}
	add(o.item.Parameters, strings.TrimSuffix(o.ptr, "/"+strings.ToLower(o.method)))
	add(o.op.Parameters, o.ptr)
	return out
}

// parameters checks a table of path, query or header parameters.
func (c *checker) parameters(p page, t rst.Table, in string, o docOp, documented map[string]bool) {
	cols, ok := c.columns(p, t, "Parameter", "Type")
	if !ok {
		return
	}
	mandatory, desc := t.Column("Mandatory"), t.Column("Description")
	params := specParams(o)
	for _, row := range t.Rows {
		name := cell(row, cols[0])
		documented[name] = true
		m := mismatch{page: p.name, table: tableName(t), line: t.Line, name: name}
		k := slices.IndexFunc(params, func(sp specParam) bool { return sp.name == name })
		if k < 0 {
			m.aspect, m.doc, m.spec, m.ptrs = aspectPresence, "in: "+in, "no such parameter", []string{o.ptr + "/parameters"}
			c.add(m)
			continue
		}
		sp := params[k]
		m.ptrs = sp.ptrs
		if sp.in != in {
			c.add(with(m, aspectIn, in, sp.in))
		}
		if mandatory >= 0 {
			c.mandatory(m, cell(row, mandatory), sp.p.Required)
		}
		var schemaPtrs []string
		for _, ptr := range sp.ptrs {
			schemaPtrs = append(schemaPtrs, ptr+"/schema")
		}
		if sp.schema == nil {
			c.add(with(m, aspectType, cell(row, cols[1]), "no schema"))
			continue
		}
		v := flatten(sp.schema, schemaPtrs...)
		c.value(m, cell(row, cols[1]), cellRaw(row, desc), v, p.current)
	}
}

// mandatory compares a Mandatory cell with whether the spec requires the value.
func (c *checker) mandatory(m mismatch, doc string, required bool) {
	switch {
	case !strings.EqualFold(doc, "yes") && !strings.EqualFold(doc, "no"):
		c.add(with(m, aspectRequired, "Mandatory: "+doc+" (neither Yes nor No)", yesNo(required)))
	case strings.EqualFold(doc, "yes") != required:
		c.add(with(m, aspectRequired, doc, yesNo(required)))
	}
}

// yesNo writes a required flag the way the pages do.
func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// with returns m with an aspect and the two sides filled in.
func with(m mismatch, aspect, doc, spec string) mismatch {
	m.aspect, m.doc, m.spec = aspect, doc, spec
	return m
}

// withPtrs returns m with more pointers.
func withPtrs(m mismatch, ptrs ...string) mismatch {
	m.ptrs = append(slices.Clone(m.ptrs), ptrs...)
	return m
}

// columns finds the named header cells of t, reporting a table that lacks one.
func (c *checker) columns(p page, t rst.Table, names ...string) ([]int, bool) {
	var idx []int
	for _, n := range names {
		i := t.Column(n)
		if i < 0 {
			c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: "-", aspect: aspectTable,
				doc: fmt.Sprintf("columns %q", t.Header), spec: "not checked: no " + n + " column"})
			return nil, false
		}
		idx = append(idx, i)
	}
	return idx, true
}

// cell returns the plain text of a cell, its lines joined with blanks; "" if i is out of range.
func cell(row []string, i int) string {
	return strings.Join(strings.Fields(rst.Plain(cellRaw(row, i))), " ")
}

// cellRaw returns a cell as parsed, markup and all.
func cellRaw(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// statusCodes checks a Status Codes table against the operation's responses. An extra response
// of the spec is pointed at by its use and by the components/responses entry it refers to, so
// that one deviation can allow a shared response on every operation.
func (c *checker) statusCodes(p page, t rst.Table, o docOp) {
	cols, ok := c.columns(p, t, "Status Code")
	if !ok {
		return
	}
	ptr := o.ptr + "/responses"
	listed := map[string]bool{}
	for _, row := range t.Rows {
		code := cell(row, cols[0])
		listed[code] = true
		var r *openapi3.ResponseRef
		if o.op.Responses != nil {
			r = o.op.Responses.Value(code)
		}
		// Pointed at the missing response itself, so that a deviation about the spec's extra
		// responses does not hide it.
		m := mismatch{page: p.name, table: tableName(t), line: t.Line, name: code, aspect: aspectResponse,
			doc: "listed", ptrs: []string{ptr + "/" + escape(code)}}
		switch {
		case r == nil:
			c.add(with(m, aspectResponse, "listed", "no such response"))
		case r.Value == nil:
			c.add(with(m, aspectResponse, "listed", "a $ref that leads nowhere ("+r.Ref+")"))
		}
	}
	if !p.current || o.op.Responses == nil {
		return
	}
	codes := make([]string, 0, o.op.Responses.Len())
	for code := range o.op.Responses.Map() {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		if listed[code] {
			continue
		}
		ptrs := []string{ptr, ptr + "/" + escape(code)}
		if r := o.op.Responses.Value(code); strings.HasPrefix(r.Ref, "#") {
			ptrs = append(ptrs, r.Ref)
		}
		c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: code, aspect: aspectResponse,
			doc: "not listed", spec: "a response", ptrs: ptrs})
	}
}
