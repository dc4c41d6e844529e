package conformance

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cssvpcep/cssvpcep/internal/rst"
)

// bodies is what a page says about the request and response bodies of its operation.
type bodies struct {
	request     bool            // a request body table was checked
	requestNone int             // line of "None" under Request Parameters, or 0
	responses   map[string]bool // status codes whose response body table was checked
	none        map[string]int  // status codes whose body the page says is "None", to the line
}

var statusLineRe = regexp.MustCompile(`^\*\*Status code:\s*(\d{3})\*\*$`)

// bodiesOf reads the "None" paragraphs of the sections Request Parameters (the request has no
// body) and Response Parameters (the response of the status code above it has no body; 200
// when the section names none).
func bodiesOf(p page) bodies {
	b := bodies{responses: map[string]bool{}, none: map[string]int{}}
	for _, s := range p.sections {
		code := "200"
		for k, l := range strings.Split(s.Text, "\n") {
			l = strings.TrimSpace(l)
			if m := statusLineRe.FindStringSubmatch(l); m != nil {
				code = m[1]
			}
			if l != "None" {
				continue
			}
			switch s.Title {
			case "Request Parameters":
				b.requestNone = s.Line + 2 + k
			case "Response Parameters":
				b.none[code] = s.Line + 2 + k
			}
		}
	}
	return b
}

// requestBodyPtrs returns the pointers of the operation's request body: its use, then the
// components/requestBodies entry it refers to.
func requestBodyPtrs(o docOp) []string {
	ptrs := []string{o.ptr + "/requestBody"}
	if rb := o.op.RequestBody; rb != nil && strings.HasPrefix(rb.Ref, "#") {
		ptrs = append(ptrs, rb.Ref)
	}
	return ptrs
}

// responsePtrs returns the pointers of the operation's response for code: its use, then the
// components/responses entry it refers to.
func responsePtrs(o docOp, code string) []string {
	ptrs := []string{o.ptr + "/responses/" + escape(code)}
	if o.op.Responses != nil {
		if r := o.op.Responses.Value(code); r != nil && strings.HasPrefix(r.Ref, "#") {
			ptrs = append(ptrs, r.Ref)
		}
	}
	return ptrs
}

// requestBody checks a "Request body parameters" table against the operation's JSON request
// body, following its $ref: every row as a property (Mandatory against required, Type, enum),
// and the body itself, which is required when a field is mandatory.
func (c *checker) requestBody(p page, t rst.Table, o docOp, used map[int]bool) {
	ptrs := requestBodyPtrs(o)
	m := mismatch{page: p.name, table: tableName(t), line: t.Line, name: "(request body)", ptrs: ptrs}
	rb := o.op.RequestBody
	if rb == nil || rb.Value == nil {
		c.add(with(m, aspectPresence, "a request body table", "no request body"))
		return
	}
	base := ptrs[len(ptrs)-1]
	mt := rb.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		c.add(with(m, aspectPresence, "a JSON body", "no application/json schema"))
		return
	}
	v := flatten(mt.Schema, base+"/content/application~1json/schema")
	c.properties(p, t, v, "", used, map[string]bool{})
	if mand := t.Column("Mandatory"); mand >= 0 {
		some := slices.ContainsFunc(t.Rows, func(r []string) bool { return strings.EqualFold(cell(r, mand), "yes") })
		if some != rb.Value.Required {
			doc := "No (every field is optional)"
			if some {
				doc = "Yes (a field is mandatory)"
			}
			c.add(with(withPtrs(m, base+"/required"), aspectRequired, doc, yesNo(rb.Value.Required)))
		}
	}
}

