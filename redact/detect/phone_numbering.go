package detect

import (
	"bytes"
	"regexp"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// phoneCountry is what validation needs to know about a calling code.
type phoneCountry struct {
	cc      int32
	region  string // main region, "001" for non-geographic codes
	prefix  string // national (trunk) prefix, "" where there is none
	lengths uint32 // bit n set: a national significant number may have n digits

	mds   []*phonenumbers.PhoneMetadata // every region sharing the code
	once  sync.Once
	descs map[string]*phoneDescs // by region id, compiled on first use
	list  []*phoneDescs          // the same, in metadata order, for validating in any region
}

// phoneCountries maps calling codes to their metadata, built once from the library's tables.
var phoneCountries = sync.OnceValue(func() map[int32]*phoneCountry {
	m := make(map[int32]*phoneCountry)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return m
	}
	for _, md := range coll.GetMetadata() {
		cc := md.GetCountryCode()
		c := m[cc]
		if c == nil {
			c = &phoneCountry{cc: cc, region: phonenumbers.GetRegionCodeForCountryCode(int(cc))}
			m[cc] = c
		}
		c.mds = append(c.mds, md)
		if md.GetId() == c.region || c.region == "001" {
			c.prefix = md.GetNationalPrefix()
		}
		c.lengths |= phoneLengths(md.GetGeneralDesc(), ^uint32(0))
	}
	return m
})

// phoneCountryByCode indexes phoneCountries by calling code (one to three digits) in an array, so
// that validating an international number costs no map lookup per prefix length.
var phoneCountryByCode = sync.OnceValue(func() *[1000]*phoneCountry {
	var a [1000]*phoneCountry
	for cc, c := range phoneCountries() {
		if cc >= 0 && cc < int32(len(a)) {
			a[cc] = c
		}
	}
	return &a
})

// phoneDesc is one number type of a region: its possible lengths and its pattern, compiled on
// first use into an automaton over digits (see digitDFA), or into a regexp where that cannot be
// built. It is only asked about national significant numbers, which hold ASCII digits only.
type phoneDesc struct {
	lengths uint32
	expr    string // the anchored pattern
	once    sync.Once
	dfa     *digitDFA
	re      *regexp.Regexp
}

// phoneDescs holds a region's general description and its number types (fixed line, mobile,
// toll free, premium rate, shared cost, VoIP, personal, pager, UAN, voicemail).
type phoneDescs struct {
	general *phoneDesc
	types   []*phoneDesc
}

// valid reports what libphonenumber's IsValidNumberForRegion reports for the national significant
// number nsn: it matches the general description and at least one number type. It compiles each
// pattern once instead of concatenating and looking it up on every call, so it does not allocate.
func (d *phoneDescs) valid(nsn []byte) bool {
	if !d.general.match(nsn) {
		return false
	}
	for _, t := range d.types {
		if t.match(nsn) {
			return true
		}
	}
	return false
}

func (d *phoneDesc) match(nsn []byte) bool {
	if len(nsn) >= 32 || d.lengths&(1<<len(nsn)) == 0 {
		return false
	}
	// Compiled on first use: a scan pays only for the types of the regions it meets whose lengths
	// fit, not for every type of every region sharing a calling code.
	d.once.Do(d.compile)
	switch {
	case d.dfa != nil:
		return d.dfa.match(nsn)
	case d.re != nil:
		// A copy: the regular expression keeps a reference to its input, which would move every
		// caller's digits to the heap. No pattern of the current metadata needs it.
		return d.re.Match(bytes.Clone(nsn))
	}
	return false // the pattern does not compile: libphonenumber would not match it either
}

func (d *phoneDesc) compile() {
	if d.dfa = newDigitDFA(d.expr); d.dfa == nil {
		d.re, _ = regexp.Compile(d.expr)
	}
}

