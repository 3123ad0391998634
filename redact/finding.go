package redact

// Finding is one piece of personal data found in a text. It never carries the value itself:
// Start and End are UTF-8 byte offsets (end exclusive) into the text that was scanned.
type Finding struct {
	Type    Type
	Subtype string // scheme for NATIONAL_ID and VAT_ID (e.g. "DE_TAX_ID"), empty otherwise
	Start   int
	End     int
	// Confidence is in (0, 1]: checksum-validated values are near 1, context-only guesses low.
	Confidence float64
}

// Len returns the length of the finding in bytes.
func (f Finding) Len() int { return f.End - f.Start }
