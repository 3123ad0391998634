package vault

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/veil-privacy/veil/redact"
)

// Format is how a token looks. The policy chooses one per type.
type Format uint8

// Token formats.
const (
	// Placeholder is a bracketed type name and a hex tag: [EMAIL_7f3a2c]. The zero Format.
	Placeholder Format = iota
	// Surrogate keeps the value's format and passes its validators: a Luhn-valid card number, a
	// mod-97-valid IBAN, an address under example.net, a phone number in a range reserved for
	// fiction, a fictional name. Types without a surrogate get a placeholder.
	Surrogate
)

// String returns "placeholder" or "surrogate".
func (f Format) String() string {
	switch f {
	case Placeholder:
		return "placeholder"
	case Surrogate:
		return "surrogate"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// ParseFormat reads "placeholder" or "surrogate" (case-insensitive).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "placeholder":
		return Placeholder, nil
	case "surrogate":
		return Surrogate, nil
	}
	if len(s) > 32 {
		return 0, fmt.Errorf("unknown token format (a %d-byte name; want placeholder or surrogate)", len(s))
	}
	return 0, fmt.Errorf("unknown token format %q (want placeholder or surrogate)", s)
}

// MarshalText encodes f by name.
func (f Format) MarshalText() ([]byte, error) {
	if f > Surrogate {
		return nil, fmt.Errorf("invalid token format %d", uint8(f))
	}
	return []byte(f.String()), nil
}

// UnmarshalText decodes a name.
func (f *Format) UnmarshalText(b []byte) error {
	v, err := ParseFormat(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// HasSurrogate reports whether t has a format-preserving surrogate; other types always get a
// placeholder.
func HasSurrogate(t redact.Type) bool {
	switch t {
	case redact.Email, redact.CreditCard, redact.IBAN, redact.Phone, redact.Person:
		return true
	}
	return false
}

// effective returns the format actually used for t.
func (f Format) effective(t redact.Type) Format {
	if f == Surrogate && HasSurrogate(t) {
		return Surrogate
	}
	return Placeholder
}

// normalize returns the form of a value that decides token identity: two spellings of one value
// (case, spacing, separators) get one token.
func normalize(t redact.Type, v string) string {
	v = strings.TrimSpace(v)
	switch t {
	case redact.Email, redact.IPAddress:
		return strings.ToLower(v)
	case redact.Phone:
		var b strings.Builder
		b.Grow(len(v) + 1)
		if strings.HasPrefix(v, "+") {
			b.WriteByte('+')
		}
		for i := 0; i < len(v); i++ {
			if c := v[i]; c >= '0' && c <= '9' {
				b.WriteByte(c)
			}
		}
		s := b.String()
		if strings.HasPrefix(s, "00") {
			s = "+" + s[2:]
		}
		return s
	case redact.CreditCard, redact.IBAN, redact.MACAddress, redact.NationalID, redact.VATID,
		redact.Passport, redact.DrivingLicence:
		var b strings.Builder
		b.Grow(len(v))
		for _, r := range v {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToUpper(r))
			}
		}
		return b.String()
	default:
		return strings.ToLower(strings.Join(strings.Fields(v), " "))
	}
}
