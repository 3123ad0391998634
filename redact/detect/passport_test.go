package detect

import (
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestPassport(t *testing.T) {
	t.Parallel()
	runCtxCases(t, NewPassport(), redact.Passport, []ctxCase{
		{"gb 9 digits", "My passport number is 123456789.", []string{"123456789"}},
		{"de", "Reisepass-Nr.: C01X00T47", []string{"C01X00T47"}},
		{"de no digits", "Reisepass CFGHJKLMN", []string{"CFGHJKLMN"}},
		{"fr", "numéro de passeport 12AB34567", []string{"12AB34567"}},
		{"it", "passaporto n. YA1234567", []string{"YA1234567"}},
		{"es", "Pasaporte n.º ABC123456", []string{"ABC123456"}},
		{"nl", "paspoort NXC4R3KL8", []string{"NXC4R3KL8"}},
		{"pl", "Paszport nr AB1234567", []string{"AB1234567"}},
		{"ro 8 digits", "pașaport 05123456", []string{"05123456"}},
		{"no context", "Code YA1234567 applied", nil},
		{"word after context", "Passport expired yesterday", nil},
		{"year after context", "passport valid until 2031", nil},
		{"date after context", "passport issued 12.05.2020", nil},
		{"capital word", "Reisepass ABGELAUFEN", nil},
	})
}

func TestDrivingLicence(t *testing.T) {
	t.Parallel()
	runCtxCases(t, NewDrivingLicence(), redact.DrivingLicence, []ctxCase{
		{"gb", "driving licence number MORGA657054SM9IJ", []string{"MORGA657054SM9IJ"}},
		{"de", "Führerschein-Nr. B072RRE2I55", []string{"B072RRE2I55"}},
		{"fr", "permis de conduire 123456789012", []string{"123456789012"}},
		{"it", "patente di guida U1H123456X", []string{"U1H123456X"}},
		{"es", "carnet de conducir 12345678Z", []string{"12345678Z"}},
		{"nl", "rijbewijsnummer 5123456789", []string{"5123456789"}},
		{"pl joined", "prawo jazdy nr 01234/17/1234", []string{"01234/17/1234"}},
		{"ro", "permis de conducere 123456789", []string{"123456789"}},
		{"no number", "my driving licence expired", nil},
	})
}

func FuzzPassport(f *testing.F) {
	for _, s := range []string{"passport 123456789", "Reisepass Nr. CFGHJKLMN", "prawo jazdy 1/2/3", "passport"} {
		f.Add(s)
	}
	p, l := NewPassport(), NewDrivingLicence()
	f.Fuzz(func(t *testing.T, s string) {
		checkCtxFindings(t, p, s)
		checkCtxFindings(t, l, s)
	})
}

func BenchmarkPassport(b *testing.B) {
	benchCtx(b, NewPassport())
}
