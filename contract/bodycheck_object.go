package contract

import (
	"bytes"
	"cmp"
	"slices"
)

// member is an object member met in the bytes.
type member struct {
	key  keyRef
	name int32 // index in objectRules.names, -1 for a name the schema does not know
	val  int   // where the value starts
	// count is the number of problems the value had (in the order of the bytes).
	count int
	// dead: a later member has the same key, and only the last one is in the decoded map.
	dead bool
}

// visitArray checks the array at pos: its items in order, then minItems, maxItems and
// uniqueItems, which kin-openapi reports before the items' problems.
func (c *checker) visitArray(r *arrayRules) {
	c.open()
	m := c.mark()
	hashBase := len(c.hashes)
	count := 0
	if c.next() == ']' {
		c.pos++
		c.depth--
	} else {
		for {
			c.pushIndex(count)
			start := c.pos
			if r.items != nil {
				c.visitChild(r.items)
			} else {
				c.skip()
			}
			if r.uniqueItems {
				end := c.pos
				c.pos = start
				c.hashes = append(c.hashes, itemHash{hash: c.hashValue(), start: start})
				c.pos = end
			}
			c.pop()
			count++
			if c.afterItem() {
				break
			}
		}
	}
	at := m.at
	if r.minItems != 0 && uint64(count) < r.minItems {
		c.insert(at, "minItems", r.minRule, "", false)
		at++
	}
	if r.maxItems != nil && uint64(count) > *r.maxItems {
		c.insert(at, "maxItems", r.maxRule, "", false)
		at++
	}
	if r.uniqueItems && !c.uniqueItems(c.hashes[hashBase:]) {
		c.insert(at, "uniqueItems", "duplicate items found", "", false)
	}
	c.hashes = c.hashes[:hashBase]
}

// visitObject checks the object at pos. Its members are checked in the order of the bytes,
// keeping nothing of them until one has problems; from that one on, each member is recorded,
// so that in the end the problems of duplicates can be dropped (only the last of equal keys is
// in the decoded map) and, when the problems recorded did not come in name order, those
// members can be visited again in name order to record them (see checker). (A member before
// the first with problems has none: whether it is a duplicate changes nothing.)
func (c *checker) visitObject(r *objectRules) {
	if c.sorted {
		c.visitObjectSorted(r)
		return
	}
	depth := c.depth
	m := c.mark()
	memBase, arenaBase, orderBase := len(c.members), len(c.arena), len(c.order)
	recording := r.needDistinct // minProperties and maxProperties count distinct keys
	seen, nonNull := newPresence(r)
	if c.firstKey() {
		for {
			key, name := c.key(r)
			c.colon()
			c.ws()
			val, before := c.pos, c.total
			c.memberValue(r, name, key)
			if name >= 0 {
				seen[name/64] |= 1 << (name % 64)
				if r.writeOnly {
					setNonNull(nonNull, name, c.data[val] != 'n')
				}
			}
			n := c.total - before
			if recording = recording || n > 0; recording {
				c.members = append(c.members, member{key: key, name: name, val: val, count: n})
			}
			if c.afterMember() {
				break
			}
		}
	}
	end := c.pos
	distinct := 0
	if mems := c.members[memBase:]; len(mems) > 0 {
		order := c.sortMembers(mems)
		distinct = len(order)
		// (Nothing of the object is recorded when the problems before it filled max.)
		if c.dropDead(mems, order) && c.collect && m.at < c.max {
			// Record the problems again, in kin-openapi's order, keeping the count.
			c.truncate(m)
			c.objectProblems(r, nonNull, distinct, -1)
			total, sorted := c.total, c.sorted
			c.sorted = true
			c.depth = depth + 1
			for _, i := range order {
				if mems[i].count > 0 {
					c.pos = mems[i].val
					c.memberValue(r, mems[i].name, mems[i].key)
				}
			}
			c.total, c.sorted, c.depth = total, sorted, depth
			c.required(r, seen)
			c.pos = end
			c.members, c.arena, c.order = c.members[:memBase], c.arena[:arenaBase], c.order[:orderBase]
			return
		}
	}
	c.objectProblems(r, nonNull, distinct, m.at)
	c.required(r, seen)
	c.pos = end
	c.members, c.arena, c.order = c.members[:memBase], c.arena[:arenaBase], c.order[:orderBase]
}

