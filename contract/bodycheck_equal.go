package contract

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"slices"
)

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

// eachLiveMember reads the object at pos and calls f, with pos at the value, for each live
// member (the last of equal keys) in name order, and the number of them, until f returns
// false. It leaves pos after the object.
func (c *checker) eachLiveMember(f func(key []byte, live int) bool) {
	memBase, arenaBase, orderBase := len(c.members), len(c.arena), len(c.order)
	depth := c.depth
	mems := c.scanMembers(nil)
	end := c.pos
	order := c.sortMembers(mems)
	c.depth = depth + 1
	for _, i := range order {
		c.pos = mems[i].val
		if !f(c.keyBytes(mems[i].key), len(order)) {
			break
		}
	}
	if len(order) == 0 {
		f(nil, 0)
	}
	c.depth = depth
	c.pos = end
	c.members, c.arena, c.order = c.members[:memBase], c.arena[:arenaBase], c.order[:orderBase]
}

// itemHash is an array item as uniqueItems compares it.
type itemHash struct {
	hash  uint64
	start int
}

var canonSeed = maphash.MakeSeed()

// hashValue reads the value at pos and returns the hash of its canonical form.
func (c *checker) hashValue() uint64 {
	c.canonBuf = c.canon(c.canonBuf[:0])
	return maphash.Bytes(canonSeed, c.canonBuf)
}

// uniqueItems reports whether no two items are equal as kin-openapi compares them: by their
// json.Marshal encoding once decoded (keys sorted, the last of equal keys, numbers as
// written, strings decoded). Items with equal hashes are compared by their canonical forms,
// which are equal exactly when those encodings are.
func (c *checker) uniqueItems(hs []itemHash) bool {
	if len(hs) < 2 {
		return true
	}
	slices.SortFunc(hs, func(a, b itemHash) int { return cmp.Compare(a.hash, b.hash) })
	save := c.pos
	defer func() { c.pos = save }()
	for i := range hs {
		for j := i + 1; j < len(hs) && hs[j].hash == hs[i].hash; j++ {
			c.pos = hs[i].start
			x := c.canon(nil)
			c.pos = hs[j].start
			if bytes.Equal(x, c.canon(nil)) {
				return false
			}
		}
	}
	return true
}

// canon appends to dst a canonical form of the value at pos, which it reads: one that two
// values share exactly when json.Marshal encodes their decodings alike.
func (c *checker) canon(dst []byte) []byte {
	b := c.valueStart()
	withLen := func(dst []byte, tag byte, s []byte) []byte {
		dst = append(dst, tag)
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		return append(dst, s...)
	}
	switch b {
	case 'n', 't', 'f':
		c.skip()
		return append(dst, b)
	case '"':
		return withLen(dst, '"', c.stringValue())
	case '[':
		dst = append(dst, '[')
		c.open()
		if c.next() == ']' {
			c.pos++
			c.depth--
			return append(dst, ']')
		}
		for {
			dst = c.canon(dst)
			if c.afterItem() {
				return append(dst, ']')
			}
		}
	case '{':
		dst = append(dst, '{')
		c.eachLiveMember(func(key []byte, live int) bool {
			if live > 0 {
				dst = withLen(dst, 'k', key)
				dst = c.canon(dst)
			}
			return true
		})
		return append(dst, '}')
	}
	start, end := c.num()
	return withLen(dst, '0', c.data[start:end])
}
