package contract

import (
	"encoding/json"
)

// enumSet is an enum, sorted by the kind of JSON value each entry can equal, as kin-openapi's
// equalJSONValues compares them: numbers by their float64 value, strings, booleans and null as
// they are, arrays and objects member by member.
type enumSet struct {
	rule      string
	null      bool
	bools     [2]bool // false, true
	strings   []string
	numbers   []float64
	composite []any // []any and map[string]any entries
}

func compileEnum(values []any, where string) (*enumSet, error) {
	allowed, _ := json.Marshal(values)
	e := &enumSet{rule: "value is not one of the allowed values " + string(allowed)}
	for _, v := range values {
		if !enumValueSupported(v) {
			return nil, refuse(where, "an enum entry of type %T", v)
		}
		if x, ok := enumNumber(v); ok {
			e.numbers = append(e.numbers, x)
			continue
		}
		switch v := v.(type) {
		case nil:
			e.null = true
		case bool:
			e.bools[b2i(v)] = true
		case string:
			e.strings = append(e.strings, v)
		default:
			e.composite = append(e.composite, v)
		}
	}
	return e, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// enumValueSupported reports whether v, from the loaded spec, is of a type the body check
// compares as kin-openapi does.
func enumValueSupported(v any) bool {
	if _, ok := enumNumber(v); ok {
		return true
	}
	switch v := v.(type) {
	case nil, bool, string:
		return true
	case []any:
		for _, e := range v {
			if !enumValueSupported(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range v {
			if !enumValueSupported(e) {
				return false
			}
		}
		return true
	}
	return false
}

// enumNumber is the float64 of an enum entry kin-openapi compares as a number.
func enumNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int8:
		return float64(v), true
	case int16:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint:
		return float64(v), true
	case uint8:
		return float64(v), true
	case uint16:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}

func (e *enumSet) hasString(s []byte) bool {
	for _, v := range e.strings {
		if v == string(s) {
			return true
		}
	}
	return false
}

func (e *enumSet) hasNumber(f float64) bool {
	for _, v := range e.numbers {
		if v == f {
			return true
		}
	}
	return false
}

// enumComposite reports whether the array or object at pos equals an array or object of the
// enum, as kin-openapi's equalJSONValues compares them; if not, it reports the enum problem and
// leaves pos after the value. If so, pos is left where it was, for the rest of the checks.
func (c *checker) enumComposite(e *enumSet) bool {
	start := c.pos
	c.skip()
	end := c.pos
	for _, v := range e.composite {
		c.pos = start
		if c.equalsEnum(v) {
			c.pos = start
			return true
		}
	}
	c.pos = end
	c.add("enum", e.rule)
	return false
}

// equalsEnum reads the value at pos and reports whether it equals a, an enum entry:
// numbers by their float64 value, arrays item by item, objects by their sets of keys and the
// values of the last of equal keys, anything else as it is.
func (c *checker) equalsEnum(a any) bool {
	b := c.valueStart()
	if x, ok := enumNumber(a); ok {
		if b != '-' && !isDigit(b) {
			c.skip()
			return false
		}
		f, err := parseNumber(c)
		return err == nil && f == x
	}
	switch a := a.(type) {
	case nil:
		c.skip()
		return b == 'n'
	case bool:
		c.skip()
		return b == 't' && a || b == 'f' && !a
	case string:
		if b != '"' {
			c.skip()
			return false
		}
		return string(c.stringValue()) == a
	case []any:
		if b != '[' {
			c.skip()
			return false
		}
		c.open()
		if c.next() == ']' {
			c.pos++
			c.depth--
			return len(a) == 0
		}
		eq, i := true, 0
		for {
			if eq && i < len(a) {
				eq = c.equalsEnum(a[i])
			} else {
				eq = false
				c.skip()
			}
			i++
			if c.afterItem() {
				return eq && i == len(a)
			}
		}
	case map[string]any:
		if b != '{' {
			c.skip()
			return false
		}
		eq := true
		c.eachLiveMember(func(key []byte, live int) bool {
			if live != len(a) {
				eq = false
				return false
			}
			v, ok := a[string(key)]
			eq = ok && c.equalsEnum(v)
			return eq
		})
		return eq
	}
	c.skip()
	return false
}
