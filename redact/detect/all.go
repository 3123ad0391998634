package detect

import "github.com/veil-privacy/veil/redact"

// Options tunes the detectors that take settings.
type Options struct {
	// PhoneRegions are ISO 3166-1 alpha-2 regions whose national phone formats (no + or 00 prefix)
	// are tried, in order. Empty means Veil's default EU set.
	PhoneRegions []string
}

// All returns every detector Veil ships, configured by o.
func All(o Options) []redact.Detector {
	ds := []redact.Detector{
		// Each detector family adds its constructor here.
		NewEmail(),
		NewPhone(o.PhoneRegions),
		NewIBAN(),
		NewCreditCard(),
		NewIP(),
		NewMAC(),
		NewNationalID(),
		NewVATID(),
		NewPerson(),
		NewAddress(),
		NewDateOfBirth(),
		NewPassport(),
		NewDrivingLicence(),
		NewHealth(),
	}
	return ds
}

// NewScanner returns a redact.Scanner over All(o).
func NewScanner(o Options) *redact.Scanner {
	return redact.NewScanner(All(o)...)
}
