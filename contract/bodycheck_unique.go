package contract

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"slices"
)

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