// visitObjectSorted checks the object at pos (a value already scanned once) in kin-openapi's
// order: its members are found first, then checked in name order, the last of equal keys only.
func (c *checker) visitObjectSorted(r *objectRules) {
	depth := c.depth
	memBase, arenaBase, orderBase := len(c.members), len(c.arena), len(c.order)
	mems := c.scanMembers(r)
	end := c.pos
	order := c.sortMembers(mems)
	seen, nonNull := newPresence(r)
	for _, m := range mems {
		if m.name >= 0 {
			seen[m.name/64] |= 1 << (m.name % 64)
			setNonNull(nonNull, m.name, c.data[m.val] != 'n')
		}
	}
	c.objectProblems(r, nonNull, len(order), -1)
	c.depth = depth + 1
	for _, i := range order {
		c.pos = mems[i].val
		c.memberValue(r, mems[i].name, mems[i].key)
	}
	c.depth = depth
	c.required(r, seen)
	c.pos = end
	c.members, c.arena, c.order = c.members[:memBase], c.arena[:arenaBase], c.order[:orderBase]
}

// scanMembers reads the object at pos (checking its syntax only) and returns its members, in
// the order of the bytes, appended to c.members (the caller truncates it).
func (c *checker) scanMembers(r *objectRules) []member {
	base := len(c.members)
	if c.firstKey() {
		for {
			var key keyRef
			name := int32(-1)
			if r != nil {
				key, name = c.key(r)
			} else {
				key = c.readKey()
			}
			c.colon()
			c.ws()
			c.members = append(c.members, member{key: key, name: name, val: c.pos})
			c.skip()
			if c.afterMember() {
				break
			}
		}
	}
	return c.members[base:]
}

// newPresence returns the sets of r's names an object has (seen) and of its writeOnly
// properties that hold something other than null in their last occurrence.
func newPresence(r *objectRules) (seen, nonNull []uint64) {
	words := (len(r.names) + 63) / 64
	if words <= 1 {
		var small [2]uint64
		return small[0:1:1], small[1:2:2]
	}
	bits := make([]uint64, 2*words)
	return bits[:words:words], bits[words:]
}

func setNonNull(bits []uint64, i int32, v bool) {
	if v {
		bits[i/64] |= 1 << (i % 64)
	} else {
		bits[i/64] &^= 1 << (i % 64)
	}
}

// key reads the key whose quote is at pos and returns it with its index among r's names (-1
// if none). A name r knows is first looked for in the bytes, by the key's first byte: most
// keys are names of the schema, written plainly.
func (c *checker) key(r *objectRules) (keyRef, int32) {
	d, p := c.data, c.pos+1
	if p < len(d) && d[p] < 0x80 {
		for _, i := range r.byFirst[d[p]] {
			name := r.names[i].name
			if e := p + len(name); e < len(d) && d[e] == '"' && string(d[p:e]) == name {
				c.pos = e + 1
				return keyRef{off: p, n: len(name)}, i
			}
		}
	}
	key := c.readKey()
	return key, r.find(c.keyBytes(key))
}

// find returns the index of key among the names r knows, -1 if none. The names are bucketed
// by length, a handful at most in a bucket of an object schema's names: comparing a few
// strings costs less than hashing the key for a map.
func (r *objectRules) find(key []byte) int32 {
	if len(key) >= len(r.byLen) {
		if r.lookup == nil {
			return -1
		}
		if i, ok := r.lookup[string(key)]; ok {
			return i
		}
		return -1
	}
	for _, i := range r.byLen[len(key)] {
		if r.names[i].name == string(key) {
			return i
		}
	}
	return -1
}

