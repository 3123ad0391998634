//go:build unix

package detect_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/detect"
)

// Benchmarks for the whole detection pipeline (normalize, fold, tokenize, every detector, overlap
// resolution), on messages generated here from templates in eight languages with values that pass
// their validators. Run:
//
//	go test ./redact/detect -run '^$' -bench 'Scan|TextBuild' -benchmem -cpu 1
//
// MB/s is per core (-cpu 1; the Scanner is used from one goroutine). cpu-MB/s divides by the CPU
// time the process used instead of the wall clock, which stays meaningful on a busy machine.

// Message sizes: a typical chat message, a long one, and a pasted document.
var benchSizes = []struct {
	name string
	n    int
}{{"200B", 200}, {"1KB", 1 << 10}, {"64KB", 64 << 10}}

func BenchmarkScan(b *testing.B) {
	s := detect.NewScanner(detect.Options{})
	for _, kind := range []string{"ascii", "clean", "pii"} {
		for _, sz := range benchSizes {
			msgs := benchMessages(kind, sz.n, 16)
			b.Run(kind+"/"+sz.name, func(b *testing.B) { benchScan(b, s, msgs) })
		}
	}
	for _, a := range adversarial(64 << 10) {
		b.Run("adversarial/"+a.name, func(b *testing.B) { benchScan(b, s, []string{a.text}) })
	}
}

// BenchmarkDetector runs each detector alone (with the text view build, which every scan pays once)
// on 64 KB of clean and of PII-dense text, to show where the time goes.
func BenchmarkDetector(b *testing.B) {
	texts := map[string][]string{"clean": benchMessages("clean", 64<<10, 4), "pii": benchMessages("pii", 64<<10, 4)}
	b.Run("none/ascii", func(b *testing.B) { benchScan(b, redact.NewScanner(), benchMessages("ascii", 64<<10, 4)) })
	b.Run("none/clean", func(b *testing.B) { benchScan(b, redact.NewScanner(), texts["clean"]) })
	b.Run("none/pii", func(b *testing.B) { benchScan(b, redact.NewScanner(), texts["pii"]) })
	for _, d := range detect.All(detect.Options{}) {
		name := strings.TrimPrefix(fmt.Sprintf("%T", d), "*detect.")
		s := redact.NewScanner(d)
		for _, kind := range []string{"clean", "pii"} {
			b.Run(name+"/"+kind, func(b *testing.B) { benchScan(b, s, texts[kind]) })
		}
	}
}

// BenchmarkCorpus scans every message of the labelled corpus (see TestCorpus) per op; the
// msgs/s metric is messages per second of CPU time.
func BenchmarkCorpus(b *testing.B) {
	t := &testing.T{}
	path := os.Getenv("VEIL_CORPUS")
	if path == "" {
		path = filepath.Join("..", "..", "..", "shared", "corpus", "pii-dev.jsonl")
	}
	if _, err := os.Stat(path); err != nil {
		b.Skipf("corpus not found at %s; set VEIL_CORPUS", path)
	}
	rows := loadCorpus(t, path)
	s := detect.NewScanner(detect.Options{})
	total := 0
	for _, r := range rows {
		total += len(r.Text)
	}
	var fs []redact.Finding
	b.ReportAllocs()
	b.SetBytes(int64(total))
	cpu := cpuTime()
	for b.Loop() {
		for _, r := range rows {
			fs = s.ScanWith(r.Text, redact.ScanOptions{}, fs[:0])
		}
	}
	d := cpuTime() - cpu
	reportCPU(b, cpu, total)
	if d > 0 {
		b.ReportMetric(float64(len(rows))*float64(b.N)/d.Seconds(), "msgs/s")
	}
}

// BenchmarkScanLinear runs the adversarial inputs at 16 KB and 64 KB: linear time means the
// ns/op ratio stays near 4.
func BenchmarkScanLinear(b *testing.B) {
	s := detect.NewScanner(detect.Options{})
	for _, n := range []int{16 << 10, 64 << 10} {
		for _, a := range adversarial(n) {
			b.Run(fmt.Sprintf("%s/%dKB", a.name, n>>10), func(b *testing.B) { benchScan(b, s, []string{a.text}) })
		}
	}
}

