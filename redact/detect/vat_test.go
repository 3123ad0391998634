package detect

import (
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestVATIDDetect(t *testing.T) {
	t.Parallel()
	runDetect(t, NewVATID(), redact.VATID, []detectCase{
		{desc: "de compact", text: "USt-IdNr.: DE136695976", sub: "DE", want: "DE136695976", min: 0.97},
		{desc: "de spaced", text: "our number DE 136 695 976 ok", sub: "DE", want: "DE 136 695 976"},
		{desc: "de bad checksum with context", text: "VAT DE136695977", sub: "DE", want: "DE136695977", min: 0.3, max: 0.4},
		{desc: "de bad checksum without context", text: "DE136695977", sub: ""},
		{desc: "at", text: "UID ATU13585627", sub: "AT", want: "ATU13585627"},
		{desc: "be dotted", text: "BTW BE 0428.759.497", sub: "BE", want: "BE 0428.759.497"},
		{desc: "be compact", text: "BE0428759497", sub: "BE", want: "BE0428759497"},
		{desc: "bg", text: "BG175074752", sub: "BG", want: "BG175074752"},
		{desc: "cy", text: "CY10259033P", sub: "CY", want: "CY10259033P"},
		{desc: "cz", text: "CZ25123891", sub: "CZ", want: "CZ25123891"},
		{desc: "dk", text: "DK13585628", sub: "DK", want: "DK13585628"},
		{desc: "ee", text: "EE100931558", sub: "EE", want: "EE100931558"},
		{desc: "el", text: "EL094259216", sub: "EL", want: "EL094259216"},
		{desc: "gr alias", text: "GR094259216", sub: "EL", want: "GR094259216"},
		{desc: "es cif", text: "ESA13585625", sub: "ES", want: "ESA13585625"},
		{desc: "es dni", text: "ES12345678Z", sub: "ES", want: "ES12345678Z"},
		{desc: "fi", text: "FI20774740", sub: "FI", want: "FI20774740"},
		{desc: "fr spaced", text: "TVA FR 40 303 265 045", sub: "FR", want: "FR 40 303 265 045"},
		{desc: "fr alpha key", text: "FRK7399859412", sub: "FR", want: "FRK7399859412"},
		{desc: "hr", text: "HR94577403194", sub: "HR", want: "HR94577403194"},
		{desc: "hu", text: "HU12892312", sub: "HU", want: "HU12892312"},
		{desc: "ie", text: "IE6433435F", sub: "IE", want: "IE6433435F"},
		{desc: "ie old style", text: "IE8D79739I", sub: "IE", want: "IE8D79739I"},
		{desc: "it", text: "P.IVA IT00743110157", sub: "IT", want: "IT00743110157"},
		{desc: "lt", text: "LT119511515", sub: "LT", want: "LT119511515"},
		{desc: "lu", text: "LU15027442", sub: "LU", want: "LU15027442"},
		{desc: "lv", text: "LV40003521600", sub: "LV", want: "LV40003521600"},
		{desc: "mt", text: "MT11679112", sub: "MT", want: "MT11679112"},
		{desc: "nl", text: "btw NL004495445B01", sub: "NL", want: "NL004495445B01"},
		{desc: "pl", text: "NIP PL8567346215", sub: "PL", want: "PL8567346215"},
		{desc: "pt", text: "PT501964843", sub: "PT", want: "PT501964843"},
		{desc: "ro", text: "RO18547290", sub: "RO", want: "RO18547290"},
		{desc: "se", text: "SE123456789701", sub: "SE", want: "SE123456789701"},
		{desc: "si", text: "SI50223054", sub: "SI", want: "SI50223054"},
		{desc: "sk", text: "SK2022749619", sub: "SK", want: "SK2022749619"},
		{desc: "gb", text: "GB980780684", sub: "GB", want: "GB980780684"},

		{desc: "iban is not vat", text: "DE89 3704 0044 0532 0130 00", sub: ""},
		{desc: "iban be", text: "BE68 5390 0754 7034", sub: ""},
		{desc: "iban compact", text: "DE89370400440532013000", sub: ""},
		{desc: "word", text: "DEUTSCHLAND ITALIA", sub: ""},
		{desc: "longer run", text: "DE 136 695 976 12", sub: ""},
	})
}

func BenchmarkVATID(b *testing.B) {
	text := redact.NewText("Bitte stellen Sie die Rechnung an Muster GmbH, USt-IdNr. DE136695976, aus. " +
		"Our Dutch branch is NL004495445B01 and the IBAN is DE89 3704 0044 0532 0130 00. OK THANKS.")
	d := NewVATID()
	var dst []redact.Finding
	b.ReportAllocs()
	b.SetBytes(int64(len(text.Norm)))
	for b.Loop() {
		dst = d.Detect(text, dst[:0])
	}
}
