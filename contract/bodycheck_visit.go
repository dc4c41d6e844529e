package contract

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The visit of a value mirrors kin-openapi's Schema.visitJSON: null against nullable, the
// boolean schema, the empty schema, then not, oneOf, anyOf, allOf (each failing alone), enum
// (alone), and the keywords of the value's type.

// visitChild visits a value nested in the one at hand (an item or a member): kin-openapi's
// visitChildJSON, which starts a new chain of schemas.
func (c *checker) visitChild(n *node) {
	base := c.chainBase
	c.chainBase = len(c.chain)
	c.visit(n)
	c.chainBase = base
}

// visit reads the value at pos and checks it against n.
func (c *checker) visit(n *node) {
	if c.needChain {
		c.chain = append(c.chain, n)
		c.visitNode(n)
		c.chain = c.chain[:len(c.chain)-1]
		return
	}
	c.visitNode(n)
}

func (c *checker) visitNode(n *node) {
	b := c.valueStart()
	if b == 'n' && n.nullable {
		c.literal("null")
		return
	}
	switch {
	case n.always > 0:
		c.skip()
		return
	case n.always < 0:
		c.skip()
		c.add("boolean", "the false schema accepts no value")
		return
	case n.empty:
		c.skip()
		if b == 'n' {
			c.add("nullable", "Value is not nullable")
		}
		return
	}
	if n.composite {
		start := c.pos
		c.skip()
		end := c.pos
		if !c.composites(n, start, end, b) {
			c.pos = end
			return
		}
		c.pos = start
	}
	c.typed(n, b)
}

// composites applies not, oneOf, anyOf and allOf to the value in [start, end), whose first
// byte is b, and reports whether the other keywords apply to it too: a failure is the only
// problem of the value, and a null that passes them is accepted.
func (c *checker) composites(n *node, start, end int, b byte) bool {
	if n.not != nil && c.passes(n.not, start, end) {
		c.add("not", `does not match the schema's "not"`)
		return false
	}
	visited := false
	if len(n.oneOf) > 0 {
		ref, ok := c.discriminate(n, start, b)
		if !ok {
			return false
		}
		matches := 0
		for i, alt := range n.oneOf {
			if (ref == "" || n.oneOfRefs[i] == ref) && c.passes(alt, start, end) {
				matches++
			}
		}
		if matches != 1 {
			c.oneOfProblem(n, ref, matches, start, end)
			return false
		}
		visited = true
	}
	if len(n.anyOf) > 0 {
		ref, ok := c.discriminate(n, start, b)
		if !ok {
			return false
		}
		pass := false
		for i, alt := range n.anyOf {
			if (ref == "" || n.anyOfRefs[i] == ref) && c.passes(alt, start, end) {
				pass = true
				break
			}
		}
		if !pass {
			c.add("anyOf", `doesn't match any schema from "anyOf"`)
			return false
		}
		visited = true
	}
	if len(n.allOf) > 0 {
		for _, alt := range n.allOf {
			if !c.passes(alt, start, end) {
				c.allOfProblem(n, start, end)
				return false
			}
		}
		visited = true
	}
	return !visited || b != 'n'
}

// oneOfProblem reports a value that matches none, or more than one, of the alternatives
// (those the discriminator selected, when ref is set). kin-openapi's rule for none lists why
// each alternative failed; contract's schemaRule joins those with "; or ".
func (c *checker) oneOfProblem(n *node, ref string, matches int, start, end int) {
	if !c.wants() {
		c.total++
		return
	}
	if matches > 1 {
		var matched []int
		for i, alt := range n.oneOf {
			if (ref == "" || n.oneOfRefs[i] == ref) && c.passes(alt, start, end) {
				matched = append(matched, i)
			}
		}
		c.add("oneOf", fmt.Sprintf(`value matches more than one schema from "oneOf" (matches schemas at indices %v)`, matched))
		return
	}
	var subs []string
	for i, alt := range n.oneOf {
		if ref == "" || n.oneOfRefs[i] == ref {
			subs = append(subs, c.reasonsOf(alt, start, end)...)
		}
	}
	c.add("oneOf", withSubs(`value doesn't match any schema from "oneOf"`, subs, "; or "))
}

