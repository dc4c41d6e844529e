package contract

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// bodyGen builds JSON bodies for a schema, for the tests that hold the body check to
// kin-openapi: valid values built from the schema, then broken in the ways a faulty peer breaks
// them, and written with the liberties JSON allows (member order, escapes, duplicate keys,
// white space) and some it does not.
type bodyGen struct {
	r *rand.Rand
	// breakP is the chance that value breaks a keyword of the schema at hand.
	breakP float64
}

func newBodyGen(seed uint64) *bodyGen {
	return &bodyGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *bodyGen) chance(p float64) bool { return g.r.Float64() < p }

// value returns a value (decoded JSON: map[string]any, []any, string, json.Number, bool,
// nil) that s is meant to accept; depth bounds recursion.
func (g *bodyGen) value(s *openapi3.Schema, depth int) any {
	if s != nil && g.breakP > 0 && g.chance(g.breakP) {
		return g.broken(s, depth)
	}
	switch {
	case s == nil || s.IsEmpty():
		return g.scalar()
	case s.Nullable && g.chance(0.15):
		return nil
	case len(s.Enum) > 0:
		return toDecoded(s.Enum[g.r.IntN(len(s.Enum))])
	case len(s.OneOf) > 0:
		i := g.r.IntN(len(s.OneOf))
		v := g.value(s.OneOf[i].Value, depth)
		if m, ok := v.(map[string]any); ok && s.Discriminator != nil {
			d := s.Discriminator
			for name, ref := range d.Mapping {
				if ref.Ref == s.OneOf[i].Ref || "#/components/schemas/"+ref.Ref == s.OneOf[i].Ref {
					m[d.PropertyName] = name
				}
			}
		}
		return v
	case len(s.AnyOf) > 0:
		return g.value(s.AnyOf[g.r.IntN(len(s.AnyOf))].Value, depth)
	case len(s.AllOf) > 0:
		merged := map[string]any{}
		for _, sub := range s.AllOf {
			if m, ok := g.value(sub.Value, depth).(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
		if s.Type.Is(openapi3.TypeObject) || len(s.Properties) > 0 {
			for k, v := range g.object(s, depth).(map[string]any) {
				merged[k] = v
			}
		}
		return merged
	case s.Example != nil && g.chance(0.3):
		return toDecoded(s.Example)
	}
	switch {
	case s.Type.Is(openapi3.TypeString):
		return g.str(s)
	case s.Type.Is(openapi3.TypeInteger):
		return g.number(s, true)
	case s.Type.Is(openapi3.TypeNumber):
		return g.number(s, false)
	case s.Type.Is(openapi3.TypeBoolean):
		return g.chance(0.5)
	case s.Type.Is(openapi3.TypeArray):
		n := int(s.MinItems) + g.r.IntN(3)
		if s.MaxItems != nil && uint64(n) > *s.MaxItems {
			n = int(*s.MaxItems)
		}
		if depth <= 0 {
			n = int(s.MinItems)
		}
		items := []any{}
		for range n {
			var item any
			if s.Items != nil {
				item = g.value(s.Items.Value, depth-1)
			} else {
				item = g.scalar()
			}
			items = append(items, item)
		}
		return items
	}
	return g.object(s, depth)
}

// broken returns a value that breaks one keyword of s, or has the wrong type.
func (g *bodyGen) broken(s *openapi3.Schema, depth int) any {
	num := func(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'g', -1, 64)) }
	var options []any
	if s.Min != nil {
		options = append(options, num(*s.Min-1), num(*s.Min), num(*s.Min-0.5))
	}
	if s.Max != nil {
		options = append(options, num(*s.Max+1), num(*s.Max), num(*s.Max+0.25))
	}
	if m := s.MultipleOf; m != nil {
		options = append(options, num(*m*3), num(*m*2.5), num(*m*1e17+*m/2), num(-*m*7))
	}
	if s.Type.Is(openapi3.TypeInteger) {
		options = append(options, json.Number("7.5"), json.Number("1e2"), json.Number("-0"), json.Number("3.0"))
	}
	if s.Type.Is(openapi3.TypeString) {
		v := g.str(s)
		options = append(options, v+"!", "!"+v, strings.Repeat("x", int(s.MinLength)), v+v+v, "", "é"+v)
		if s.MinLength > 0 {
			options = append(options, strings.Repeat("é", int(s.MinLength)-1))
		}
		if s.MaxLength != nil {
			options = append(options, strings.Repeat("😀", int(*s.MaxLength)), strings.Repeat("a", int(*s.MaxLength)+1))
		}
	}
	if s.Type.Is(openapi3.TypeArray) {
		if a, ok := g.value(&openapi3.Schema{Type: s.Type, Items: s.Items, MinItems: s.MinItems + 1}, depth).([]any); ok && len(a) > 0 {
			options = append(options, append(a, a[0]), a[1:])
			if s.MaxItems != nil {
				for uint64(len(a)) <= *s.MaxItems && len(a) < 40 {
					a = append(a, a[0])
				}
				options = append(options, a)
			}
		}
	}
	if s.Type.Is(openapi3.TypeObject) || len(s.Properties) > 0 {
		if m, ok := g.object(s, depth).(map[string]any); ok {
			m2 := map[string]any{}
			for k, v := range m {
				m2[k] = v
			}
			m2["zz"+strconv.Itoa(g.r.IntN(3))] = g.pick()
			options = append(options, m2, map[string]any{})
		}
	}
	if s.Not != nil {
		options = append(options, g.value(s.Not.Value, depth))
	}
	for _, sub := range slices.Concat(s.OneOf, s.AnyOf, s.AllOf) {
		options = append(options, g.value(sub.Value, depth))
	}
	options = append(options, g.pick())
	return options[g.r.IntN(len(options))]
}