// responseBody checks a "Response body parameters" table and, through the :ref: in its Type
// column, the tables of the objects it contains, against the response of the status code the
// table is under (200 if none). It returns that code.
func (c *checker) responseBody(p page, t rst.Table, o docOp, used map[int]bool) string {
	code := "200"
	if m := statusRe.FindStringSubmatch(strings.TrimSpace(t.Subheading)); m != nil {
		code = m[1]
	}
	ptrs := responsePtrs(o, code)
	miss := func(spec string) {
		c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: code, aspect: aspectResponse,
			doc: "a JSON body", spec: spec, ptrs: append([]string{o.ptr + "/responses"}, ptrs...)})
	}
	var r *openapi3.ResponseRef
	if o.op.Responses != nil {
		r = o.op.Responses.Value(code)
	}
	if r == nil || r.Value == nil {
		miss("no such response")
		return code
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		miss("no application/json schema")
		return code
	}
	v := flatten(mt.Schema, ptrs[len(ptrs)-1]+"/content/application~1json/schema")
	c.properties(p, t, v, "", used, map[string]bool{})
	return code
}

// bodiesSaidNone checks that where the page says a body is "None", the spec has none.
func (c *checker) bodiesSaidNone(p page, o docOp, b bodies) {
	if b.requestNone > 0 && o.op.RequestBody != nil {
		c.add(mismatch{page: p.name, table: "Request Parameters", line: b.requestNone, name: "(request body)",
			aspect: aspectPresence, doc: "None", spec: "a request body", ptrs: requestBodyPtrs(o)})
	}
	codes := make([]string, 0, len(b.none))
	for code := range b.none {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		m := mismatch{page: p.name, table: "Response Parameters", line: b.none[code], name: code, ptrs: responsePtrs(o, code)}
		var r *openapi3.ResponseRef
		if o.op.Responses != nil {
			r = o.op.Responses.Value(code)
		}
		switch {
		case r == nil || r.Value == nil:
			c.add(with(m, aspectResponse, "None (no body)", "no such response"))
		case len(r.Value.Content) > 0:
			c.add(with(m, aspectPresence, "None (no body)", "a body ("+strings.Join(slices.Sorted(maps.Keys(r.Value.Content)), ", ")+")"))
		}
	}
}

// undocumentedBodies reports, for a current page, a request body or a 200 body of the spec that
// the page neither describes in a table nor says is "None".
func (c *checker) undocumentedBodies(p page, o docOp, b bodies) {
	if o.op.RequestBody != nil && !b.request && b.requestNone == 0 {
		c.add(mismatch{page: p.name, table: "Request Parameters", name: "(request body)", aspect: aspectPresence,
			doc: "not documented", spec: "a request body", ptrs: requestBodyPtrs(o)})
	}
	if o.op.Responses == nil {
		return
	}
	if r := o.op.Responses.Value("200"); r != nil && r.Value != nil && len(r.Value.Content) > 0 && !b.responses["200"] && b.none["200"] == 0 {
		c.add(mismatch{page: p.name, table: "Response Parameters", name: "200", aspect: aspectPresence,
			doc: "not documented", spec: "a body", ptrs: responsePtrs(o, "200")})
	}
}

// properties checks the rows of a table describing an object against the properties of v:
// presence, Mandatory (or, in a table without that column, that the spec requires nothing the
// page does not), type and the facts of the description; then, through the :ref: of a Type
// cell, the table of a nested object. On a current page it also reports the properties of
// the spec the table does not document.
func (c *checker) properties(p page, t rst.Table, v view, prefix string, used map[int]bool, seen map[string]bool) {
	cols, ok := c.columns(p, t, "Parameter", "Type")
	if !ok {
		return
	}
	desc, mand := t.Column("Description"), t.Column("Mandatory")
	reqPtr := v.base() + "/required"
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
		required := slices.Contains(v.required, name)
		switch {
		case mand >= 0:
			c.mandatory(withPtrs(m, reqPtr), cell(row, mand), required)
		case required && p.current:
			c.add(with(withPtrs(m, reqPtr), aspectRequired, "(no Mandatory column)", "Yes"))
		}
		docType := cellRaw(row, cols[1])
		c.value(m, cell(row, cols[1]), cellRaw(row, desc), pv, p.current)
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
			// Pointed at the property and at its object, so that one deviation can allow the
			// undocumented properties of an object.
			c.add(mismatch{page: p.name, table: tableName(t), line: t.Line, name: prefix + name, aspect: aspectPresence,
				doc: "not documented", spec: "a property", ptrs: []string{v.props[name].ptr, v.base()}})
		}
	}
}