// memberValue checks the value of a member (its index among r's names, or -1), at pos: against
// its property's schema, or additionalProperties.
func (c *checker) memberValue(r *objectRules, name int32, key keyRef) {
	if name >= 0 {
		if p := r.names[name].node; p != nil {
			c.pushKey(key)
			if p.plainString && c.next() == '"' {
				s := c.stringValue()
				if p.enum == nil || p.enum.hasString(s) {
					c.checkString(p.str, s)
				} else {
					c.add("enum", p.enum.rule)
				}
			} else {
				c.visitChild(p)
			}
			c.pop()
			return
		}
	}
	if r.additionalAllowed {
		if r.additional == nil {
			c.skip()
			return
		}
		c.pushKey(key)
		c.visitChild(r.additional)
		c.pop()
		return
	}
	c.skip()
	// kin-openapi reports it at the object's path.
	rule := ""
	if c.wants() {
		rule = unsupportedRule(string(c.keyBytes(key)))
	}
	c.add("properties", rule)
}

// sortMembers returns the indices of the live members (the last of equal keys) in name order,
// and marks the others dead.
func (c *checker) sortMembers(mems []member) []int32 {
	base := len(c.order)
	for i := range mems {
		c.order = append(c.order, int32(i))
	}
	order := c.order[base:]
	slices.SortFunc(order, func(a, b int32) int {
		if x := bytes.Compare(c.keyBytes(mems[a].key), c.keyBytes(mems[b].key)); x != 0 {
			return x
		}
		return cmp.Compare(a, b)
	})
	w := 0
	for i, m := range order {
		if i+1 < len(order) && bytes.Equal(c.keyBytes(mems[m].key), c.keyBytes(mems[order[i+1]].key)) {
			mems[m].dead = true
			continue
		}
		order[w] = m
		w++
	}
	c.order = c.order[:base+w]
	return order[:w]
}

// dropDead takes the problems of dead members out of the count, and reports whether the
// problems recorded (in the order of the bytes) are not in kin-openapi's: some came from a dead
// member, or the live members with problems are not in name order.
func (c *checker) dropDead(mems []member, order []int32) bool {
	reorder := false
	for i := range mems {
		if mems[i].dead && mems[i].count > 0 {
			c.total -= mems[i].count
			reorder = true
		}
	}
	last := int32(-1)
	for _, i := range order {
		if mems[i].count > 0 {
			if i < last {
				reorder = true
			}
			last = i
		}
	}
	return reorder
}

func hasBit(bits []uint64, i int32) bool { return bits[i/64]&(1<<(i%64)) != 0 }

// objectProblems reports what kin-openapi reports of an object before its members' problems:
// writeOnly properties (in name order), minProperties and maxProperties, recorded from index at
// on (-1: at the end).
func (c *checker) objectProblems(r *objectRules, nonNull []uint64, distinct int, at int) {
	next := func() int {
		if at < 0 {
			return -1
		}
		at++
		return at - 1
	}
	if r.writeOnly {
		for _, i := range r.props {
			if p := &r.names[i]; p.writeOnly && hasBit(nonNull, i) {
				c.insert(next(), "writeOnly", p.writeOnlyRule, p.name, true)
			}
		}
	}
	if r.minProps != 0 && uint64(distinct) < r.minProps {
		c.insert(next(), "minProperties", r.minRule, "", false)
	}
	if r.maxProps != nil && uint64(distinct) > *r.maxProps {
		c.insert(next(), "maxProperties", r.maxRule, "", false)
	}
}

// required reports the required properties the object lacks, but those declared writeOnly by
// a schema the object is visited through.
func (c *checker) required(r *objectRules, seen []uint64) {
	for _, i := range r.required {
		if hasBit(seen, i) {
			continue
		}
		p := &r.names[i]
		if p.writeOnly || c.excused(p.name) {
			continue
		}
		c.addKey("required", p.requiredRule, p.name)
	}
}

// excused reports whether a schema of the chain the value is visited through (or one of their
// allOf subschemas) declares the property name writeOnly.
func (c *checker) excused(name string) bool {
	if !c.needChain {
		return false
	}
	for _, n := range c.chain[c.chainBase:] {
		if n.woDeclared[name] {
			return true
		}
	}
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
