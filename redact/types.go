package redact

import (
	"fmt"
	"strings"
)

// Type is a category of personal data. Policies, audit counts and placeholders are keyed by it.
type Type uint8

// The taxonomy of personal data Veil detects. The zero value is not a valid type.
const (
	Email Type = iota + 1
	Phone
	IBAN
	CreditCard
	IPAddress
	MACAddress
	NationalID
	VATID
	Passport
	DrivingLicence
	DateOfBirth
	Person
	Address
	Health
	numTypes
)

var typeNames = [numTypes]string{
	Email:          "EMAIL",
	Phone:          "PHONE",
	IBAN:           "IBAN",
	CreditCard:     "CREDIT_CARD",
	IPAddress:      "IP_ADDRESS",
	MACAddress:     "MAC_ADDRESS",
	NationalID:     "NATIONAL_ID",
	VATID:          "VAT_ID",
	Passport:       "PASSPORT",
	DrivingLicence: "DRIVING_LICENCE",
	DateOfBirth:    "DATE_OF_BIRTH",
	Person:         "PERSON",
	Address:        "ADDRESS",
	Health:         "HEALTH",
}

// AllTypes lists every valid Type in declaration order.
func AllTypes() []Type {
	out := make([]Type, 0, numTypes-1)
	for t := Email; t < numTypes; t++ {
		out = append(out, t)
	}
	return out
}

// String returns the upper-case wire name of t, such as "EMAIL".
func (t Type) String() string {
	if t == 0 || t >= numTypes {
		return fmt.Sprintf("Type(%d)", uint8(t))
	}
	return typeNames[t]
}

// Valid reports whether t is one of the declared types.
func (t Type) Valid() bool { return t > 0 && t < numTypes }

// ParseType returns the Type named s (case-insensitive, "CREDIT_CARD", "credit_card" or "credit-card").
func ParseType(s string) (Type, error) {
	name := strings.ReplaceAll(s, "-", "_")
	for t := Email; t < numTypes; t++ {
		if strings.EqualFold(typeNames[t], name) {
			return t, nil
		}
	}
	if len(s) > 32 {
		return 0, fmt.Errorf("unknown personal-data type (a %d-byte name)", len(s))
	}
	return 0, fmt.Errorf("unknown personal-data type %q", s)
}

// MarshalText encodes t by its wire name.
func (t Type) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("invalid personal-data type %d", uint8(t))
	}
	return []byte(typeNames[t]), nil
}

// UnmarshalText decodes a wire name.
func (t *Type) UnmarshalText(b []byte) error {
	v, err := ParseType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// TypeSet is a set of Types, used to restrict scanning.
type TypeSet uint32

// AllTypeSet contains every Type.
const AllTypeSet = TypeSet(1<<numTypes-1) &^ 1

// NewTypeSet returns the set of ts.
func NewTypeSet(ts ...Type) TypeSet {
	var s TypeSet
	for _, t := range ts {
		if t.Valid() {
			s |= 1 << t
		}
	}
	return s
}

// Has reports whether t is in s.
func (s TypeSet) Has(t Type) bool { return s&(1<<t) != 0 }

// Types lists the types in s in declaration order.
func (s TypeSet) Types() []Type {
	var out []Type
	for t := Email; t < numTypes; t++ {
		if s.Has(t) {
			out = append(out, t)
		}
	}
	return out
}

// String returns the comma-separated wire names of the types in s, the form ParseTypeSet reads.
func (s TypeSet) String() string {
	var b strings.Builder
	for _, t := range s.Types() {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(typeNames[t])
	}
	return b.String()
}

// ParseTypeSet parses a comma-separated list such as "EMAIL,PHONE". An empty string means all types;
// empty items ("EMAIL,,PHONE,") are ignored.
func ParseTypeSet(list string) (TypeSet, error) {
	if strings.TrimSpace(list) == "" {
		return AllTypeSet, nil
	}
	var s TypeSet
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		t, err := ParseType(name)
		if err != nil {
			return 0, err
		}
		s |= 1 << t
	}
	return s, nil
}
