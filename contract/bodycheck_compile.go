package contract

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// compiler turns the schemas of one body into nodes.
type compiler struct {
	formats bodyFormats
	nodes   map[*openapi3.Schema]*node
	schemas map[*node]*openapi3.Schema
	// anyWriteOnly: some schema declares a writeOnly property.
	anyWriteOnly bool
}

func newCompiler(formats bodyFormats) *compiler {
	return &compiler{formats: formats, nodes: map[*openapi3.Schema]*node{}, schemas: map[*node]*openapi3.Schema{}}
}

func refuse(where, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", errNotCompiled, where, fmt.Sprintf(format, args...))
}

// compile returns the node of s, compiling it (and what it refers to) the first time. where
// locates s in the body's schema, for errors.
func (cp *compiler) compile(s *openapi3.Schema, where string) (*node, error) {
	if n, ok := cp.nodes[s]; ok {
		return n, nil
	}
	n := &node{}
	cp.nodes[s] = n
	cp.schemas[n] = s
	if err := unsupported(s, where); err != nil {
		return nil, err
	}
	if s.Always != nil {
		// The null check comes first in kin-openapi, then the boolean schema decides alone.
		n.nullable = s.Nullable || s.Type.IncludesNull()
		n.always = -1
		if *s.Always {
			n.always = 1
		}
		return n, nil
	}
	if s.IsEmpty() {
		n.empty = true
		return n, nil
	}
	n.nullable = s.Nullable || s.Type.IncludesNull()
	var err error
	if err = cp.composites(n, s, where); err != nil {
		return nil, err
	}
	if len(s.Enum) > 0 {
		if n.enum, err = compileEnum(s.Enum, where); err != nil {
			return nil, err
		}
	}
	n.types, n.typeRule = compileTypes(s.Type)
	if n.types&(typeInteger|typeNumber) != 0 {
		n.number = cp.numberRules(s)
	}
	if n.types&typeString != 0 {
		if n.str, err = cp.stringRules(s, where); err != nil {
			return nil, err
		}
	}
	if n.types&typeArray != 0 {
		if n.array, err = cp.arrayRules(s, where); err != nil {
			return nil, err
		}
	}
	if n.types&typeObject != 0 {
		if n.object, err = cp.objectRules(s, where); err != nil {
			return nil, err
		}
	}
	n.plainString = n.str != nil && !n.composite
	return n, nil
}

// unsupported refuses what the body check does not implement: the keywords of OpenAPI 3.1,
// which kin-openapi's 3.0 validator does not apply (they only make a schema non-empty), and
// unresolved references.
func unsupported(s *openapi3.Schema, where string) error {
	switch {
	case s.Const != nil, len(s.Examples) > 0, len(s.PrefixItems) > 0, s.Contains != nil,
		s.MinContains != nil, s.MaxContains != nil, len(s.PatternProperties) > 0,
		len(s.DependentSchemas) > 0, s.PropertyNames != nil, s.UnevaluatedItems.Has != nil,
		s.UnevaluatedItems.Schema != nil, s.UnevaluatedProperties.Has != nil,
		s.UnevaluatedProperties.Schema != nil, s.If != nil, s.Then != nil, s.Else != nil,
		len(s.DependentRequired) > 0, len(s.Defs) > 0, s.SchemaDialect != "", s.Comment != "",
		s.SchemaID != "", s.Anchor != "", s.DynamicRef != "", s.DynamicAnchor != "",
		s.ContentMediaType != "", s.ContentEncoding != "", s.ContentSchema != nil:
		return refuse(where, "an OpenAPI 3.1 keyword")
	case s.Type != nil && len(*s.Type) == 0:
		return refuse(where, "an empty type list")
	}
	refs := slices.Concat(s.OneOf, s.AnyOf, s.AllOf)
	refs = append(refs, s.Not, s.Items)
	for _, p := range s.Properties {
		refs = append(refs, p)
	}
	for _, ref := range refs {
		if ref != nil && ref.Value == nil {
			return refuse(where, "unresolved reference %q", ref.Ref)
		}
	}
	return nil
}