// BenchmarkTextBuild measures the normalized view alone (normalize, fold, tokenize).
func BenchmarkTextBuild(b *testing.B) {
	inputs := []struct{ name, text string }{
		{"ascii/1KB", benchMessages("clean", 1<<10, 1)[0]},
		{"accented/1KB", strings.Repeat("Grüße aus Kraków, Mădălina Ionescu wohnt in der Königstraße. ", 17)},
		{"fullwidth/1KB", strings.Repeat("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ ４１１１\u00a0", 16)},
		{"ascii/64KB", benchMessages("clean", 64<<10, 1)[0]},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			var t redact.Text
			b.ReportAllocs()
			b.SetBytes(int64(len(in.text)))
			cpu := cpuTime()
			for b.Loop() {
				t.Reset(in.text)
			}
			reportCPU(b, cpu, len(in.text))
		})
	}
}

func benchScan(b *testing.B, s *redact.Scanner, msgs []string) {
	total := 0
	for _, m := range msgs {
		total += len(m)
	}
	var fs []redact.Finding
	b.ReportAllocs()
	b.SetBytes(int64(total / len(msgs)))
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		fs = s.ScanWith(msgs[i%len(msgs)], redact.ScanOptions{}, fs[:0])
		i++
	}
	reportCPU(b, cpu, total/len(msgs))
}

// cpuTime returns the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds CPU-time metrics since start: cpu-ns/op and cpu-MB/s.
func reportCPU(b *testing.B, start time.Duration, bytesPerOp int) {
	d := cpuTime() - start
	if d <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(bytesPerOp)*float64(b.N)/d.Seconds()/1e6, "cpu-MB/s")
}

// TestBenchData checks that the generated values are what the benchmarks claim: the PII messages
// carry findings of every generated kind and the clean ones carry few.
func TestBenchData(t *testing.T) {
	t.Parallel()
	s := detect.NewScanner(detect.Options{})
	seen := map[redact.Type]int{}
	for _, m := range benchMessages("pii", 64<<10, 1) {
		for _, f := range s.Scan(m) {
			seen[f.Type]++
		}
	}
	for _, typ := range []redact.Type{redact.Email, redact.Phone, redact.IBAN, redact.CreditCard, redact.IPAddress, redact.NationalID} {
		if seen[typ] == 0 {
			t.Errorf("no %v found in the generated PII text (found %v)", typ, seen)
		}
	}
	clean := benchMessages("clean", 64<<10, 1)[0]
	if fs := s.Scan(clean); len(fs) > 5 {
		t.Errorf("%d findings in the generated clean text, first %q", len(fs), clean[fs[0].Start:fs[0].End])
	}
}

// benchMessages returns count messages of about n bytes each: "ascii" (clean English prose), "clean"
// (clean prose in eight languages) or "pii" (dense with personal data).
func benchMessages(kind string, n, count int) []string {
	r := rand.New(rand.NewPCG(uint64(n), uint64(len(kind))))
	out := make([]string, count)
	for i := range out {
		var b strings.Builder
		for b.Len() < n {
			var sent string
			switch kind {
			case "pii":
				sent = piiSentence(r)
			case "ascii":
				sent = asciiSentences[r.IntN(len(asciiSentences))]
			default:
				sent = cleanSentences[r.IntN(len(cleanSentences))]
			}
			if b.Len() > 0 && b.Len()+1+len(sent) > n {
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(sent)
		}
		out[i] = b.String()
	}
	return out
}

// cleanSentences are chat-like sentences without personal data, in the corpus's eight languages.
var cleanSentences = []string{
	"Hello, I would like to know when my order will arrive, it has been a week already.",
	"Thanks for the quick answer, the new version works much better on my laptop.",
	"Can you tell me how to change the delivery address in my account settings?",
	"Guten Tag, ich habe eine Frage zu meiner letzten Bestellung und der Rücksendung.",
	"Vielen Dank für Ihre Hilfe, das Problem mit der Anmeldung ist jetzt gelöst.",
	"Bonjour, je voudrais savoir si le produit est encore disponible en taille moyenne.",
	"Merci beaucoup, la livraison est arrivée à temps et tout était en bon état.",
	"Buongiorno, vorrei sapere quali sono gli orari di apertura del negozio sabato.",
	"Grazie mille per il supporto, adesso l'applicazione funziona senza problemi.",
	"Hola, quería preguntar si puedo cambiar el color del pedido antes del envío.",
	"Muchas gracias por la ayuda, ya he podido descargar la factura del mes pasado.",
	"Goedemiddag, ik heb een vraag over de levertijd van de nieuwe stoelen.",
	"Dank je wel, het pakket is vandaag netjes bezorgd bij de buren.",
	"Dzień dobry, chciałbym zapytać o możliwość zwrotu butów w innym rozmiarze.",
	"Dziękuję za szybką odpowiedź, wszystko jest już jasne.",
	"Bună ziua, aș dori să aflu dacă produsul mai este disponibil în stoc.",
	"Mulțumesc pentru ajutor, aplicația funcționează acum foarte bine.",
	"The price is 49,99 € and the discount of 15% applies until the end of the month.",
	"Version 2.14.3 fixed the crash, and the update took about 14:30 minutes to install.",
}

// genEntity is a generated value inside a generated sentence.
type genEntity struct {
	typ   redact.Type
	value string
}

// asciiSentences are the plain-ASCII English ones among cleanSentences.
var asciiSentences = func() (out []string) {
	for _, s := range cleanSentences {
		if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 }) {
			out = append(out, s)
		}
	}
	return out
}()