// regions returns the compiled descriptions of the regions sharing c's calling code.
func (c *phoneCountry) regions() map[string]*phoneDescs {
	c.once.Do(func() {
		c.descs = make(map[string]*phoneDescs, len(c.mds))
		for _, md := range c.mds {
			gen := md.GetGeneralDesc()
			d := &phoneDescs{general: phoneCompile(gen, 0)}
			for _, t := range []*phonenumbers.PhoneNumberDesc{md.GetFixedLine(), md.GetMobile(),
				md.GetTollFree(), md.GetPremiumRate(), md.GetSharedCost(), md.GetVoip(),
				md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail()} {
				if t != nil && t.GetNationalNumberPattern() != "" {
					d.types = append(d.types, phoneCompile(t, d.general.lengths))
				}
			}
			c.descs[md.GetId()] = d
			c.list = append(c.list, d)
		}
	})
	return c.descs
}

// WarmPhones compiles, ahead of use, every region's phone number descriptions, which are otherwise
// compiled the first time a number of that region is validated (about 28 ms for all 2,794 on the
// project's machine; a region's first number paid up to a few milliseconds). A server calls it
// once at start, in the background, so that no message pays for it.
func WarmPhones() {
	for _, c := range phoneCountries() {
		c.warm()
	}
}

// warm compiles the descriptions of every region sharing c's calling code.
func (c *phoneCountry) warm() {
	for _, d := range c.regions() {
		d.general.once.Do(d.general.compile)
		for _, t := range d.types {
			t.once.Do(t.compile)
		}
	}
}

// phoneCompile prepares a number description to be matched the way the library matches it: the
// whole number against the pattern, and the length against the listed possible lengths (or
// inherit, if none).
func phoneCompile(d *phonenumbers.PhoneNumberDesc, inherit uint32) *phoneDesc {
	if inherit == 0 {
		inherit = ^uint32(0)
	}
	return &phoneDesc{lengths: phoneLengths(d, inherit), expr: "^(?:" + d.GetNationalNumberPattern() + ")$"}
}

// phoneLengths returns the possible-length mask of d; a description without lengths has those
// of the general description (inherit). A length of -1 means the type does not exist.
func phoneLengths(d *phonenumbers.PhoneNumberDesc, inherit uint32) uint32 {
	ls := d.GetPossibleLength()
	if len(ls) == 0 {
		return inherit
	}
	var m uint32
	for _, l := range ls {
		if l > 0 && l < 32 {
			m |= 1 << l
		}
	}
	return m
}

// valid validates the digits d of a national or international (after + or 00) number.
func (p *Phone) valid(d []byte, national bool) bool {
	if national {
		return p.validNational(d)
	}
	return phoneValidIntl(d)
}

// phoneValidIntl reports whether d (digits after + or 00) is a valid international number: a
// calling code and a national significant number valid in one of the regions sharing that code.
func phoneValidIntl(d []byte) bool {
	countries := phoneCountryByCode()
	for l := 1; l <= 3 && l < len(d); l++ {
		cc := cardPrefix(string(d[:l]), l)
		if cc >= len(countries) || countries[cc] == nil {
			continue
		}
		c := countries[cc]
		nsn := d[l:]
		// "+49 030 …": a trunk prefix written after the country code is not dialled.
		if c.prefix != "" && strings.HasPrefix(string(nsn), c.prefix) && phoneValidIn(c, nsn[len(c.prefix):]) {
			return true
		}
		return phoneValidIn(c, nsn) // calling codes are prefix-free: no longer code can match
	}
	return false
}

// phoneValidIn reports whether nsn is valid in any region of c.
func phoneValidIn(c *phoneCountry, nsn []byte) bool {
	if len(nsn) == 0 || len(nsn) >= 32 || c.lengths&(1<<len(nsn)) == 0 {
		return false
	}
	c.regions()
	for _, ds := range c.list {
		if ds.valid(nsn) {
			return true
		}
	}
	return false
}