func (g *bodyGen) object(s *openapi3.Schema, depth int) any {
	m := map[string]any{}
	for _, k := range slices.Sorted(mapKeys(s.Properties)) {
		if !slices.Contains(s.Required, k) && (depth <= 0 || g.chance(0.4)) {
			continue
		}
		m[k] = g.value(s.Properties[k].Value, depth-1)
	}
	for _, k := range s.Required {
		if _, ok := m[k]; !ok {
			m[k] = g.scalar()
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil && g.chance(0.5) {
		m["extra"+strconv.Itoa(g.r.IntN(3))] = g.value(ap.Value, depth-1)
	}
	return m
}

func (g *bodyGen) scalar() any {
	switch g.r.IntN(5) {
	case 0:
		return "s"
	case 1:
		return json.Number(strconv.Itoa(g.r.IntN(100)))
	case 2:
		return g.chance(0.5)
	case 3:
		return map[string]any{"k": "v"}
	}
	return []any{json.Number("1")}
}

func (g *bodyGen) str(s *openapi3.Schema) string {
	var v string
	switch {
	case s.Pattern != "":
		v = g.fromPattern(s.Pattern)
	default:
		switch s.Format {
		case "date-time":
			v = "2024-06-11T09:36:24Z"
		case "date":
			v = "2024-02-29"
		case "ipv4":
			v = fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256))
		case "ipv6":
			v = "fe80::" + strconv.FormatInt(int64(g.r.IntN(65536)), 16)
		case "byte":
			v = "aGVsbG8="
		default:
			v = []string{"a", "default", "x-y_z", "é€😀", "3000"}[g.r.IntN(5)]
		}
	}
	for uint64(utf8.RuneCountInString(v)) < s.MinLength {
		v += "a"
	}
	if s.MaxLength != nil && uint64(utf8.RuneCountInString(v)) > *s.MaxLength {
		v = string([]rune(v)[:*s.MaxLength])
	}
	return v
}

// fromPattern returns a string matching the pattern (Go syntax, as kin-openapi compiles it).
func (g *bodyGen) fromPattern(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "x"
	}
	var b strings.Builder
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			b.WriteString(string(re.Rune))
		case syntax.OpCharClass:
			if len(re.Rune) >= 2 {
				i := g.r.IntN(len(re.Rune)/2) * 2
				lo, hi := re.Rune[i], re.Rune[i+1]
				if hi-lo > 200 {
					hi = lo + 200
				}
				b.WriteRune(lo + rune(g.r.IntN(int(hi-lo)+1)))
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('a')
		case syntax.OpCapture:
			walk(re.Sub[0])
		case syntax.OpConcat:
			for _, sub := range re.Sub {
				walk(sub)
			}
		case syntax.OpAlternate:
			walk(re.Sub[g.r.IntN(len(re.Sub))])
		case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
			lo, hi := 0, 3
			switch re.Op {
			case syntax.OpPlus:
				lo = 1
			case syntax.OpQuest:
				hi = 1
			case syntax.OpRepeat:
				lo, hi = re.Min, re.Max
				if hi < 0 {
					hi = lo + 2
				}
			}
			for range lo + g.r.IntN(hi-lo+1) {
				walk(re.Sub[0])
			}
		}
	}
	walk(re)
	return b.String()
}