// piiSentence returns a sentence with one or more generated, validator-passing values.
func piiSentence(r *rand.Rand) string {
	s, _ := piiSentenceEntities(r)
	return s
}

// piiSentenceEntities returns a PII sentence and the values in it, in order.
func piiSentenceEntities(r *rand.Rand) (string, []genEntity) {
	var b strings.Builder
	var ents []genEntity
	// Parts alternate literal text and values: lit(...) and val(type, value).
	lit := func(s string) { b.WriteString(s) }
	val := func(t redact.Type, v string) { ents = append(ents, genEntity{t, v}); b.WriteString(v) }
	switch r.IntN(12) {
	case 0:
		lit("Please write to ")
		val(redact.Email, genEmail(r))
		lit(" or call ")
		val(redact.Phone, genPhone(r, "DE"))
		lit(" after five.")
	case 1:
		lit("Bitte überweisen Sie den Betrag auf IBAN ")
		val(redact.IBAN, genIBAN(r, "DE"))
		lit(", danke.")
	case 2:
		lit("My card ")
		val(redact.CreditCard, genCard(r))
		lit(" was charged twice, my email is ")
		val(redact.Email, genEmail(r))
		lit(".")
	case 3:
		lit("Le client ")
		val(redact.Person, genName(r))
		lit(" habite ")
		val(redact.Address, genAddressFR(r))
		lit(", tél. ")
		val(redact.Phone, genPhone(r, "FR"))
		lit(".")
	case 4:
		lit("Mój PESEL to ")
		val(redact.NationalID, genPESEL(r))
		lit(", proszę o kontakt pod numerem ")
		val(redact.Phone, genPhone(r, "PL"))
		lit(".")
	case 5:
		lit("The login came from ")
		val(redact.IPAddress, genIPv4(r))
		lit(" and then from ")
		val(redact.IPAddress, genIPv4(r))
		lit(" at night.")
	case 6:
		lit("Mi DNI es ")
		val(redact.NationalID, genDNI(r))
		lit(" y mi correo ")
		val(redact.Email, genEmail(r))
		lit(".")
	case 7:
		lit("Mijn BSN is ")
		val(redact.NationalID, genBSN(r))
		lit(" en mijn rekening ")
		val(redact.IBAN, genIBAN(r, "NL"))
		lit(".")
	case 8:
		lit("Hi, I'm ")
		val(redact.Person, genName(r))
		lit(", born on ")
		val(redact.DateOfBirth, genDate(r))
		lit(", please update my file.")
	case 9:
		lit("Sehr geehrte Damen und Herren, mein Name ist ")
		val(redact.Person, genName(r))
		lit(", ich wohne in der ")
		val(redact.Address, genAddressDE(r))
		lit(", geb. am ")
		val(redact.DateOfBirth, genDate(r))
		lit(".")
	case 10:
		lit("Refund to ")
		val(redact.IBAN, genIBAN(r, "GB"))
		lit(" please, or to card ")
		val(redact.CreditCard, genCard(r))
		lit(".")
	default:
		lit("Chiamatemi al ")
		val(redact.Phone, genPhone(r, "IT"))
		lit(" oppure scrivete a ")
		val(redact.Email, genEmail(r))
		lit(", grazie.")
	}
	return b.String(), ents
}

