package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// propRef is a property of an object schema and its spec location.
type propRef struct {
	ref *openapi3.SchemaRef
	ptr string
}

// view is what a schema says about a value once its $ref and allOf are followed: the first
// definition of each keyword wins, as for a validator that applies all of them.
type view struct {
	ptrs     []string // the use, then every definition reached through $ref
	objects  []string // pointers of the definitions that contribute properties
	types    []string // "null" moved to nullable
	alts     []string // the types of oneOf/anyOf alternatives, when there is no type
	items    *openapi3.SchemaRef
	itemsPtr string
	props    map[string]propRef
	required []string // of an object: the properties it requires
	enum     []any
	min, max *float64
	maxLen   *uint64
	// minItems, maxItems and uniqueItems of an array.
	minItems    uint64
	maxItems    *uint64
	uniqueItems bool
	def         any
	nullable    bool
	format      string
	pattern     string
}

// flatten follows sr through $ref and allOf. ptrs are the locations of its uses; the last one
// is where an inline schema is defined.
func flatten(sr *openapi3.SchemaRef, ptrs ...string) view {
	v := view{props: map[string]propRef{}}
	base := ""
	for _, p := range ptrs {
		v.addPtr(p)
		base = p
	}
	v.visit(sr, base, 0)
	return v
}

func (v *view) addPtr(p string) {
	if p != "" && !slices.Contains(v.ptrs, p) {
		v.ptrs = append(v.ptrs, p)
	}
}

func (v *view) visit(sr *openapi3.SchemaRef, ptr string, depth int) {
	if sr == nil || depth > 16 {
		return
	}
	if strings.HasPrefix(sr.Ref, "#") {
		ptr = sr.Ref
		v.addPtr(ptr)
	}
	s := sr.Value
	if s == nil {
		return
	}
	if len(v.types) == 0 && s.Type != nil {
		for _, t := range s.Type.Slice() {
			if t == "null" {
				v.nullable = true
				continue
			}
			v.types = append(v.types, t)
		}
	}
	v.nullable = v.nullable || s.Nullable
	if v.enum == nil {
		v.enum = s.Enum
	}
	if v.min == nil {
		v.min = s.Min
	}
	if v.max == nil {
		v.max = s.Max
	}
	if v.def == nil {
		v.def = s.Default
	}
	if v.format == "" {
		v.format = s.Format
	}
	if v.pattern == "" {
		v.pattern = s.Pattern
	}
	if v.maxLen == nil {
		v.maxLen = s.MaxLength
	}
	if v.minItems == 0 {
		v.minItems = s.MinItems
	}
	if v.maxItems == nil {
		v.maxItems = s.MaxItems
	}
	v.uniqueItems = v.uniqueItems || s.UniqueItems
	for _, r := range s.Required {
		if !slices.Contains(v.required, r) {
			v.required = append(v.required, r)
		}
	}
	if v.items == nil && s.Items != nil {
		v.items, v.itemsPtr = s.Items, ptr+"/items"
	}
	if len(s.Properties) > 0 {
		v.objects = append(v.objects, ptr)
	}
	for name, p := range s.Properties {
		if _, ok := v.props[name]; !ok {
			v.props[name] = propRef{ref: p, ptr: ptr + "/properties/" + escape(name)}
		}
	}
	for i, m := range s.AllOf {
		v.visit(m, fmt.Sprintf("%s/allOf/%d", ptr, i), depth+1)
	}
	if len(v.types) > 0 {
		return
	}
	for kw, alts := range map[string]openapi3.SchemaRefs{"oneOf": s.OneOf, "anyOf": s.AnyOf} {
		for i, alt := range alts {
			av := flatten(alt, fmt.Sprintf("%s/%s/%d", ptr, kw, i))
			v.alts = append(v.alts, av.typeString())
		}
	}
	slices.Sort(v.alts)
	v.alts = slices.Compact(v.alts)
}

// base is the location a property missing from the object would have.
func (v view) base() string {
	if len(v.objects) > 0 {
		return v.objects[0]
	}
	if len(v.ptrs) > 0 {
		return v.ptrs[len(v.ptrs)-1]
	}
	return "#"
}

func (v view) hasType(t string) bool { return slices.Contains(v.types, t) }

