package detect

import (
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

// ctxSpans runs d over s and returns the text of every finding of type typ.
func ctxSpans(d redact.Detector, typ redact.Type, s string) []string {
	t := redact.NewText(s)
	var out []string
	for _, f := range d.Detect(t, nil) {
		if f.Type == typ {
			out = append(out, t.Norm[f.Start:f.End])
		}
	}
	return out
}

type ctxCase struct {
	desc string
	in   string
	want []string // the exact spans, in order; nil means none
}

func runCtxCases(t *testing.T, d redact.Detector, typ redact.Type, cases []ctxCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := ctxSpans(d, typ, tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("in %q: got %q, want %q", tc.in, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("in %q: got %q, want %q", tc.in, got, tc.want)
				}
			}
		})
	}
}

func TestPerson(t *testing.T) {
	t.Parallel()
	runCtxCases(t, NewPerson(), redact.Person, []ctxCase{
		// context phrases
		{"en my name is", "Hi, my name is Oliver Bennett and I need help.", []string{"Oliver Bennett"}},
		{"en lower case after my name is", "hello my name is arjun and my card was blocked", []string{"arjun"}},
		{"en lower case full name", "my name is anna kowalska", []string{"anna kowalska"}},
		{"en middle initial", "This is John F. Kennedy speaking", []string{"John F. Kennedy"}},
		{"de ich heiße", "Hallo, ich heiße Jürgen Weißmüller.", []string{"Jürgen Weißmüller"}},
		{"de mein Name ist", "Mein Name ist Hannelore Kühn-Adler, Kundennummer 123.", []string{"Hannelore Kühn-Adler"}},
		{"fr je m'appelle", "Bonjour, je m'appelle Pétronille Dubois-Garnier.", []string{"Pétronille Dubois-Garnier"}},
		{"it mi chiamo", "Buonasera, mi chiamo Gianluca D'Angelo e scrivo per", []string{"Gianluca D'Angelo"}},
		{"es me llamo double surname", "Hola, me llamo Rocío Fernández de la Fuente, gracias", []string{"Rocío Fernández de la Fuente"}},
		{"nl mijn naam is particle", "Goedemiddag, mijn naam is Sanne van der Linden.", []string{"Sanne van der Linden"}},
		{"pl nazywam się", "Dzień dobry, nazywam się Małgorzata Wróbel.", []string{"Małgorzata Wróbel"}},
		{"ro mă numesc", "Bună ziua, mă numesc Mădălina Ionescu-Popa.", []string{"Mădălina Ionescu-Popa"}},
		{"es soy", "Buenas tardes, soy Ignacio Ruiz Ortega y tengo una duda", []string{"Ignacio Ruiz Ortega"}},
		{"it sono", "Salve, sono Chiara Esposito, vorrei sapere", []string{"Chiara Esposito"}},
		{"it sono adjective", "Sono molto contento del servizio", nil},
		// titles
		{"de Herr", "Sehr geehrter Herr Schneider, danke für Ihre Antwort", []string{"Schneider"}},
		{"de Frau full", "Bitte an Frau Dr. Ursula von der Heide weiterleiten", []string{"Ursula von der Heide"}},
		{"fr Mme", "Je suis Mme Lefèvre, cliente depuis 2010", []string{"Lefèvre"}},
		{"fr M.", "M. Dupont a appelé hier", []string{"Dupont"}},
		{"it Sig.ra", "La Sig.ra Rossi chiede un rimborso", []string{"Rossi"}},
		{"es Sra.", "La Sra. García López pidió la factura", []string{"García López"}},
		{"nl Dhr.", "Dhr. de Vries belt morgen terug", []string{"de Vries"}},
		{"pl Pani", "Pani Kowalska prosi o kontakt", []string{"Kowalska"}},
		{"ro Dna.", "Dna. Popescu a sunat ieri", []string{"Popescu"}},
		{"en Mr no dot", "Please forward this to Mr Patel", []string{"Patel"}},
		{"unit m is no title", "Ich brauche 5 m Kabel", nil},
		// roles and labels
		{"en account holder", "Account holder: Fiona MacLeod\nSort code 12-34-56", []string{"Fiona MacLeod"}},
		{"de Kontoinhaber", "Kontoinhaber Ferdinand Brandstätter, IBAN folgt", []string{"Ferdinand Brandstätter"}},
		{"fr titulaire", "Titulaire du compte : Aurélien Lemaire", []string{"Aurélien Lemaire"}},
		{"it intestatario", "Intestatario: Salvatore Greco", []string{"Salvatore Greco"}},
		{"nl rekeninghouder", "Rekeninghouder: Joost de Graaf", []string{"Joost de Graaf"}},
		{"pl właściciel", "Właściciel rachunku: Zbigniew Wójcik", []string{"Zbigniew Wójcik"}},
		{"ro titular", "Titular: Dragoș Munteanu", []string{"Dragoș Munteanu"}},
		{"en label Name", "Name: Priya Raman\nOrder: 4411", []string{"Priya Raman"}},
		{"fr label Nom", "Nom : Tremblay\nPrénom : Gaëlle", []string{"Tremblay", "Gaëlle"}},
		{"en patient", "Patient Imogen Fairweather needs a new appointment.", []string{"Imogen Fairweather"}},
		{"en apostrophe surname", "Passenger Siobhan O'Sullivan, seat 3A", []string{"Siobhan O'Sullivan"}},
		// sign-offs
		{"en kind regards newline", "Can you check this?\nKind regards,\nTobias Hartley", []string{"Tobias Hartley"}},
		{"de mfg", "Vielen Dank.\nMit freundlichen Grüßen\nKarl-Heinz Oberdorfer", []string{"Karl-Heinz Oberdorfer"}},
		{"fr cordialement", "Merci d'avance. Cordialement, Éloïse Marchetti", []string{"Éloïse Marchetti"}},
		{"it cordiali saluti", "Cordiali saluti,\nOttavio Lancellotti", []string{"Ottavio Lancellotti"}},
		{"es saludos", "Saludos,\nXimena Olmedo Cifuentes", []string{"Ximena Olmedo Cifuentes"}},
		{"nl groet", "Met vriendelijke groet,\nWessel ten Brink", []string{"Wessel ten Brink"}},
		{"pl pozdrawiam", "Pozdrawiam\nJadwiga Szczepańska", []string{"Jadwiga Szczepańska"}},
		{"ro cu stimă", "Cu stimă,\nCorneliu Văduva", []string{"Corneliu Văduva"}},
		{"thanks team", "Thanks, Support Team", nil},
		{"danke ihr team", "Danke, Ihr Service-Team", nil},
		// no context: gazetteer
		{"bare given and surname", "Yesterday I spoke to Katarzyna Nowak about the invoice", []string{"Katarzyna Nowak"}},
		{"bare with particle", "the form was signed by Pieter van den Berg last week", []string{"Pieter van den Berg"}},
		{"bare month is no surname", "We met Anna March 3rd", nil},
		{"bare city", "Flights from Maria Berlin", nil},
		{"greeting", "Hello Support, my order did not arrive", nil},
		{"dear team", "Dear Team,\nthe app crashes", nil},
		{"weekday", "See you Monday Morning", nil},
		{"product", "My Samsung Galaxy is broken", nil},
		{"ambiguous given name", "Will Power is a great film", nil},
		{"ambiguous with known surname", "Mark Schmidt called twice", []string{"Mark Schmidt"}},
		{"place with given name", "the Hotel Maria Theresia is closed", nil},
		{"sentence start common word", "Please help me reset my password", nil},
		{"self not working", "This is Not Working at all", nil},
		{"self single known", "Hi, I am Sophie, I ordered a lamp", []string{"Sophie"}},
		{"self full", "Hi, I'm Sarah Connor from accounting", []string{"Sarah Connor"}},
		{"nl ik ben", "Ik ben Jan de Vries en ik heb een vraag", []string{"Jan de Vries"}},
		{"pl jestem", "Jestem Piotr Zieliński, mam problem", []string{"Piotr Zieliński"}},
		{"ro sunt", "Sunt Andrei Popescu și am o întrebare", []string{"Andrei Popescu"}},
		{"from header", "From: Laura Palmer <lp@example.com>", []string{"Laura Palmer"}},
		{"two names", "Please add Maria Rossi and Luca Bianchi to the booking", []string{"Maria Rossi", "Luca Bianchi"}},
		{"bare at start", "Anna Schmidt here, my parcel is late", []string{"Anna Schmidt"}},
		{"bare hyphenated given", "Jean-Pierre Moreau asked for a refund", []string{"Jean-Pierre Moreau"}},
		{"street is no name", "I live on George Street", nil},
		{"caps after label", "Name: JOHN SMITH\nIBAN: DE44500105175407324931", []string{"JOHN SMITH"}},
		{"care of", "Paket c/o Hildegard Brenninkmeyer, Hauptstr. 5", []string{"Hildegard Brenninkmeyer"}},
		{"family role", "My husband Rafferty Quilliam will pick it up", []string{"Rafferty Quilliam"}},
		{"name before birth date", "Zbyszko Trzaskalik, ur. 12.03.1980, prosi o kontakt", []string{"Zbyszko Trzaskalik"}},
		{"ordered by", "Ordered by: Clémentine Baudouin-Lacroix", []string{"Clémentine Baudouin-Lacroix"}},
		{"nl 't", "Hallo, ik ben Maarten van 't Hek", []string{"Maarten van 't Hek"}},
		{"label lower case", "name: sophie turner", []string{"sophie turner"}},
		{"label lower case unknown", "name: unknown", nil},
		{"self lower case", "hi i'm matteo, my order is late", []string{"matteo"}},
		{"self lower case adjective", "i am happy with it", nil},
		{"company is no name", "Contact Thomas Cook Ltd", nil},
	})
}