func (g *bodyGen) number(s *openapi3.Schema, integer bool) json.Number {
	lo, hi := -50.0, 1000.0
	if s.Min != nil {
		lo = *s.Min
	}
	if s.Max != nil {
		hi = *s.Max
	}
	if hi < lo {
		hi = lo
	}
	v := lo + g.r.Float64()*(hi-lo)
	if m := s.MultipleOf; m != nil && *m > 0 {
		v = float64(int64(v / *m)) * *m
	}
	if integer || g.chance(0.5) {
		v = float64(int64(v))
		if s.ExclusiveMin.IsTrue() && s.Min != nil && v <= *s.Min {
			v = *s.Min + 1
			if m := s.MultipleOf; m != nil && *m >= 1 {
				v = *s.Min + *m
			}
		}
		return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
	}
	return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
}

// toDecoded turns a value of the loaded spec (float64 numbers) into what encoding/json with
// UseNumber decodes.
func toDecoded(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return decodeNumber(data)
}

func decodeNumber(data []byte) any {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var out any
	if dec.Decode(&out) != nil {
		return nil
	}
	return out
}

// wrongValues replace a value to break its schema in the usual ways.
var wrongValues = []any{
	nil, true, false, "", "x", "accepted ", "true", "256.1.1.1", "::1", "1.2.3.4", "2024-13-01T00:00:00Z",
	json.Number("0"), json.Number("-0"), json.Number("1e2"), json.Number("1.5"), json.Number("-1"),
	json.Number("2147483648"), json.Number("-2147483649"), json.Number("9223372036854775808"),
	json.Number("1e400"), json.Number("-1e400"), json.Number("1e-400"), json.Number("0.1"), json.Number("13"),
	json.Number("100000000000000000000"), json.Number("2.5"), json.Number("1.0"),
	[]any{}, []any{"a", "a"}, []any{json.Number("1"), json.Number("1.0")}, map[string]any{}, map[string]any{"a": json.Number("1")},
	[]any{map[string]any{}}, "é€😀", strings.Repeat("a", 40),
}

// mutate returns v with one change somewhere: a member dropped or added, or a value replaced.
func (g *bodyGen) mutate(v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := slices.Sorted(mapKeys(x))
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = e
		}
		switch {
		case len(keys) == 0 || g.chance(0.15):
			m[[]string{"zz", "unknown", "Id", "id ", "", "a"}[g.r.IntN(6)]] = g.pick()
		case g.chance(0.25):
			delete(m, keys[g.r.IntN(len(keys))])
		default:
			k := keys[g.r.IntN(len(keys))]
			m[k] = g.mutate(m[k])
		}
		return m
	case []any:
		s := slices.Clone(x)
		switch {
		case len(s) == 0 || g.chance(0.15):
			s = append(s, g.pick())
		case g.chance(0.2):
			s = append(s, s[g.r.IntN(len(s))])
		case g.chance(0.1):
			s = s[:len(s)-1]
		default:
			i := g.r.IntN(len(s))
			s[i] = g.mutate(s[i])
		}
		return s
	}
	return g.pick()
}

func (g *bodyGen) pick() any { return wrongValues[g.r.IntN(len(wrongValues))] }

