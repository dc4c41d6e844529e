package conformance

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cssvpcep/cssvpcep/internal/rst"
)

// page is one parsed API reference page.
type page struct {
	name     string // path under CSS_DOCS_DIR, e.g. "current/obtaining_an_endpoint_connection.rst"
	current  bool   // the page as of today: the reverse checks (spec ⊆ page) run only against it
	tables   []rst.Table
	sections []rst.Section
}

// mismatch is one difference between a page and the spec.
type mismatch struct {
	page   string // page name
	table  string // table title, or "<Section> table"
	line   int    // line of the table (or of the page element) the finding is about
	name   string // parameter, property ("connections[].status") or status code
	aspect string // what differs; see the aspect constants
	doc    string // what the page says
	spec   string // what the spec says
	// ptrs lists the spec locations the finding is about, from the use (a property, a
	// parameter) to the definitions it refers to; an x-doc-deviations entry whose pointer is
	// any of them, with the same aspect, covers the finding.
	ptrs []string
	dev  string // id of the deviation that covers the finding, if any
}

// The aspects a mismatch can have; an x-doc-deviations entry names one of them.
const (
	aspectPresence = "presence" // parameter, property or table missing on one side
	aspectIn       = "in"       // parameter location (path, query, header)
	aspectType     = "type"
	aspectRequired = "required"
	aspectEnum     = "enum"
	aspectMinimum  = "minimum"
	aspectMaximum  = "maximum"
	aspectDefault  = "default"
	aspectNullable = "nullable"
	aspectFormat   = "format"
	aspectResponse = "responses" // status codes
	aspectPath     = "path"      // the URI line: method and path
	aspectTable    = "table"     // a table this checker does not understand or cannot find
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

// deviation is one entry of the spec's x-doc-deviations list.
type deviation struct {
	ID         string `json:"id"`
	Pointer    string `json:"pointer"`
	Aspect     string `json:"aspect"`
	Documented string `json:"documented"`
	Decision   string `json:"decision"`
}

// check compares the pages with the spec and returns every difference, in page order. A
// difference that an x-doc-deviations entry allows (same aspect, and the entry's pointer is one
// of the difference's) has dev set to the entry's id; the others are the ones to fix.
func check(pages []page, doc *openapi3.T) []mismatch {
	c := &checker{doc: doc}
	devs := c.deviations()
	for _, p := range pages {
		c.page(p)
	}
	for i, m := range c.out {
		for _, d := range devs {
			if d.Aspect == m.aspect && slices.Contains(m.ptrs, d.Pointer) {
				c.out[i].dev = d.ID
				break
			}
		}
	}
	return c.out
}

// checker collects the mismatches of all pages.
type checker struct {
	doc *openapi3.T
	out []mismatch
}

func (c *checker) add(m mismatch) { c.out = append(c.out, m) }

// deviations reads x-doc-deviations; a malformed entry, or one whose pointer does not lead
// anywhere in the spec, is reported as a mismatch of the spec itself.
func (c *checker) deviations() []deviation {
	devs, problems := readDeviations(c.doc)
	c.out = append(c.out, problems...)
	return devs
}

// readDeviations returns the entries of the spec's x-doc-deviations list, and a mismatch for
// each entry that is incomplete or whose pointer leads nowhere.
func readDeviations(doc *openapi3.T) (devs []deviation, problems []mismatch) {
	bad := func(id, what string) {
		problems = append(problems, mismatch{page: "openapi/cssvpcep.yaml", table: "x-doc-deviations", name: id,
			aspect: "deviation", doc: "-", spec: what})
	}
	raw, ok := doc.Extensions["x-doc-deviations"]
	if !ok {
		return nil, nil
	}
	b, err := json.Marshal(raw)
	if err == nil {
		err = json.Unmarshal(b, &devs)
	}
	if err != nil {
		bad("(list)", "x-doc-deviations is not a list of {id, pointer, aspect, documented, decision}: "+err.Error())
		return nil, problems
	}
	specJSON, err := json.Marshal(doc)
	var tree any
	if err == nil {
		err = json.Unmarshal(specJSON, &tree)
	}
	if err != nil {
		bad("(list)", "cannot resolve pointers: "+err.Error())
		return devs, problems
	}
	for _, d := range devs {
		switch {
		case d.ID == "" || d.Pointer == "" || d.Aspect == "" || d.Decision == "":
			bad(d.ID, fmt.Sprintf("entry %+v lacks an id, pointer, aspect or decision", d))
		case !resolves(tree, d.Pointer):
			bad(d.ID, "pointer "+d.Pointer+" leads nowhere in the spec")
		}
	}
	return devs, problems
}

// resolves reports whether the JSON pointer ptr ("#/a/b~1c") leads to a value in tree.
func resolves(tree any, ptr string) bool {
	rest, ok := strings.CutPrefix(ptr, "#")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	if !strings.HasPrefix(rest, "/") {
		return false
	}
	cur := tree
	for _, tok := range strings.Split(rest[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) || strconv.Itoa(i) != tok {
				return false
			}
			cur = v[i]
		default:
			return false
		}
	}
	return true
}