func FuzzPerson(f *testing.F) {
	for _, s := range []string{"my name is arjun", "Mit freundlichen Grüßen\nKarl-Heinz O'Neill", "Dhr. van der",
		"Patient Ã\u0096mer", "Sig.ra D'", "John F.", "Herr ", "name: "} {
		f.Add(s)
	}
	d := NewPerson()
	f.Fuzz(func(t *testing.T, s string) {
		checkCtxFindings(t, d, s)
	})
}

// checkCtxFindings runs d on s and checks the invariants every detector keeps: spans inside Norm, not
// empty, at most MaxLen long, of the detector's types, with a confidence in (0, 1].
func checkCtxFindings(t *testing.T, d redact.Detector, s string) {
	t.Helper()
	tx := redact.NewText(s)
	types := d.Types()
	for _, f := range d.Detect(tx, nil) {
		if f.Start < 0 || f.End > len(tx.Norm) || f.Start >= f.End {
			t.Fatalf("bad span %d..%d in %d bytes", f.Start, f.End, len(tx.Norm))
		}
		if f.Len() > d.MaxLen() {
			t.Fatalf("span of %d bytes exceeds MaxLen %d", f.Len(), d.MaxLen())
		}
		if f.Confidence <= 0 || f.Confidence > 1 {
			t.Fatalf("confidence %v", f.Confidence)
		}
		ok := false
		for _, ty := range types {
			ok = ok || ty == f.Type
		}
		if !ok {
			t.Fatalf("type %v not in %v", f.Type, types)
		}
	}
}