// encode writes v as JSON, taking liberties at random: members in any order, escaped
// characters, duplicate keys (with the last value of the decoded map last), white space.
func (g *bodyGen) encode(dst []byte, v any, wild bool) []byte {
	ws := func() {
		if wild && g.chance(0.05) {
			dst = append(dst, " \n\t\r"[g.r.IntN(4)])
		}
	}
	ws()
	switch x := v.(type) {
	case nil:
		dst = append(dst, "null"...)
	case bool:
		dst = strconv.AppendBool(dst, x)
	case json.Number:
		dst = append(dst, x...)
	case string:
		dst = g.str2json(dst, x, wild)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = g.encode(dst, e, wild)
		}
		ws()
		dst = append(dst, ']')
	case map[string]any:
		keys := slices.Sorted(mapKeys(x))
		if wild || g.chance(0.5) {
			g.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		}
		dst = append(dst, '{')
		first := true
		member := func(k string, e any) {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			ws()
			dst = g.str2json(dst, k, wild)
			ws()
			dst = append(dst, ':')
			dst = g.encode(dst, e, wild)
		}
		for _, k := range keys {
			if wild && g.chance(0.05) {
				member(k, g.pick()) // overridden by the member that follows
			}
			member(k, x[k])
		}
		ws()
		dst = append(dst, '}')
	default:
		panic(fmt.Sprintf("encode: %T", v))
	}
	ws()
	return dst
}

func (g *bodyGen) str2json(dst []byte, s string, wild bool) []byte {
	if !wild || !g.chance(0.2) {
		b, _ := json.Marshal(s)
		return append(dst, b...)
	}
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r < 0x20 || g.chance(0.3):
			if r > 0xffff {
				r1, r2 := utf16Pair(r)
				dst = fmt.Appendf(dst, `\u%04x\u%04X`, r1, r2)
			} else {
				dst = fmt.Appendf(dst, `\u%04x`, r)
			}
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	switch g.r.IntN(8) {
	case 0:
		dst = append(dst, `\ud800`...) // lone surrogate
	case 1:
		dst = append(dst, 0xff) // invalid UTF-8
	case 2:
		dst = append(dst, `\/\b\f\n\r\t`...)
	case 3:
		dst = append(dst, `\udc00\ud83d\ude00`...)
	}
	return append(dst, '"')
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + r>>10&0x3ff, 0xdc00 + r&0x3ff
}

// breakBytes damages an encoded body: cut short, data after it, a byte changed, deep nesting.
func (g *bodyGen) breakBytes(b []byte) []byte {
	b = slices.Clone(b)
	switch g.r.IntN(7) {
	case 0:
		if len(b) > 0 {
			return b[:g.r.IntN(len(b))]
		}
	case 1:
		return append(b, []string{"x", " {}", "\n", "1", "]", "\xef\xbb\xbf"}[g.r.IntN(6)]...)
	case 2:
		if len(b) > 0 {
			const junk = "{}[]\",:0-etx\\\x00\x80 "
			b[g.r.IntN(len(b))] = junk[g.r.IntN(len(junk))]
		}
	case 3:
		// encoding/json's limit is 10000 levels: past it, a decoding error. A valid value that
		// deep is left to the unit tests: where a oneOf applies, kin-openapi takes seconds over
		// it (every alternative's error renders the value).
		if g.chance(0.5) {
			n := 300 + g.r.IntN(3)
			return []byte(`{"zz":` + strings.Repeat("[", n) + strings.Repeat("]", n) + "}")
		}
		n := 10000 + g.r.IntN(3)
		return []byte(strings.Repeat("[", n) + strings.Repeat("{\"a\":", 1) + strings.Repeat("]", n))
	case 4:
		return append([]byte("\xef\xbb\xbf"), b...)
	case 5:
		return []byte(strings.Replace(string(b), ":", ": {\"a\":[", 1) + "]}")
	}
	return append([]byte(" "), b...)
}

// bodies returns n bodies for s built from seed, from valid to broken.
func (g *bodyGen) bodies(s *openapi3.Schema, examples []any, n int) [][]byte {
	var out [][]byte
	for _, ex := range examples {
		v := toDecoded(ex)
		out = append(out, g.encode(nil, v, false), g.encode(nil, v, true))
	}
	for len(out) < n {
		var v any
		if len(examples) > 0 && g.chance(0.3) {
			v = toDecoded(examples[g.r.IntN(len(examples))])
		} else {
			g.breakP = []float64{0, 0.02, 0.1}[g.r.IntN(3)]
			v = g.value(s, 4)
			g.breakP = 0
		}
		for range g.r.IntN(3) {
			v = g.mutate(v)
		}
		b := g.encode(nil, v, g.chance(0.5))
		if g.chance(0.1) {
			b = g.breakBytes(b)
		}
		out = append(out, b)
	}
	return out
}
