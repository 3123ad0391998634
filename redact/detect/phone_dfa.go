package detect

import (
	"math/bits"
	"regexp/syntax"
	"slices"
)

// digitDFA decides whether a string of ASCII digits matches an anchored regular expression
// (^(?:…)$), as Go's regexp would, with one table lookup per digit. libphonenumber describes every
// number type of a region with such an expression; phone validation runs several of them per
// candidate, and Go's regexp spent hundreds of nanoseconds on each. The automaton is built from the
// compiled program of the expression by the subset construction, over the ten digits only: it must
// only be asked about digits (national significant numbers hold nothing else), and it rejects
// anything else.
type digitDFA struct {
	next   [][10]int32 // next[s][d]: the state after digit d in state s; dfaDead for no match
	accept []bool      // accept[s]: the input may end in state s
}

const (
	dfaDead  = -1
	dfaStart = 0
	// dfaMaxStates bounds an automaton; a larger one is not built (the caller keeps the regexp).
	dfaMaxStates = 4096
)

// newDigitDFA builds the automaton of the anchored expression expr, or returns nil when expr uses
// something the construction does not handle or its automaton grows too large.
func newDigitDFA(expr string) *digitDFA {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	b := dfaBuilder{prog: prog, ids: map[string]int32{}, d: &digitDFA{}}
	// The empty-width assertions hold or fail by position: at the first digit (after the start of
	// the text), between two digits, and after the last digit (the end of the text).
	b.ctxFirst = syntax.EmptyOpContext(-1, '0')
	b.ctxMid = syntax.EmptyOpContext('0', '0')
	b.ctxEnd = syntax.EmptyOpContext('0', -1)
	// State 0 is the start: the program's entry before the first digit; its closure is taken in
	// the first-digit context. Every other state is a set of program counters reached after a digit.
	b.add(nil, true)
	for s := 0; s < len(b.sets); s++ {
		if !b.ok || len(b.sets) > dfaMaxStates {
			return nil
		}
		b.expand(int32(s))
	}
	if !b.ok {
		return nil
	}
	return b.d
}

// dfaBuilder holds the subset construction in progress.
type dfaBuilder struct {
	prog             *syntax.Prog
	ctxFirst, ctxMid syntax.EmptyOp
	ctxEnd           syntax.EmptyOp
	sets             [][]uint32 // program counters of each state (nil for the start)
	ids              map[string]int32
	d                *digitDFA
	ok               bool

	// Scratch space of closure, reused: seen[pc] == gen marks pc as visited in this closure.
	seen  []uint32
	gen   uint32
	stack []uint32
	key   []byte
	masks []uint16 // per instruction: the digits it consumes, with dfaMaskKnown once computed
	live  []uint32 // closure's result (valid until the next call)
	outs  [10][]uint32
}

// add registers the state for the set pcs (start for the start state) and returns its id.
func (b *dfaBuilder) add(pcs []uint32, start bool) int32 {
	if start {
		b.ok = true
		b.sets = append(b.sets, nil)
		b.d.next = append(b.d.next, [10]int32{})
		b.d.accept = append(b.d.accept, false) // an empty number is never checked
		return dfaStart
	}
	b.key = b.key[:0]
	for _, pc := range pcs {
		b.key = append(b.key, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	if id, ok := b.ids[string(b.key)]; ok {
		return id
	}
	id := int32(len(b.sets))
	b.ids[string(b.key)] = id
	b.sets = append(b.sets, slices.Clone(pcs))
	b.d.next = append(b.d.next, [10]int32{})
	b.d.accept = append(b.d.accept, b.matches(pcs, b.ctxEnd))
	return id
}

// expand computes the transitions of state s.
func (b *dfaBuilder) expand(s int32) {
	var live []uint32
	if s == dfaStart {
		live = b.closure([]uint32{uint32(b.prog.Start)}, b.ctxFirst)
	} else {
		live = b.closure(b.sets[s], b.ctxMid)
	}
	for d := range b.outs {
		b.outs[d] = b.outs[d][:0]
	}
	for _, pc := range live {
		for m := b.digits(pc); m != 0; m &= m - 1 {
			d := bits.TrailingZeros16(m)
			b.outs[d] = append(b.outs[d], b.prog.Inst[pc].Out)
		}
	}
	for d, out := range b.outs {
		if len(out) == 0 {
			b.d.next[s][d] = dfaDead
			continue
		}
		slices.Sort(out)
		b.d.next[s][d] = b.add(slices.Compact(out), false)
	}
}

// digits returns the set of digits (bit d for digit d) that instruction pc consumes.
func (b *dfaBuilder) digits(pc uint32) uint16 {
	if b.masks == nil {
		b.masks = make([]uint16, len(b.prog.Inst))
	}
	if m := b.masks[pc]; m != 0 {
		return m &^ dfaMaskKnown
	}
	var m uint16
	if in := &b.prog.Inst[pc]; in.Op != syntax.InstMatch {
		for d := range 10 {
			if in.MatchRune(rune('0' + d)) {
				m |= 1 << d
			}
		}
	}
	b.masks[pc] = m | dfaMaskKnown
	return m
}

// dfaMaskKnown marks a computed entry of dfaBuilder.masks.
const dfaMaskKnown = 1 << 15

// matches reports whether the program reaches its match instruction from pcs in context ctx.
func (b *dfaBuilder) matches(pcs []uint32, ctx syntax.EmptyOp) bool {
	for _, pc := range b.closure(pcs, ctx) {
		if b.prog.Inst[pc].Op == syntax.InstMatch {
			return true
		}
	}
	return false
}

// closure returns the instructions that consume a rune or match, reachable from pcs without
// consuming input, where the empty-width assertions in ctx hold.
func (b *dfaBuilder) closure(pcs []uint32, ctx syntax.EmptyOp) []uint32 {
	if b.seen == nil {
		b.seen = make([]uint32, len(b.prog.Inst))
	}
	b.gen++
	out := b.live[:0]
	stack := append(b.stack[:0], pcs...)
	defer func() { b.stack, b.live = stack, out }()
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b.seen[pc] == b.gen {
			continue
		}
		b.seen[pc] = b.gen
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg)&^ctx == 0 {
				stack = append(stack, in.Out)
			}
		case syntax.InstFail:
		case syntax.InstMatch, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			out = append(out, pc)
		default:
			b.ok = false
		}
	}
	slices.Sort(out)
	return out
}

// match reports whether nsn, a string of digits, matches the expression.
func (d *digitDFA) match(nsn []byte) bool {
	s := int32(dfaStart)
	for _, c := range nsn {
		if c < '0' || c > '9' {
			return false
		}
		if s = d.next[s][c-'0']; s == dfaDead {
			return false
		}
	}
	return d.accept[s]
}

// acceptLengths returns, per state, the lengths of the digit strings that lead from that state to
// an accepting one (bit k: some string of k digits does; lengths from 31 on are left out).
func (d *digitDFA) acceptLengths() []uint32 {
	ls := make([]uint32, len(d.next))
	// Bits only grow, and each pass adds at least one: the loop ends after at most 32 passes per
	// state (an automaton with cycles accepts strings of unbounded length).
	for changed := true; changed; {
		changed = false
		for s, row := range d.next {
			var m uint32
			if d.accept[s] {
				m = 1
			}
			for _, n := range row {
				if n != dfaDead {
					m |= ls[n] << 1
				}
			}
			if m != ls[s] {
				ls[s], changed = m, true
			}
		}
	}
	return ls
}