// escape turns a name into a JSON pointer token.
func escape(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// tableName names a table in findings.
func tableName(t rst.Table) string {
	if t.Title != "" {
		return t.Title
	}
	return t.Section + " table"
}

var (
	uriRe        = regexp.MustCompile(`^\s*(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(/\S*)\s*$`)
	paramTitleRe = regexp.MustCompile(`(?i)\b(path|query|header) parameters$`)
	responseRe   = regexp.MustCompile(`(?i)\bresponse body parameters$`)
	statusRe     = regexp.MustCompile(`(?i)^status code:\s*(\d{3})$`)
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
	for _, t := range p.tables {
		switch {
		case t.Section == "Status Codes" || t.Column("Status Code") >= 0:
			used[t.Line] = true
			c.statusCodes(p, t, o)
		case paramTitleRe.MatchString(t.Title):
			used[t.Line] = true
			in := strings.ToLower(paramTitleRe.FindStringSubmatch(t.Title)[1])
			c.parameters(p, t, in, o, documented)
		case responseRe.MatchString(t.Title):
			used[t.Line] = true
			c.responseBody(p, t, o, used)
		}
	}
	if p.current {
		for _, sp := range specParams(o) {
			if !documented[sp.name] {
				c.add(mismatch{page: p.name, table: "parameter tables", name: sp.name, aspect: aspectPresence,
					doc: "not documented", spec: "in: " + sp.in, ptrs: sp.ptrs})
			}
		}
	}
	for _, t := range p.tables {
		if !used[t.Line] {
			c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: "-", aspect: aspectTable,
				doc: "a table", spec: "not checked: the checker does not know what it describes"})
		}
	}
}

// operation finds the operation of the page's URI line.
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
	return docOp{path: path, method: method, item: item, op: o,
		ptr: "#/paths/" + escape(path) + "/" + strings.ToLower(method)}, true
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
			switch doc := cell(row, mandatory); {
			case !strings.EqualFold(doc, "yes") && !strings.EqualFold(doc, "no"):
				c.add(with(m, aspectRequired, "Mandatory: "+doc+" (neither Yes nor No)", yesNo(sp.p.Required)))
			case strings.EqualFold(doc, "yes") != sp.p.Required:
				c.add(with(m, aspectRequired, doc, yesNo(sp.p.Required)))
			}
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
		c.value(m, cell(row, cols[1]), cellRaw(row, desc), v)
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

// statusCodes checks a Status Codes table against the operation's responses.
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
		if o.op.Responses == nil || o.op.Responses.Value(code) == nil {
			// Pointed at the missing response itself, so that a deviation about the spec's
			// extra responses (pointed at the responses object) does not hide it.
			c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: code, aspect: aspectResponse,
				doc: "listed", spec: "no such response", ptrs: []string{ptr + "/" + escape(code)}})
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
		if !listed[code] {
			c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: code, aspect: aspectResponse,
				doc: "not listed", spec: "a response", ptrs: []string{ptr, ptr + "/" + escape(code)}})
		}
	}
}

// responseBody checks a "Response body parameters" table and, through the :ref: in its Type
// column, the tables of the objects it contains.
func (c *checker) responseBody(p page, t rst.Table, o docOp, used map[int]bool) {
	code := "200"
	if m := statusRe.FindStringSubmatch(strings.TrimSpace(t.Subheading)); m != nil {
		code = m[1]
	}
	miss := func(spec string) {
		c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: code, aspect: aspectResponse,
			doc: "a JSON body", spec: spec, ptrs: []string{o.ptr + "/responses"}})
	}
	var r *openapi3.ResponseRef
	if o.op.Responses != nil {
		r = o.op.Responses.Value(code)
	}
	if r == nil || r.Value == nil {
		miss("no such response")
		return
	}
	base := o.ptr + "/responses/" + escape(code)
	if strings.HasPrefix(r.Ref, "#") {
		base = r.Ref
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		miss("no application/json schema")
		return
	}
	v := flatten(mt.Schema, base+"/content/application~1json/schema")
	c.properties(p, t, v, "", used, map[string]bool{})
}

// properties checks the rows of a table describing an object against the properties of v.
func (c *checker) properties(p page, t rst.Table, v view, prefix string, used map[int]bool, seen map[string]bool) {
	cols, ok := c.columns(p, t, "Parameter", "Type")
	if !ok {
		return
	}
	desc := t.Column("Description")
	documented := map[string]bool{}
	for _, row := range t.Rows {
		name := cell(row, cols[0])
		documented[name] = true
		m := mismatch{page: p.name, table: tableName(t), line: t.Line, name: prefix + name}
		prop, ok := v.props[name]
		if !ok {
			m.ptrs = []string{v.base() + "/properties/" + escape(name)}
			c.add(with(m, aspectPresence, cell(row, cols[1]), "absent"))
			continue
		}
		pv := flatten(prop.ref, prop.ptr)
		m.ptrs = pv.ptrs
		docType := cellRaw(row, cols[1])
		c.value(m, cell(row, cols[1]), cellRaw(row, desc), pv)
		refs := rst.Refs(docType)
		if len(refs) == 0 {
			continue
		}
		sub, found := rst.ByLabel(p.tables, refs[0].Target)
		if !found {
			c.add(with(m, aspectTable, ":ref:`"+refs[0].Target+"`", "no table on the page has that label"))
			continue
		}
		used[sub.Line] = true
		if seen[refs[0].Target] {
			continue // a recursive structure: its table is checked once on this path already
		}
		inner := pv
		childPrefix := prefix + name + "."
		if pv.hasType("array") {
			if pv.items == nil {
				continue // reported by value as a type mismatch
			}
			inner = flatten(pv.items, pv.itemsPtr)
			childPrefix = prefix + name + "[]."
		}
		seen[refs[0].Target] = true
		c.properties(p, sub, inner, childPrefix, used, seen)
		delete(seen, refs[0].Target)
	}
	if !p.current {
		return
	}
	for _, name := range v.propNames() {
		if !documented[name] {
			c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: prefix + name, aspect: aspectPresence,
				doc: "not documented", spec: "a property", ptrs: []string{v.props[name].ptr}})
		}
	}
}
