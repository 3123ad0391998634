package detect

import (
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestDateOfBirth(t *testing.T) {
	t.Parallel()
	runCtxCases(t, NewDateOfBirth(), redact.DateOfBirth, []ctxCase{
		{"en born on numeric", "I was born on 14/03/1985 in Leeds.", []string{"14/03/1985"}},
		{"en dob colon", "DOB: 1985-03-14", []string{"1985-03-14"}},
		{"en d.o.b.", "d.o.b. 02.11.1979, member since 2010", []string{"02.11.1979"}},
		{"en month first", "Date of birth: March 14, 1985", []string{"March 14, 1985"}},
		{"en ordinal", "born on the 14th of March 1985", []string{"14th of March 1985"}},
		{"en us order", "Birthday 12/31/1990", []string{"12/31/1990"}},
		{"de geb.", "Max Muster, geb. 14.03.1985, wohnhaft in Köln", []string{"14.03.1985"}},
		{"de long", "Mein Geburtsdatum ist der 14. März 1985.", []string{"14. März 1985"}},
		{"fr née le", "Née le 1er mars 1985 à Lyon", []string{"1er mars 1985"}},
		{"fr date de naissance", "date de naissance : 14/03/1985", []string{"14/03/1985"}},
		{"it nato il", "nato il 5 agosto 1962 a Bari", []string{"5 agosto 1962"}},
		{"es nacida el", "nacida el 14 de marzo de 1985 en Sevilla", []string{"14 de marzo de 1985"}},
		{"es fecha", "Fecha de nacimiento: 03-07-1990", []string{"03-07-1990"}},
		{"nl geboren op", "Ik ben geboren op 14 maart 1985.", []string{"14 maart 1985"}},
		{"nl geboortedatum", "geboortedatum 1985-03-14", []string{"1985-03-14"}},
		{"pl urodziłam się", "Urodziła się 14 marca 1985 r.", []string{"14 marca 1985"}},
		{"pl data urodzenia", "Data urodzenia: 14.03.1985", []string{"14.03.1985"}},
		{"ro născută la", "născută la 14 martie 1985", []string{"14 martie 1985"}},
		{"ro data nașterii", "data nașterii 14.03.1985", []string{"14.03.1985"}},
		{"two-digit year", "geb. 14.03.85", []string{"14.03.85"}},
		{"de verb final", "Ich bin am 3. Oktober 1990 geboren.", []string{"3. Oktober 1990"}},
		{"es nací", "Nací el 14 de febrero de 1985.", []string{"14 de febrero de 1985"}},
		{"pl urodziłem się", "Urodziłem się 11 listopada 1980.", []string{"11 listopada 1980"}},
		// negatives
		{"appointment date", "My appointment is on 14/03/2026 at 14:30.", nil},
		{"delivery", "Lieferung am 14.03.1985 war zu spät", nil},
		{"impossible date", "born 31.02.1985", nil},
		{"future year", "born 01.01.2999", nil},
		{"too old", "born 01.01.1850", nil},
		{"born year only", "I was born in 1985", nil},
	})
}

func FuzzDateOfBirth(f *testing.F) {
	for _, s := range []string{"born 14.03.1985", "geb. 14. März 1985", "né le 1er mars 1985", "DOB March 14, 1985",
		"born 99.99.9999", "data urodzenia 14 marca"} {
		f.Add(s)
	}
	d := NewDateOfBirth()
	f.Fuzz(func(t *testing.T, s string) {
		checkCtxFindings(t, d, s)
	})
}

func BenchmarkDateOfBirth(b *testing.B) {
	benchCtx(b, NewDateOfBirth())
}