// TestGeneratedRecall reports recall on sentences generated here, which the detectors were not
// tuned on: a check that the corpus numbers carry over to values and templates they have not seen.
// Caught means the same as in TestCorpus (no 4 letters or digits of the value left in place).
func TestGeneratedRecall(t *testing.T) {
	t.Parallel()
	s := detect.NewScanner(detect.Options{})
	r := rand.New(rand.NewPCG(7, 7))
	hit, n := map[redact.Type]int{}, map[redact.Type]int{}
	for range 2000 {
		text, ents := piiSentenceEntities(r)
		fs := s.Scan(text)
		covered := make([]bool, len(text))
		for _, f := range fs {
			for i := f.Start; i < f.End; i++ {
				covered[i] = true
			}
		}
		at := 0
		for _, e := range ents {
			i := strings.Index(text[at:], e.value) + at
			at = i + len(e.value)
			n[e.typ]++
			run, best := 0, 0
			for j := i; j < at; j++ {
				c := text[j]
				switch {
				case covered[j]:
					run = 0
				case c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0xC0:
					run++
					best = max(best, run)
				}
			}
			if best < 4 {
				hit[e.typ]++
			} else if testing.Verbose() {
				t.Logf("MISS %-13v %q in %q", e.typ, e.value, redact.Replace(text, fs, redact.Placeholder))
			}
		}
	}
	var b strings.Builder
	for _, typ := range redact.AllTypes() {
		if n[typ] > 0 {
			fmt.Fprintf(&b, "%-14v %6.1f%% (%d)\n", typ, 100*float64(hit[typ])/float64(n[typ]), n[typ])
		}
	}
	t.Log("recall on generated sentences:\n" + b.String())
}

