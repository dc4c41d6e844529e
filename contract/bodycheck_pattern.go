package contract

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// patternMatcher is a schema's pattern as kin-openapi applies it: Go's regexp, compiled from the
// pattern with kin-openapi's rewrite of \uXXXX, searched anywhere in the string (MatchString).
// Go's regexp takes some 700 ns for the spec's time-stamp pattern, which a page of 1,000
// connections checks 1,200 times; so a pattern is also compiled, when it can be, into a DFA
// over ASCII that answers the same in one step per byte. The DFA takes strings of ASCII
// only, and the patterns whose only assertions are ^ and $ without (?m) (\A and \z); other
// strings and patterns go to the regexp.
type patternMatcher struct {
	re  *regexp.Regexp
	dfa *asciiDFA // nil when the pattern has what the DFA does not do
}

// kinCodepoints is what kin-openapi rewrites in a pattern before compiling it
// (openapi3/schema_pattern.go): \u and four upper-case hexadecimal digits becomes \x{…}.
var kinCodepoints = regexp.MustCompile(`\\u([0-9A-F]{4})`)

func newPatternMatcher(pattern string) (*patternMatcher, error) {
	expr := kinCodepoints.ReplaceAllString(pattern, `\x{${1}}`)
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return &patternMatcher{re: re, dfa: buildDFA(expr)}, nil
}

// match reports whether s (valid UTF-8) holds a match of the pattern.
func (p *patternMatcher) match(s []byte) bool {
	if p.dfa != nil {
		if m, ok := p.dfa.match(s); ok {
			return m
		}
	}
	return p.re.Match(s)
}

// asciiDFA is the deterministic automaton of an unanchored search for a pattern, over the bytes
// below 0x80. Each state is a set of the pattern program's instructions; states are numbered
// from 0, the start state.
type asciiDFA struct {
	// next[state][b] is the state after b, with dfaMatched or dfaDead set when that state has
	// the flag, so that the search tests one word per byte.
	next  [][128]uint16
	flags []uint16
}

const (
	dfaMatched   = 1 << 15 // a match ends here: the search succeeds
	dfaDead      = 1 << 14 // no match can start or go on from here
	dfaAcceptEnd = 1 << 13 // a match ends here if the string ends here ($)
	dfaState     = 1<<13 - 1
)

// maxDFAStates bounds the automaton (and its table, 256 bytes a state); a pattern that needs
// more is left to the regexp.
const maxDFAStates = 1024

// maxDFAProg bounds the program a DFA is built from, which bounds the work of building it
// (states × 128 bytes × instructions).
const maxDFAProg = 400

// buildDFA compiles expr, as regexp.Compile does, into an asciiDFA, or returns nil.
func buildDFA(expr string) *asciiDFA {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil || len(prog.Inst) > maxDFAProg {
		return nil
	}
	for _, inst := range prog.Inst {
		switch inst.Op {
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(inst.Arg)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
				return nil // line and word assertions depend on the bytes around
			}
		case syntax.InstAlt, syntax.InstAltMatch, syntax.InstCapture, syntax.InstNop, syntax.InstMatch,
			syntax.InstFail, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		default:
			return nil
		}
	}
	b := &dfaBuilder{prog: prog, ids: map[string]int{}, seen: make([]bool, len(prog.Inst))}
	b.state(b.closure([]uint32{uint32(prog.Start)}, true), true)
	for s := 0; s < len(b.sets); s++ {
		for c := range 128 {
			var seeds []uint32
			for _, pc := range b.sets[s] {
				if consumes(&prog.Inst[pc], rune(c)) {
					seeds = append(seeds, prog.Inst[pc].Out)
				}
			}
			// The search may start a match at every position.
			seeds = append(seeds, uint32(prog.Start))
			id := b.state(b.closure(seeds, false), false)
			if id < 0 {
				return nil
			}
			b.dfa.next[s][c] = uint16(id)
		}
	}
	for s := range b.dfa.next {
		for c, id := range b.dfa.next[s] {
			b.dfa.next[s][c] = id | b.dfa.flags[id]&(dfaMatched|dfaDead)
		}
	}
	return &b.dfa
}