func (cp *compiler) composites(n *node, s *openapi3.Schema, where string) error {
	var err error
	if s.Not != nil {
		if n.not, err = cp.compile(s.Not.Value, where+"/not"); err != nil {
			return err
		}
	}
	list := func(refs openapi3.SchemaRefs, kw string) ([]*node, []string, error) {
		var ns []*node
		var rs []string
		for i, ref := range refs {
			sub, err := cp.compile(ref.Value, fmt.Sprintf("%s/%s/%d", where, kw, i))
			if err != nil {
				return nil, nil, err
			}
			ns = append(ns, sub)
			rs = append(rs, ref.Ref)
		}
		return ns, rs, nil
	}
	if n.oneOf, n.oneOfRefs, err = list(s.OneOf, "oneOf"); err != nil {
		return err
	}
	if n.anyOf, n.anyOfRefs, err = list(s.AnyOf, "anyOf"); err != nil {
		return err
	}
	if n.allOf, _, err = list(s.AllOf, "allOf"); err != nil {
		return err
	}
	n.composite = n.not != nil || len(n.oneOf) > 0 || len(n.anyOf) > 0 || len(n.allOf) > 0
	if d := s.Discriminator; d != nil && (len(n.oneOf) > 0 || len(n.anyOf) > 0) {
		pn := d.PropertyName
		n.disc = &discriminator{
			property:      pn,
			mapping:       map[string]string{},
			missingRule:   fmt.Sprintf("input does not contain the discriminator property %q", pn),
			notStringRule: fmt.Sprintf("value of discriminator property %q is not a string", pn),
			invalidRule:   fmt.Sprintf("discriminator property %q has invalid value", pn),
		}
		for value, m := range d.Mapping {
			ref := m.Ref
			if ref != "" && !strings.Contains(ref, "/") {
				ref = "#/components/schemas/" + ref
			}
			n.disc.mapping[value] = ref
		}
	}
	return nil
}

// compileTypes returns the types t permits and the reason of kin-openapi's expectedType.
func compileTypes(t *openapi3.Types) (typeMask, string) {
	var m typeMask
	for name, bit := range map[string]typeMask{
		openapi3.TypeBoolean: typeBoolean, openapi3.TypeInteger: typeInteger, openapi3.TypeNumber: typeNumber,
		openapi3.TypeString: typeString, openapi3.TypeArray: typeArray, openapi3.TypeObject: typeObject,
	} {
		if t.Permits(name) {
			m |= bit
		}
	}
	if t == nil {
		return m, ""
	}
	a, x := "a", ""
	if len(*t) == 1 {
		x = (*t)[0]
		switch x {
		case openapi3.TypeArray, openapi3.TypeObject, openapi3.TypeInteger:
			a = "an"
		}
	} else {
		a, x = "one of", strings.Join(*t, ", ")
	}
	return m, fmt.Sprintf("value must be %s %s", a, x)
}

func (cp *compiler) numberRules(s *openapi3.Schema) *numberRules {
	r := &numberRules{
		requireInteger: s.Type.Permits(openapi3.TypeInteger) && !s.Type.Permits(openapi3.TypeNumber),
		format:         s.Format,
	}
	if f := s.Format; f != "" {
		if r.requireInteger {
			v, ok := cp.formats.integers[f]
			if !ok {
				v = openapi3.SchemaIntegerFormats[f]
			}
			r.intFormat = v
		} else {
			v, ok := cp.formats.numbers[f]
			if !ok {
				v = openapi3.SchemaNumberFormats[f]
			}
			r.numFormat = v
		}
	}
	bound := func(eb openapi3.ExclusiveBound, inclusive *float64) *float64 {
		switch {
		case eb.Value != nil:
			return eb.Value
		case eb.Bool != nil && *eb.Bool && inclusive != nil:
			return inclusive
		}
		return nil
	}
	if r.exclMin = bound(s.ExclusiveMin, s.Min); r.exclMin != nil {
		r.exclMinRule = fmt.Sprintf("number must be more than %g", *r.exclMin)
	}
	if r.exclMax = bound(s.ExclusiveMax, s.Max); r.exclMax != nil {
		r.exclMaxRule = fmt.Sprintf("number must be less than %g", *r.exclMax)
	}
	if r.min = s.Min; r.min != nil {
		r.minRule = fmt.Sprintf("number must be at least %g", *r.min)
	}
	if r.max = s.Max; r.max != nil {
		r.maxRule = fmt.Sprintf("number must be at most %g", *r.max)
	}
	if r.multipleOf = s.MultipleOf; r.multipleOf != nil {
		r.multipleOfRule = fmt.Sprintf("number must be a multiple of %g", *r.multipleOf)
		if *r.multipleOf <= 0 {
			r.multipleOfRule = fmt.Sprintf("multipleOf must be greater than zero, got %g", *r.multipleOf)
		}
	}
	return r
}

func (cp *compiler) stringRules(s *openapi3.Schema, where string) (*stringRules, error) {
	r := &stringRules{minLength: s.MinLength, maxLength: s.MaxLength, format: s.Format}
	r.lengthChecked = s.MinLength != 0 || s.MaxLength != nil
	r.minRule = fmt.Sprintf("minimum string length is %d", s.MinLength)
	if s.MaxLength != nil {
		r.maxRule = fmt.Sprintf("maximum string length is %d", *s.MaxLength)
	}
	if s.Pattern != "" {
		pm, err := newPatternMatcher(s.Pattern)
		if err != nil {
			return nil, refuse(where, "pattern %q: %v", s.Pattern, err)
		}
		r.pattern = pm
		r.patternRule = fmt.Sprintf(`string doesn't match the regular expression "%s"`, s.Pattern)
	}
	if f := s.Format; f != "" {
		v, ok := cp.formats.strings[f]
		if !ok {
			v = openapi3.SchemaStringFormats[f]
		}
		r.formatCheck = v
	}
	return r, nil
}

