package detect

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestDigitDFA checks the digit automaton of every number description of every region against Go's
// regexp, on the metadata's example numbers, on variants of them (a digit changed, one cut, one
// added) and on random digit strings.
func TestDigitDFA(t *testing.T) {
	t.Parallel()
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	built, total, checked := 0, 0, 0
	for _, md := range coll.GetMetadata() {
		descs := []*phonenumbers.PhoneNumberDesc{md.GetGeneralDesc(), md.GetFixedLine(), md.GetMobile(),
			md.GetTollFree(), md.GetPremiumRate(), md.GetSharedCost(), md.GetVoip(),
			md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail()}
		var examples []string
		for _, d := range descs {
			if d != nil && d.GetExampleNumber() != "" {
				examples = append(examples, d.GetExampleNumber())
			}
		}
		for _, d := range descs {
			if d == nil || d.GetNationalNumberPattern() == "" {
				continue
			}
			expr := "^(?:" + d.GetNationalNumberPattern() + ")$"
			re := regexp.MustCompile(expr)
			dfa := newDigitDFA(expr)
			total++
			if dfa == nil {
				continue
			}
			built++
			check := func(s string) {
				checked++
				got := dfa.match([]byte(s))
				if want := re.MatchString(s); got != want {
					t.Fatalf("%s %s: %q: automaton %v, regexp %v", md.GetId(), expr, s, got, want)
				}
			}
			for _, ex := range examples {
				check(ex)
				for range 20 {
					b := []byte(ex)
					switch i := r.IntN(len(b)); r.IntN(3) {
					case 0:
						b[i] = byte('0' + r.IntN(10))
					case 1:
						b = append(b[:i], b[i+1:]...)
					default:
						b = append(b[:i], append([]byte{byte('0' + r.IntN(10))}, b[i:]...)...)
					}
					if len(b) > 0 {
						check(string(b))
					}
				}
			}
			for _, s := range []string{"", "+", "1a", "12 34", "١٢٣", "0x1F"} {
				if want := re.MatchString(s); want || dfa.match([]byte(s)) {
					t.Fatalf("%s %s: %q: automaton %v, regexp %v", md.GetId(), expr, s, dfa.match([]byte(s)), want)
				}
			}
			for range 50 {
				b := make([]byte, 1+r.IntN(17))
				for i := range b {
					b[i] = byte('0' + r.IntN(10))
				}
				check(string(b))
			}
		}
	}
	t.Logf("%d of %d descriptions have an automaton; %d strings checked", built, total, checked)
	if built < total*9/10 {
		t.Errorf("only %d of %d descriptions have an automaton", built, total)
	}
}

// TestDigitDFAAcceptLengths checks the lengths of the strings that an automaton accepts from its
// start state.
func TestDigitDFAAcceptLengths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, expr string
		want       uint32
	}{
		{desc: "a range of lengths", expr: `^(?:1\d{2,3})$`, want: 1<<3 | 1<<4},
		{desc: "alternatives", expr: `^(?:12|345|6789)$`, want: 1<<2 | 1<<3 | 1<<4},
		{desc: "unbounded", expr: `^(?:\d+)$`, want: ^uint32(1)},
		{desc: "optional tail", expr: `^(?:8\d{5}(?:\d{2,4})?)$`, want: 1<<6 | 1<<8 | 1<<9 | 1<<10},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			d := newDigitDFA(tc.expr)
			if d == nil {
				t.Fatalf("%s: no automaton", tc.expr)
			}
			if got := d.acceptLengths()[dfaStart]; got != tc.want {
				t.Errorf("%s: lengths %b, want %b", tc.expr, got, tc.want)
			}
		})
	}
}
