package detect

import (
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestAddress(t *testing.T) {
	t.Parallel()
	runCtxCases(t, NewAddress(), redact.Address, []ctxCase{
		// DE, AT
		{"de compound", "Ich wohne in der Hauptstraße 5.", []string{"Hauptstraße 5"}},
		{"de compound with tail", "Lieferadresse: Lindenallee 23a, 50968 Köln", []string{"Lindenallee 23a, 50968 Köln"}},
		{"de separate Str.", "bitte an Berliner Str. 112, 10713 Berlin schicken", []string{"Berliner Str. 112, 10713 Berlin"}},
		{"de hyphenated", "Konrad-Adenauer-Platz 1, 53113 Bonn", []string{"Konrad-Adenauer-Platz 1, 53113 Bonn"}},
		{"de Am", "Wir wohnen jetzt an Am Stadtgraben 14", []string{"Am Stadtgraben 14"}},
		{"de Im Jahr is no street", "Im Jahr 2019 war alles anders", nil},
		{"at 4-digit postcode", "Mariahilfer Straße 88, 1070 Wien", []string{"Mariahilfer Straße 88, 1070 Wien"}},
		{"de main town", "Zeil 106, 60313 Frankfurt am Main", []string{"Zeil 106, 60313 Frankfurt am Main"}},
		// FR, BE
		{"fr number first", "J'habite au 12 rue de la Paix, 75002 Paris depuis mai.", []string{"12 rue de la Paix, 75002 Paris"}},
		{"fr bis", "Livrez au 7 bis avenue Victor-Hugo, 69003 Lyon", []string{"7 bis avenue Victor-Hugo, 69003 Lyon"}},
		{"be street first", "Rue de la Loi 16, 1000 Bruxelles", []string{"Rue de la Loi 16, 1000 Bruxelles"}},
		// IT
		{"it via", "Abito in Via Roma 5, 00184 Roma.", []string{"Via Roma 5, 00184 Roma"}},
		{"it piazza n.", "Piazza Garibaldi n. 12, 80142 Napoli", []string{"Piazza Garibaldi n. 12, 80142 Napoli"}},
		{"it corso", "il negozio in Corso Vittorio Emanuele II 21 è chiuso", []string{"Corso Vittorio Emanuele II 21"}},
		// ES
		{"es calle comma", "Vivo en Calle Mayor, 5, 28013 Madrid.", []string{"Calle Mayor, 5, 28013 Madrid"}},
		{"es C/", "Enviad el paquete a C/ Alcalá 120, 28009 Madrid", []string{"C/ Alcalá 120, 28009 Madrid"}},
		{"es avenida", "Avenida de la Constitución 14, 41004 Sevilla", []string{"Avenida de la Constitución 14, 41004 Sevilla"}},
		// NL
		{"nl straat", "Mijn adres is Kerkstraat 12a, 1017 GB Amsterdam.", []string{"Kerkstraat 12a, 1017 GB Amsterdam"}},
		{"nl floor", "Prinsengracht 263 III, 1016 GV Amsterdam", []string{"Prinsengracht 263 III, 1016 GV Amsterdam"}},
		// PL
		{"pl ul.", "Proszę wysłać na ul. Długa 5/7, 00-950 Warszawa.", []string{"ul. Długa 5/7, 00-950 Warszawa"}},
		{"pl al.", "al. Jerozolimskie 44, 00-024 Warszawa", []string{"al. Jerozolimskie 44, 00-024 Warszawa"}},
		{"pl os.", "mieszkam na os. Piastowskie 12", []string{"os. Piastowskie 12"}},
		// RO
		{"ro strada nr.", "Locuiesc pe Strada Lalelelor nr. 5, 400001 Cluj-Napoca.", []string{"Strada Lalelelor nr. 5, 400001 Cluj-Napoca"}},
		{"ro bd. bl.", "Bd. Unirii nr. 12, bl. A2, sc. 1, ap. 4, 030167 București", []string{"Bd. Unirii nr. 12, bl. A2, sc. 1, ap. 4, 030167 București"}},
		{"ro calea", "Calea Victoriei 155, 010073 București", []string{"Calea Victoriei 155, 010073 București"}},
		// GB
		{"gb street", "Please send it to 221B Baker Street, London NW1 6XE.", []string{"221B Baker Street, London NW1 6XE"}},
		{"gb road no tail", "I moved to 14 Station Road last year", []string{"14 Station Road"}},
		{"gb no type with postcode", "10 Downing Street, London SW1A 2AA", []string{"10 Downing Street, London SW1A 2AA"}},
		{"gb flat", "Send it to Flat 3, 12 High Street, Leeds LS1 4AP please", []string{"Flat 3, 12 High Street, Leeds LS1 4AP"}},
		{"es floor", "Plaza de España 3, 3º izq., 28008 Madrid", []string{"Plaza de España 3, 3o izq., 28008 Madrid"}},
		{"pl m.", "ul. Marszałkowska 140 m. 12, 00-061 Warszawa", []string{"ul. Marszałkowska 140 m. 12, 00-061 Warszawa"}},
		// negatives
		{"time and street word", "Meeting at 10 Main items to discuss", nil},
		{"order number", "Order 302-4411873-0918273 from Amazon", nil},
		{"city alone", "I live in Berlin", nil},
		{"price", "Der Preis ist 1.299,00 € bei MediaMarkt", nil},
		{"version", "Update to version 10.0.19045.3570 fixed it", nil},
		{"product and year", "Windows 10, 2004 Update broke my printer", nil},
		{"count of items", "I ordered 3 Road bikes and 2 helmets", nil},
	})
}

func FuzzAddress(f *testing.F) {
	for _, s := range []string{"Hauptstraße 5, 10115 Berlin", "12 rue de la Paix", "ul. Długa 5/7, 00-950 Warszawa",
		"Calle Mayor s/n., 28013 Madrid", "221B Baker Street, London NW1 6XE", "Aleea X, Bloc 4, 123456 Y",
		"Auf dem", "van der Veldelaan 9a", "C/ ", "5 rue"} {
		f.Add(s)
	}
	d := NewAddress()
	f.Fuzz(func(t *testing.T, s string) {
		checkCtxFindings(t, d, s)
	})
}

func BenchmarkAddress(b *testing.B) {
	benchCtx(b, NewAddress())
}

// TestAddrLowerMayStart checks which words without a capital may start an address shape.
func TestAddrLowerMayStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, text string
		want       bool
	}{
		{desc: "street type", text: "rue", want: true},
		{desc: "street type in Italian", text: "via", want: true},
		{desc: "letter before a dot", text: "v", want: true},
		{desc: "Dutch particle", text: "van", want: true},
		{desc: "preposition", text: "from", want: false},
		{desc: "verb", text: "habite", want: false},
		{desc: "name of an e-mail address", text: "anna", want: false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := addrLowerMayStart(redact.NewText(tc.text), 0); got != tc.want {
				t.Errorf("addrLowerMayStart(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}
