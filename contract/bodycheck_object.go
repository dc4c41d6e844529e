package contract

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
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

// visitObject checks the object at pos. Its members are checked in the order of the bytes;
// when their problems, once duplicates are dropped, do not come in name order, the object is
// visited again in name order to record them (see checker).
func (c *checker) visitObject(r *objectRules) {
	if c.sorted {
		c.visitObjectSorted(r)
		return
	}
	m := c.mark()
	memBase, arenaBase, orderBase, bitsBase := len(c.members), len(c.arena), len(c.order), len(c.bits)
	depth := c.depth
	if c.firstKey() {
		for {
			key := c.readKey()
			c.colon()
			c.ws()
			mem := member{key: key, name: r.find(c.keyBytes(key)), val: c.pos}
			before := c.total
			c.memberValue(r, &mem)
			mem.count = c.total - before
			c.members = append(c.members, mem)
			if c.afterMember() {
				break
			}
		}
	}
	end := c.pos
	mems := c.members[memBase:]
	distinct := len(mems)
	var order []int32
	reorder := false
	if memberProblems := c.total - m.total; memberProblems > 0 || r.needDistinct {
		order = c.sortMembers(mems)
		distinct = len(order)
		if memberProblems > 0 {
			reorder = c.dropDead(mems, order)
		}
	}
	seen, nonNull := c.presence(r, mems)
	if reorder && c.collect {
		// Record the problems again, in kin-openapi's order, keeping the count.
		c.truncate(m)
		c.objectProblems(r, nonNull, distinct, -1)
		total, sorted := c.total, c.sorted
		c.sorted = true
		c.depth = depth + 1
		for _, i := range order {
			if mems[i].count > 0 {
				c.pos = mems[i].val
				c.memberValue(r, &mems[i])
			}
		}
		c.total, c.sorted, c.depth = total, sorted, depth
	} else {
		c.objectProblems(r, nonNull, distinct, m.at)
	}
	c.required(r, seen)
	c.pos = end
	c.members, c.arena, c.order, c.bits = c.members[:memBase], c.arena[:arenaBase], c.order[:orderBase], c.bits[:bitsBase]
}

// visitObjectSorted checks the object at pos (a value already scanned once) in kin-openapi's
// order: its members are found first, then checked in name order, the last of equal keys only.
func (c *checker) visitObjectSorted(r *objectRules) {
	memBase, arenaBase, orderBase, bitsBase := len(c.members), len(c.arena), len(c.order), len(c.bits)
	depth := c.depth
	if c.firstKey() {
		for {
			key := c.readKey()
			c.colon()
			c.ws()
			c.members = append(c.members, member{key: key, name: r.find(c.keyBytes(key)), val: c.pos})
			c.skip()
			if c.afterMember() {
				break
			}
		}
	}
	end := c.pos
	mems := c.members[memBase:]
	order := c.sortMembers(mems)
	seen, nonNull := c.presence(r, mems)
	c.objectProblems(r, nonNull, len(order), -1)
	c.depth = depth + 1
	for _, i := range order {
		c.pos = mems[i].val
		c.memberValue(r, &mems[i])
	}
	c.depth = depth
	c.required(r, seen)
	c.pos = end
	c.members, c.arena, c.order, c.bits = c.members[:memBase], c.arena[:arenaBase], c.order[:orderBase], c.bits[:bitsBase]
}

// find returns the index of key among the names r knows, -1 if none.
func (r *objectRules) find(key []byte) int32 {
	if i, ok := r.lookup[string(key)]; ok {
		return i
	}
	return -1
}

// memberValue checks the value of a member, at pos: against its property's schema, or
// additionalProperties.
func (c *checker) memberValue(r *objectRules, mem *member) {
	if mem.name >= 0 {
		if p := r.names[mem.name].node; p != nil {
			c.pushKey(mem.key)
			c.visitChild(p)
			c.pop()
			return
		}
	}
	if r.additionalAllowed {
		if r.additional == nil {
			c.skip()
			return
		}
		c.pushKey(mem.key)
		c.visitChild(r.additional)
		c.pop()
		return
	}
	c.skip()
	// kin-openapi reports it at the object's path.
	rule := ""
	if c.wants() {
		rule = "property " + strconv.Quote(string(c.keyBytes(mem.key))) + " is unsupported"
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

// presence returns which of r's names the object has (seen) and which of its writeOnly
// properties hold something other than null in their last occurrence.
func (c *checker) presence(r *objectRules, mems []member) (seen, nonNull []uint64) {
	words := (len(r.names) + 63) / 64
	base := len(c.bits)
	c.bits = slices.Grow(c.bits, 2*words)[:base+2*words]
	clear(c.bits[base:])
	seen, nonNull = c.bits[base:base+words], c.bits[base+words:]
	for _, m := range mems {
		if m.name < 0 {
			continue
		}
		seen[m.name/64] |= 1 << (m.name % 64)
		if r.names[m.name].writeOnly {
			if c.data[m.val] == 'n' {
				nonNull[m.name/64] &^= 1 << (m.name % 64)
			} else {
				nonNull[m.name/64] |= 1 << (m.name % 64)
			}
		}
	}
	return seen, nonNull
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