func BenchmarkPerson(b *testing.B) {
	benchCtx(b, NewPerson())
}

// ctxBenchText is a mixed-language chat message with names, addresses, dates and health words.
const ctxBenchText = "Hallo, mein Name ist Jürgen Weißmüller und ich wohne in der Hauptstraße 5, 10115 Berlin. " +
	"Geboren am 14.03.1985. Reisepass Nr. C01X00T47. Ich nehme Metformin 500 mg wegen Diabetes. " +
	"Please forward this to Mr Patel, 12 rue de la Paix, 75002 Paris. I spoke to Katarzyna Nowak yesterday " +
	"about order ORD-2025-004512 and the delivery on Monday at 14:30.\nKind regards,\nTobias Hartley"

func benchCtx(b *testing.B, d redact.Detector) {
	b.Helper()
	t := redact.NewText(ctxBenchText)
	var dst []redact.Finding
	b.ReportAllocs()
	b.SetBytes(int64(len(ctxBenchText)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = d.Detect(t, dst[:0])
	}
}

func TestPersonPhraseMay(t *testing.T) {
	t.Parallel()
	// Every context phrase, written after another word and before a colon and a name, passes.
	for _, set := range []*phraseSet{personTriggers, personColonLabels} {
		for last, ps := range set.byLast {
			for _, ph := range ps {
				in := "x " + strings.Join(ph.words, " ") + ": Anna"
				txt := redact.NewText(in)
				i := len(txt.Tokens) - 2
				if f := personLastFilter[markIndex(last)]; !personPhraseMay(txt, i, f) {
					t.Errorf("personPhraseMay at the end of the phrase in %q = false", in)
				}
			}
		}
	}
}