func (v view) propNames() []string {
	names := make([]string, 0, len(v.props))
	for n := range v.props {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// typeString says what type the spec gives a value, in the words parseType uses for the
// pages: "string", "array of object", "oneOf(boolean, string)".
func (v view) typeString() string {
	switch {
	case len(v.types) == 1 && v.types[0] == "array":
		if v.items == nil {
			return "array of (unspecified)"
		}
		return "array of " + flatten(v.items, v.itemsPtr).typeString()
	case len(v.types) > 0:
		return strings.Join(v.types, " or ")
	case len(v.alts) > 0:
		return "oneOf(" + strings.Join(v.alts, ", ") + ")"
	}
	return "(no type)"
}

// itemBounds describes the bounds of an array: "minItems 1, maxItems 100, uniqueItems"; "" for
// none.
func (v view) itemBounds() string {
	var parts []string
	if v.minItems > 0 {
		parts = append(parts, fmt.Sprintf("minItems %d", v.minItems))
	}
	if v.maxItems != nil {
		parts = append(parts, fmt.Sprintf("maxItems %d", *v.maxItems))
	}
	if v.uniqueItems {
		parts = append(parts, "uniqueItems")
	}
	return strings.Join(parts, ", ")
}

// value compares what a page documents about one value (its Type cell and its Description
// cell) with the spec's view of it. Of an array of scalars ("Array of strings"), the values,
// patterns and lengths the description gives are those of its elements. The constraints the
// spec adds where the page says nothing (null, a length, a pattern) are reverse checks, made
// only against a current page.
func (c *checker) value(m mismatch, docType, desc string, v view, current bool) {
	for _, p := range v.ptrs {
		if !slices.Contains(m.ptrs, p) {
			m.ptrs = append(slices.Clone(m.ptrs), p)
		}
	}
	want, known := parseType(docType)
	switch got := v.typeString(); {
	case !known:
		c.add(with(m, aspectType, docType+" (a type this checker does not know)", got))
	case want != got:
		c.add(with(m, aspectType, docType, got))
	}
	f := describe(desc)

	elem := v
	if v.hasType("array") && v.items != nil && strings.HasPrefix(want, "array of ") && want != "array of object" {
		elem = flatten(v.items, v.itemsPtr)
		m = withPtrs(m, slices.DeleteFunc(slices.Clone(elem.ptrs), func(p string) bool { return slices.Contains(m.ptrs, p) })...)
	}

	if bounds := v.itemBounds(); bounds != "" && current {
		// No page bounds a list; every bound is the spec's own (the reverse check).
		c.add(with(m, aspectItems, "(no bounds)", bounds))
	}

	docEnum := slices.Clone(f.enum)
	slices.Sort(docEnum)
	var specEnum []string
	for _, e := range elem.enum {
		if e != nil {
			specEnum = append(specEnum, formatValue(e))
		}
	}
	slices.Sort(specEnum)
	booleanValues := want == "boolean" && !slices.ContainsFunc(docEnum, func(s string) bool { return s != "true" && s != "false" })
	if !booleanValues && !slices.Equal(docEnum, specEnum) {
		c.add(with(m, aspectEnum, list(docEnum), list(specEnum)))
	}

	if f.hasRange {
		if got := formatNumber(v.min); got != formatNumber(&f.min) {
			c.add(with(m, aspectMinimum, formatNumber(&f.min), got))
		}
		if got := formatNumber(v.max); got != formatNumber(&f.max) {
			c.add(with(m, aspectMaximum, formatNumber(&f.max), got))
		}
	}
	switch {
	case f.def != "" && formatValue(v.def) != f.def:
		c.add(with(m, aspectDefault, f.def, formatValue(v.def)))
	case f.defNA && v.def != nil:
		c.add(with(m, aspectDefault, "N/A", formatValue(v.def)))
	}
	switch {
	case f.null && !v.nullable:
		c.add(with(m, aspectNullable, "the default value is null", "not nullable"))
	case !f.null && v.nullable && current:
		c.add(with(m, aspectNullable, "(null not mentioned)", "nullable"))
	}
	if docLen, specLen := formatLength(f.maxLen), formatLength(elem.maxLen); docLen != specLen && (f.maxLen != nil || current) {
		c.add(with(m, aspectMaxLength, docLen, specLen))
	}
	switch {
	case f.timeFormat != "":
		if spec, ok := acceptsTime(f.timeFormat, elem); !ok {
			c.add(with(m, aspectFormat, f.timeFormat, spec))
		}
	case elem.pattern != "" && current:
		c.add(with(m, aspectPattern, "(no format)", "pattern "+elem.pattern))
	}
}

// acceptsTime reports whether the spec accepts exactly the times written in the documented
// layout ("CCYY-MM-DDThh:mm:ss"), and if not, says what the spec has instead: a pattern or
// format that rejects the layout, or one that also accepts a zone or fractional seconds the
// layout does not have.
func acceptsTime(layout string, v view) (string, bool) {
	sample := strings.NewReplacer("CCYY", "2021", "YYYY", "2021", "MM", "09", "DD", "17",
		"hh", "08", "mm", "00", "ss", "07").Replace(layout)
	if v.pattern == "" && v.format == "" {
		return "any string (no format, no pattern)", false
	}
	if v.pattern != "" {
		re, err := regexp.Compile(v.pattern)
		if err != nil {
			return fmt.Sprintf("pattern %q, which Go cannot compile: %v", v.pattern, err), false
		}
		if !re.MatchString(sample) {
			return fmt.Sprintf("pattern %q, which rejects %s", v.pattern, sample), false
		}
		var extra []string
		for _, more := range []string{sample + "Z", sample + "+01:00", sample + ".5"} {
			if re.MatchString(more) {
				extra = append(extra, more)
			}
		}
		if len(extra) > 0 {
			return "a pattern that also accepts " + strings.Join(extra, ", "), false
		}
	}
	switch v.format {
	case "date-time":
		if _, err := time.Parse(time.RFC3339, sample); err != nil {
			return "format date-time (RFC 3339), which rejects " + sample, false
		}
	case "date":
		if _, err := time.Parse(time.DateOnly, sample); err != nil {
			return "format date, which rejects " + sample, false
		}
	}
	return "", true
}

// formatValue writes a spec value the way the pages write it.
func formatValue(x any) string {
	switch x := x.(type) {
	case nil:
		return "(none)"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case string:
		return x
	}
	return fmt.Sprint(x)
}

func formatLength(n *uint64) string {
	if n == nil {
		return "(none)"
	}
	return strconv.FormatUint(*n, 10)
}

func formatNumber(f *float64) string {
	if f == nil {
		return "(none)"
	}
	return formatValue(*f)
}

func list(vals []string) string {
	if len(vals) == 0 {
		return "(none)"
	}
	return strings.Join(vals, ", ")
}