var (
	firstNames = []string{"Anna", "Jürgen", "Pétronille", "Mădălina", "Łukasz", "Giulia", "José", "Sanne", "Oliver", "Chloé"}
	lastNames  = []string{"Schmidt", "Wróbel", "Dubois", "Ionescu", "Rossi", "García López", "de Boer", "Müller", "Taylor", "Nowak"}
	streetsDE  = []string{"Hauptstraße", "Bahnhofstraße", "Lindenweg", "Schillerstraße", "Am Markt"}
	citiesDE   = []string{"10115 Berlin", "80331 München", "50667 Köln", "20095 Hamburg"}
	streetsFR  = []string{"rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire", "rue des Lilas"}
	citiesFR   = []string{"75002 Paris", "69001 Lyon", "13001 Marseille", "31000 Toulouse"}
	domains    = []string{"example.com", "mail.de", "posta.it", "correo.es", "web.nl", "poczta.pl"}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func genName(r *rand.Rand) string { return pick(r, firstNames) + " " + pick(r, lastNames) }

func genEmail(r *rand.Rand) string {
	return strings.ToLower(asciiFold(pick(r, firstNames))) + "." + strconv.Itoa(r.IntN(1000)) + "@" + pick(r, domains)
}

func asciiFold(s string) string {
	return strings.NewReplacer("ü", "u", "é", "e", "ă", "a", "Ł", "L", "Ă", "A").Replace(s)
}

func genAddressDE(r *rand.Rand) string {
	return pick(r, streetsDE) + " " + strconv.Itoa(1+r.IntN(120)) + ", " + pick(r, citiesDE)
}

func genAddressFR(r *rand.Rand) string {
	return strconv.Itoa(1+r.IntN(120)) + " " + pick(r, streetsFR) + ", " + pick(r, citiesFR)
}

func genDate(r *rand.Rand) string {
	return fmt.Sprintf("%02d.%02d.%d", 1+r.IntN(28), 1+r.IntN(12), 1940+r.IntN(65))
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// genPhone returns a number valid for region according to libphonenumber, in international format.
func genPhone(r *rand.Rand, region string) string {
	prefixes := map[string][]string{
		"DE": {"30", "40", "89", "151", "170"}, "FR": {"6", "7", "1"}, "PL": {"5", "6", "7", "8"},
		"IT": {"32", "33", "34", "06"},
	}
	for {
		p := pick(r, prefixes[region])
		national := p + digits(r, 9-len(p)+r.IntN(2))
		num, err := phonenumbers.Parse(national, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(num, region) {
			return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
		}
	}
}

// genIBAN returns an IBAN with correct mod-97 check digits, in groups of four.
func genIBAN(r *rand.Rand, cc string) string {
	var bban string
	switch cc {
	case "DE":
		bban = digits(r, 18)
	case "NL":
		bban = pick(r, []string{"ABNA", "INGB", "RABO"}) + digits(r, 10)
	default: // GB
		bban = pick(r, []string{"NWBK", "BARC", "MIDL"}) + digits(r, 14)
	}
	rem := 0
	for _, c := range bban + cc + "00" {
		if c >= 'A' && c <= 'Z' {
			rem = (rem*100 + int(c-'A') + 10) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	iban := fmt.Sprintf("%s%02d%s", cc, 98-rem, bban)
	var b strings.Builder
	for i := 0; i < len(iban); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(iban[i:min(i+4, len(iban))])
	}
	return b.String()
}

// genCard returns a Luhn-valid Visa or Mastercard number in groups of four.
func genCard(r *rand.Rand) string {
	body := pick(r, []string{"4", "51", "52", "53", "54", "55"})
	body += digits(r, 15-len(body))
	sum := 0
	for i := len(body) - 1; i >= 0; i-- { // the check digit will be appended: double every other from the right
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	card := body + strconv.Itoa((10-sum%10)%10)
	return card[0:4] + " " + card[4:8] + " " + card[8:12] + " " + card[12:16]
}

func genIPv4(r *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d.%d", 11+r.IntN(200), r.IntN(256), r.IntN(256), 1+r.IntN(254))
}

// genPESEL returns a PESEL with a valid date and check digit.
func genPESEL(r *rand.Rand) string {
	year, month, day := 50+r.IntN(50), 1+r.IntN(12), 1+r.IntN(28)
	s := fmt.Sprintf("%02d%02d%02d%s", year, month, day, digits(r, 4))
	weights := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return s + strconv.Itoa((10-sum%10)%10)
}

// genDNI returns a Spanish DNI with its check letter.
func genDNI(r *rand.Rand) string {
	n := 10_000_000 + r.IntN(89_999_999)
	return strconv.Itoa(n) + string("TRWAGMYFPDXBNJZSQVHLCKE"[n%23])
}

// genBSN returns a Dutch BSN that passes the eleven test.
func genBSN(r *rand.Rand) string {
	for {
		s := strconv.Itoa(1+r.IntN(9)) + digits(r, 8)
		sum := 0
		for i := range 8 {
			sum += int(s[i]-'0') * (9 - i)
		}
		sum -= int(s[8] - '0')
		if sum%11 == 0 {
			return s
		}
	}
}

// adversarial returns inputs built to make a careless detector quadratic.
func adversarial(n int) []struct{ name, text string } {
	rep := func(unit string) string { return strings.Repeat(unit, n/len(unit)+1)[:n] }
	return []struct{ name, text string }{
		{"digits", rep("1234567890")},
		{"digits-spaced", rep("12 34 ")},
		{"at-signs", rep("@")},
		{"at-words", rep("a@b")},
		{"dots", rep("a.")},
		{"capitalised-words", rep("Anna Maria ")},
		{"colons", rep("1:")},
		{"dashes", rep("12-")},
		{"plus", rep("+4")},
		{"fullwidth-digits", strings.Repeat("１", n/3)},
	}
}

// TestScanConcurrent shares one Scanner between goroutines, as the proxy does; run with -race. Each
// goroutine must get the findings a lone scan gets.
func TestScanConcurrent(t *testing.T) {
	t.Parallel()
	s := detect.NewScanner(detect.Options{})
	msgs := append(benchMessages("pii", 1<<10, 8), benchMessages("clean", 200, 8)...)
	want := make([][]redact.Finding, len(msgs))
	for i, m := range msgs {
		want[i] = s.Scan(m)
	}
	done := make(chan error, 4)
	for g := range 4 {
		go func() {
			for round := range 20 {
				i := (g + round) % len(msgs)
				got := s.Scan(msgs[i])
				if fmt.Sprint(got) != fmt.Sprint(want[i]) {
					done <- fmt.Errorf("goroutine %d: message %d: findings differ from a lone scan", g, i)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