// allOfProblem reports a value that fails an allOf alternative, with why each failed.
func (c *checker) allOfProblem(n *node, start, end int) {
	if !c.wants() {
		c.total++
		return
	}
	var subs []string
	for _, alt := range n.allOf {
		subs = append(subs, c.reasonsOf(alt, start, end)...)
	}
	c.add("allOf", withSubs(`doesn't match all schemas from "allOf"`, subs, "; and "))
}

func withSubs(rule string, subs []string, sep string) string {
	if len(subs) == 0 {
		return rule
	}
	return rule + " (" + strings.Join(subs, sep) + ")"
}

// passes reports whether the value in [start, end) matches alt, leaving pos at end and the
// problems as they were.
func (c *checker) passes(alt *node, start, end int) bool {
	total, collect, reasons, sorted := c.total, c.collect, c.reasons, c.sorted
	c.collect, c.reasons, c.sorted = false, nil, false
	c.pos = start
	c.visit(alt)
	ok := c.total == total
	c.total, c.collect, c.reasons, c.sorted = total, collect, reasons, sorted
	c.pos = end
	return ok
}

// reasonsOf returns the rules of the problems the value in [start, end) has against alt, in
// kin-openapi's order, leaving pos at end and the problems as they were.
func (c *checker) reasonsOf(alt *node, start, end int) []string {
	var rs []string
	total, collect, reasons, sorted := c.total, c.collect, c.reasons, c.sorted
	c.collect, c.reasons, c.sorted = false, &rs, true
	c.pos = start
	c.visit(alt)
	c.total, c.collect, c.reasons, c.sorted = total, collect, reasons, sorted
	c.pos = end
	return rs
}

// discriminate resolves the discriminator of n for the value at start, whose first byte is b:
// the $ref that selects the alternatives, "" for all of them. ok is false when the value breaks
// the discriminator, which is then its problem.
func (c *checker) discriminate(n *node, start int, b byte) (ref string, ok bool) {
	d := n.disc
	if d == nil || b != '{' {
		return "", true
	}
	v, found := c.findMember(start, d.property)
	if !found {
		c.add("discriminator", d.missingRule)
		return "", false
	}
	if c.data[v] != '"' {
		c.add("discriminator", d.notStringRule)
		return "", false
	}
	c.pos = v
	value := c.stringValue()
	if len(d.mapping) == 0 {
		return "", true
	}
	if ref, ok = d.mapping[string(value)]; !ok {
		c.add("discriminator", d.invalidRule)
		return "", false
	}
	return ref, true
}

// findMember returns where the value of the last member named name of the object at start
// begins.
func (c *checker) findMember(start int, name string) (value int, found bool) {
	c.pos = start
	if !c.firstKey() {
		return 0, false
	}
	for {
		s, e, plain := c.str()
		key := c.data[s:e]
		if !plain {
			c.scratch = appendUnquoted(c.scratch[:0], key)
			key = c.scratch
		}
		match := string(key) == name
		c.colon()
		c.ws()
		if match {
			value, found = c.pos, true
		}
		c.skip()
		if c.afterMember() {
			return value, found
		}
	}
}

// stringValue reads the string at pos and returns its decoding (in scratch when it is not plain).
func (c *checker) stringValue() []byte {
	start, end, plain := c.str()
	if plain {
		return c.data[start:end]
	}
	c.scratch = appendUnquoted(c.scratch[:0], c.data[start:end])
	return c.scratch
}

