package contract

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// checker is the working state of one check: the scan, the problems, and the stacks the visit
// of nested values needs.
//
// Problems are counted in total, and recorded in buf in the order kin-openapi reports them, up
// to max. kin-openapi visits an object's members in sorted name order; the checker visits them
// in the order of the bytes, which gives the same problems (and the same count) but possibly
// in another order. An object whose members' problems did not come in name order is visited
// again from its recorded members, in name order, once its problems are counted (rebuild).
//
// Two more modes serve oneOf, anyOf, allOf and not: a verdict (collect off: problems are only
// counted, and the count restored afterwards) and the reasons of an alternative, which
// kin-openapi puts in the rule of a oneOf or allOf problem (reasons set: every problem's rule
// is appended to it, in order).
type checker struct {
	bc    *bodyCheck
	data  []byte
	pos   int
	depth int

	max     int
	buf     []Problem
	total   int
	collect bool
	reasons *[]string
	// sorted: objects are visited in name order from the start (a rebuild, or reasons).
	sorted bool

	path     []pathSeg
	members  []member
	order    []int32
	arena    []byte // decoded keys of members on the path that were not plain
	scratch  []byte // the decoding of the string value at hand
	hashes   []itemHash
	canonBuf []byte // the canonical form of an item, for its hash
	// chain lists the schemas the value at hand is visited through (not, oneOf, anyOf, allOf),
	// from chainBase on, as kin-openapi's visitedSchemas does; kept when bc.needChain only.
	chain     []*node
	chainBase int
	needChain bool
}

func (c *checker) reset(bc *bodyCheck, data []byte, max int) {
	c.bc, c.data, c.pos, c.depth = bc, data, 0, 0
	c.max, c.buf, c.total, c.collect, c.reasons, c.sorted = max, c.buf[:0], 0, max > 0, nil, false
	c.path, c.members, c.order, c.arena, c.scratch, c.hashes = c.path[:0], c.members[:0], c.order[:0], c.arena[:0], c.scratch[:0], c.hashes[:0]
	c.chain, c.chainBase, c.needChain = c.chain[:0], 0, bc.needChain
}

// pathSeg is one step of the path to the value at hand: an array index, or a member's key.
type pathSeg struct {
	index int // -1 for a key
	key   keyRef
}

// keyRef locates a member's key: in data when plain, else decoded in arena.
type keyRef struct {
	off, n  int
	inArena bool
}

func (c *checker) keyBytes(k keyRef) []byte {
	if k.inArena {
		return c.arena[k.off : k.off+k.n]
	}
	return c.data[k.off : k.off+k.n]
}

// readKey reads the key whose quote is at pos.
func (c *checker) readKey() keyRef {
	start, end, plain := c.str()
	if plain {
		return keyRef{off: start, n: end - start}
	}
	off := len(c.arena)
	c.arena = appendUnquoted(c.arena, c.data[start:end])
	return keyRef{off: off, n: len(c.arena) - off, inArena: true}
}

// wants reports whether a problem found now would be recorded, not only counted: its rule is
// then worth building.
func (c *checker) wants() bool {
	return c.reasons != nil || c.collect && len(c.buf) < c.max
}

// add counts a problem of the value at hand and records it if wanted.
func (c *checker) add(keyword, rule string) { c.insert(-1, keyword, rule, "", false) }

// addKey is add for a problem kin-openapi locates at a member of the value (a missing required
// property).
func (c *checker) addKey(keyword, rule, key string) { c.insert(-1, keyword, rule, key, true) }

// insert counts a problem and records it at index at of the problems (-1: at the end), where
// kin-openapi reports the problems of an array or object itself: before those of its items or
// members, which were found first. key is a last path segment, when hasKey.
func (c *checker) insert(at int, keyword, rule, key string, hasKey bool) {
	c.total++
	if c.reasons != nil {
		if at < 0 {
			at = len(*c.reasons)
		}
		*c.reasons = slices.Insert(*c.reasons, at, rule)
		return
	}
	if at < 0 {
		at = len(c.buf)
	}
	if !c.collect || at >= c.max {
		return
	}
	p := Problem{In: "body", Name: c.pathName(key, hasKey), Keyword: keyword, Rule: rule}
	c.buf = slices.Insert(c.buf, at, p)
	if len(c.buf) > c.max {
		c.buf[c.max] = Problem{}
		c.buf = c.buf[:c.max]
	}
}

// mark is where the problems of a value start, among those recorded.
type mark struct{ at int }

func (c *checker) mark() mark {
	if c.reasons != nil {
		return mark{len(*c.reasons)}
	}
	return mark{len(c.buf)}
}

// truncate drops the problems recorded since m (collect mode).
func (c *checker) truncate(m mark) {
	clear(c.buf[m.at:])
	c.buf = c.buf[:m.at]
}

// pathName renders the path to the value at hand, as contract renders kin-openapi's JSON
// pointer.
func (c *checker) pathName(key string, hasKey bool) string {
	segs := make([]string, 0, len(c.path)+1)
	for _, s := range c.path {
		if s.index >= 0 {
			segs = append(segs, strconv.Itoa(s.index))
		} else {
			segs = append(segs, string(c.keyBytes(s.key)))
		}
	}
	if hasKey {
		segs = append(segs, key)
	}
	return jsonPath(segs)
}

func (c *checker) pushKey(k keyRef) { c.path = append(c.path, pathSeg{index: -1, key: k}) }
func (c *checker) pushIndex(i int)  { c.path = append(c.path, pathSeg{index: i}) }
func (c *checker) pop()             { c.path = c.path[:len(c.path)-1] }

// formatRule is the reason kin-openapi gives when a format validator refuses a value of kind
// (string, number, integer) with err (schema_error.go, formatError).
func formatRule(kind, format string, err error) string {
	prefix := fmt.Sprintf("%s doesn't match the format %q", kind, format)
	reasons := errorReasons(nil, err)
	if len(reasons) == 0 {
		return fmt.Sprintf("%s (%v)", prefix, err)
	}
	return prefix + " (" + strings.Join(reasons, " | ") + ")"
}

// errorReasons appends the reasons of the outermost schema errors in err, as kin-openapi's
// schemaErrorReasons does.
func errorReasons(reasons []string, err error) []string {
	switch e := err.(type) { //nolint:errorlint // the levels of the tree, in kin-openapi's order
	case nil:
	case *openapi3.SchemaError:
		reasons = append(reasons, e.Reason)
	case openapi3.MultiError:
		for _, err := range e {
			reasons = errorReasons(reasons, err)
		}
	case interface{ Unwrap() error }:
		reasons = errorReasons(reasons, e.Unwrap())
	case interface{ Unwrap() []error }:
		for _, err := range e.Unwrap() {
			reasons = errorReasons(reasons, err)
		}
	}
	return reasons
}

// errIntegerRange is kin-openapi's complaint about an integer beyond int64 for an integer
// format (schema_formats.go, validateIntegerFormat).
var errIntegerRange = errors.New("value should be between -9223372036854775808 and 9223372036854775807")
