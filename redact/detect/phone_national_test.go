package detect

import (
	"math/rand/v2"
	"testing"
)

// TestPhoneNationalIndex checks that the index of regions never leaves out a region in which a
// number is valid, on random numbers (trunk prefix or not) and on numbers valid in each region,
// and that it rules out the cases below.
func TestPhoneNationalIndex(t *testing.T) {
	t.Parallel()
	p := NewPhone(nil)
	if p.national == nil {
		t.Fatal("no index for the default regions")
	}
	bit := map[string]uint64{}
	for i, r := range p.regions {
		bit[r.code] = 1 << i
	}
	for _, tc := range []struct {
		desc, digits, region string
		want                 bool
	}{
		{desc: "Berlin number with the trunk prefix", digits: "03012345678", region: "DE", want: true},
		{desc: "French mobile with the trunk prefix", digits: "0612345678", region: "FR", want: true},
		{desc: "no trunk prefix where the region has one", digits: "3012345678", region: "DE", want: false},
		{desc: "a length the region has not", digits: "06123456789", region: "FR", want: false},
		{desc: "a start the general description has not", digits: "19216811", region: "DK", want: false},
		{desc: "Danish number", digits: "32123456", region: "DK", want: true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := p.nationalRegions([]byte(tc.digits))&bit[tc.region] != 0; got != tc.want {
				t.Errorf("%s in %s: %v, want %v", tc.digits, tc.region, got, tc.want)
			}
		})
	}
	r := rand.New(rand.NewPCG(9, 9))
	valid, ruledOut, n := 0, 0, 0
	check := func(d []byte) {
		n++
		m := p.nationalRegions(d)
		if m == 0 {
			ruledOut++
		}
		for i, reg := range p.regions {
			if phoneValidNationalIn(reg, d) {
				valid++
				if m&(1<<i) == 0 {
					t.Fatalf("%s is valid in %s, which the index leaves out", d, reg.code)
				}
			}
		}
	}
	for range 200000 {
		d := make([]byte, 7+r.IntN(phoneMaxDigits-6))
		for i := range d {
			d[i] = byte('0' + r.IntN(10))
		}
		if r.IntN(2) == 0 {
			d[0] = '0'
		}
		check(d)
	}
	t.Logf("%d numbers, %d valid in a region, %d ruled out in every region", n, valid, ruledOut)
}