func (cp *compiler) arrayRules(s *openapi3.Schema, where string) (*arrayRules, error) {
	r := &arrayRules{minItems: s.MinItems, maxItems: s.MaxItems, uniqueItems: s.UniqueItems}
	r.minRule = fmt.Sprintf("minimum number of items is %d", s.MinItems)
	if s.MaxItems != nil {
		r.maxRule = fmt.Sprintf("maximum number of items is %d", *s.MaxItems)
	}
	if s.Items != nil {
		var err error
		if r.items, err = cp.compile(s.Items.Value, where+"/items"); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (cp *compiler) objectRules(s *openapi3.Schema, where string) (*objectRules, error) {
	r := &objectRules{minProps: s.MinProps, maxProps: s.MaxProps}
	r.minRule = fmt.Sprintf("there must be at least %d properties", s.MinProps)
	if s.MaxProps != nil {
		r.maxRule = fmt.Sprintf("there must be at most %d properties", *s.MaxProps)
	}
	r.needDistinct = s.MinProps != 0 || s.MaxProps != nil
	names := slices.Sorted(maps.Keys(s.Properties))
	for _, k := range s.Required {
		if _, ok := s.Properties[k]; !ok && !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for i, k := range names {
		p := propName{
			name:          k,
			requiredRule:  fmt.Sprintf("property %q is missing", k),
			writeOnlyRule: fmt.Sprintf("writeOnly property %q in response", k),
		}
		if ref := s.Properties[k]; ref != nil {
			sub, err := cp.compile(ref.Value, where+"/properties/"+k)
			if err != nil {
				return nil, err
			}
			p.node = sub
			p.writeOnly = ref.Value.WriteOnly
			r.writeOnly = r.writeOnly || p.writeOnly
			r.props = append(r.props, int32(i))
		}
		r.names = append(r.names, p)
		if k != "" && k[0] < 0x80 && !strings.ContainsFunc(k, func(r rune) bool { return r == '"' || r == '\\' || r < 0x20 }) && utf8.ValidString(k) {
			r.byFirst[k[0]] = append(r.byFirst[k[0]], int32(i))
		}
		if len(k) < maxBucketedLen {
			for len(r.byLen) <= len(k) {
				r.byLen = append(r.byLen, nil)
			}
			r.byLen[len(k)] = append(r.byLen[len(k)], int32(i))
		} else {
			if r.lookup == nil {
				r.lookup = map[string]int32{}
			}
			r.lookup[k] = int32(i)
		}
	}
	// Past the longest short name, find goes to lookup.
	if r.lookup != nil {
		for len(r.byLen) < maxBucketedLen {
			r.byLen = append(r.byLen, nil)
		}
	}
	for _, k := range s.Required {
		i, _ := slices.BinarySearch(names, k)
		r.required = append(r.required, int32(i))
	}
	ap := s.AdditionalProperties
	r.additionalAllowed = ap.Has == nil || *ap.Has
	if r.additionalAllowed && ap.Schema != nil && ap.Schema.Value != nil {
		var err error
		if r.additional, err = cp.compile(ap.Schema.Value, where+"/additionalProperties"); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// maxBucketedLen bounds the names objectRules.find looks up by length.
const maxBucketedLen = 64

// finish checks the compiled graph and works out what depends on the whole of it.
func (cp *compiler) finish() error {
	// A schema met again among the schemas applied to one value (through not, oneOf, anyOf,
	// allOf) makes kin-openapi's cycle detection accept it there, a verdict that depends on the
	// path the value was reached by; such a schema is left to kin-openapi.
	const (
		white = iota
		grey
		black
	)
	color := map[*node]int{}
	var visit func(n *node) error
	visit = func(n *node) error {
		switch color[n] {
		case grey:
			return refuse("#", "a schema that applies to a value through itself (not, oneOf, anyOf, allOf)")
		case black:
			return nil
		}
		color[n] = grey
		for _, sub := range slices.Concat([]*node{n.not}, n.oneOf, n.anyOf, n.allOf) {
			if sub != nil {
				if err := visit(sub); err != nil {
					return err
				}
			}
		}
		color[n] = black
		return nil
	}
	for n := range cp.schemas {
		if err := visit(n); err != nil {
			return err
		}
	}
	// woDeclared follows allOf, which is acyclic now.
	var declared func(n *node) map[string]bool
	done := map[*node]bool{}
	declared = func(n *node) map[string]bool {
		if done[n] {
			return n.woDeclared
		}
		done[n] = true
		s := cp.schemas[n]
		names := map[string]bool{}
		for k, p := range s.Properties {
			if p.Value.WriteOnly {
				names[k] = true
			}
		}
		for _, sub := range n.allOf {
			maps.Copy(names, declared(sub))
		}
		if len(names) > 0 {
			n.woDeclared = names
			cp.anyWriteOnly = true
		}
		return n.woDeclared
	}
	for n := range cp.schemas {
		declared(n)
	}
	return nil
}