// typed applies enum and the keywords of the value's type to the value at pos, whose first
// byte is b.
func (c *checker) typed(n *node, b byte) {
	switch b {
	case 'n':
		c.literal("null")
		if n.enum != nil && !n.enum.null {
			c.add("enum", n.enum.rule)
			return
		}
		c.add("nullable", "Value is not nullable")
	case 't', 'f':
		v := b == 't'
		if v {
			c.literal("true")
		} else {
			c.literal("false")
		}
		if n.enum != nil && !n.enum.bools[b2i(v)] {
			c.add("enum", n.enum.rule)
			return
		}
		if n.types&typeBoolean == 0 {
			c.add("type", n.typeRule)
		}
	case '"':
		s := c.stringValue()
		if n.enum != nil && !n.enum.hasString(s) {
			c.add("enum", n.enum.rule)
			return
		}
		if n.str == nil {
			c.add("type", n.typeRule)
			return
		}
		c.checkString(n.str, s)
	case '[', '{':
		if n.enum != nil && !c.enumComposite(n.enum) {
			return
		}
		switch {
		case b == '[' && n.array != nil:
			c.visitArray(n.array)
		case b == '{' && n.object != nil:
			c.visitObject(n.object)
		default:
			c.skip()
			c.add("type", n.typeRule)
		}
	default:
		start, end := c.num()
		f, err := strconv.ParseFloat(string(c.data[start:end]), 64)
		if n.enum != nil && (err != nil || !n.enum.hasNumber(f)) {
			c.add("enum", n.enum.rule)
			return
		}
		if err != nil {
			c.add("type", "cannot convert json.Number to float64")
			return
		}
		if n.number == nil {
			c.add("type", n.typeRule)
			return
		}
		c.checkNumber(n.number, f)
	}
}

// checkString applies minLength, maxLength, pattern and format, in kin-openapi's order, to s.
func (c *checker) checkString(r *stringRules, s []byte) {
	if r.lengthChecked {
		// kin-openapi counts runes (a surrogate never comes out of ranging over a string).
		n := uint64(utf8.RuneCount(s))
		if r.minLength != 0 && n < r.minLength {
			c.add("minLength", r.minRule)
		}
		if r.maxLength != nil && n > *r.maxLength {
			c.add("maxLength", r.maxRule)
		}
	}
	if r.pattern != nil && !r.pattern.match(s) {
		c.add("pattern", r.patternRule)
	}
	if r.formatCheck != nil {
		if err := r.formatCheck.Validate(string(s)); err != nil {
			c.add("format", formatRule("string", r.format, err))
		}
	}
}

// checkNumber applies the keywords of a number to f, in kin-openapi's order.
func (c *checker) checkNumber(r *numberRules, f float64) {
	if r.requireInteger && f != math.Trunc(f) {
		c.add("type", "value must be an integer")
	}
	switch {
	case r.intFormat != nil:
		if err := validateIntegerFormat(r, f); err != nil {
			c.add("format", formatRule("integer", r.format, err))
		}
	case r.numFormat != nil:
		if err := r.numFormat.Validate(f); err != nil {
			c.add("format", formatRule("number", r.format, err))
		}
	}
	if r.exclMin != nil && !(f > *r.exclMin) {
		c.add("exclusiveMinimum", r.exclMinRule)
	}
	if r.exclMax != nil && !(f < *r.exclMax) {
		c.add("exclusiveMaximum", r.exclMaxRule)
	}
	if r.min != nil && !(*r.min <= f) {
		c.add("minimum", r.minRule)
	}
	if r.max != nil && !(*r.max >= f) {
		c.add("maximum", r.maxRule)
	}
	if r.multipleOf != nil && !multipleOf(f, *r.multipleOf) {
		c.add("multipleOf", r.multipleOfRule)
	}
}

// validateIntegerFormat hands f to an integer format's validator as kin-openapi does: a float64
// beyond int64 would wrap into it on conversion, so it is refused instead.
func validateIntegerFormat(r *numberRules, f float64) error {
	switch {
	case f == float64(math.MaxInt64): // 2^63: math.MaxInt64 rounds up to it
		return r.intFormat.Validate(math.MaxInt64)
	case f >= float64(math.MinInt64) && f < float64(math.MaxInt64):
		return r.intFormat.Validate(int64(f))
	}
	return errIntegerRange
}