type dfaBuilder struct {
	prog *syntax.Prog
	ids  map[string]int
	sets [][]uint32
	seen []bool
	dfa  asciiDFA
}

// consumes reports whether the instruction at pc consumes r.
func consumes(inst *syntax.Inst, r rune) bool {
	switch inst.Op {
	case syntax.InstRune:
		return inst.MatchRune(r)
	case syntax.InstRune1:
		return r == inst.Rune[0]
	case syntax.InstRuneAny:
		return true
	case syntax.InstRuneAnyNotNL:
		return r != '\n'
	}
	return false
}

// closure follows the instructions that consume nothing from seeds and returns, sorted, the
// instructions reached that consume a rune, match, or wait for the end of the string. atStart
// says whether this is the start of the string (for ^).
func (b *dfaBuilder) closure(seeds []uint32, atStart bool) []uint32 {
	clear(b.seen)
	var out []uint32
	stack := slices.Clone(seeds)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b.seen[pc] {
			continue
		}
		b.seen[pc] = true
		inst := &b.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, inst.Arg, inst.Out)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, inst.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(inst.Arg)
			switch {
			case op&syntax.EmptyBeginText != 0 && !atStart:
			case op&syntax.EmptyEndText != 0:
				out = append(out, pc)
			default:
				stack = append(stack, inst.Out)
			}
		case syntax.InstFail:
		default:
			out = append(out, pc)
		}
	}
	slices.Sort(out)
	return out
}

// state returns the number of the state of set, adding it if it is new; -1 when there would be
// too many.
func (b *dfaBuilder) state(set []uint32, start bool) int {
	var key strings.Builder
	key.WriteString(strconv.FormatBool(start))
	for _, pc := range set {
		key.WriteByte(',')
		key.WriteString(strconv.FormatUint(uint64(pc), 10))
	}
	if id, ok := b.ids[key.String()]; ok {
		return id
	}
	if len(b.sets) == maxDFAStates {
		return -1
	}
	id := len(b.sets)
	b.ids[key.String()] = id
	b.sets = append(b.sets, set)
	b.dfa.next = append(b.dfa.next, [128]uint16{})
	var flags uint16
	alive := false
	var pending []uint32
	for _, pc := range set {
		switch b.prog.Inst[pc].Op {
		case syntax.InstMatch:
			flags |= dfaMatched
		case syntax.InstEmptyWidth:
			pending = append(pending, b.prog.Inst[pc].Out)
		default:
			alive = true
		}
	}
	if len(pending) > 0 && b.matchesAtEnd(pending, start) {
		flags |= dfaAcceptEnd
	}
	if !alive && flags == 0 && len(pending) == 0 {
		flags |= dfaDead
	}
	b.dfa.flags = append(b.dfa.flags, flags)
	return id
}

// matchesAtEnd reports whether a match is reached from seeds without consuming anything, at
// the end of the string (and at its start too when atStart).
func (b *dfaBuilder) matchesAtEnd(seeds []uint32, atStart bool) bool {
	clear(b.seen)
	stack := slices.Clone(seeds)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b.seen[pc] {
			continue
		}
		b.seen[pc] = true
		inst := &b.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstMatch:
			return true
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, inst.Arg, inst.Out)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, inst.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(inst.Arg)&syntax.EmptyBeginText == 0 || atStart {
				stack = append(stack, inst.Out)
			}
		}
	}
	return false
}

// match runs the automaton over s; ok is false when s has a byte it does not take (0x80 and
// above) before the answer is known.
func (d *asciiDFA) match(s []byte) (matched, ok bool) {
	if f := d.flags[0]; f&(dfaMatched|dfaDead) != 0 {
		return f&dfaMatched != 0, true
	}
	st := uint16(0)
	for _, c := range s {
		if c >= 0x80 {
			return false, false
		}
		st = d.next[st&dfaState][c]
		if st&(dfaMatched|dfaDead) != 0 {
			return st&dfaMatched != 0, true
		}
	}
	return d.flags[st]&dfaAcceptEnd != 0, true
}
