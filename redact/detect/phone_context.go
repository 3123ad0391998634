package detect

import (
	"strings"

	"github.com/veil-privacy/veil/redact"
)

// phoneWords near a number say it is a phone number, in the languages Veil serves.
var phoneWords = []string{
	"tel", "tél", "tlf", "mob", "tfn", "gsm", "fax", "sms", "dial", "ruf", "rufe", "rufen", "bel",
	"portable", "puhelin", "soita", "erreichbar", "joignable", "raggiungibile", "reperibile", "risponde",
	"localizable", "bereikbaar", "contactabil", "numer", "contact", "kontakt", "contatto",
	"contacto", "ligar", "ligue", "call", "calls", "called", "calling", "callback", "ring", "ringa",
	"ringe", "ringer", "ringt", "bellen", "belt", "gebeld", "cell", "numerem",
}

// phoneNumberWords name a number of any kind ("numero"); right after a possessive or "new" ("il mio
// nuovo numero", "my new number", "cambiado de número") they mean the writer's phone number.
var phoneNumberWords = newWordSet("number numero número numéro nummer numer număr numărul nr")

// phoneNumberOwn are the words before a number word that make it the writer's phone number.
var phoneNumberOwn = newWordSet("my new mio nuovo mi nuevo de mon nouveau ma meine neue mijn nieuwe mój moj nowy",
	"meu nou noul your il tuo su vostro votre uw twój changed cambiato cambiado changé geänderte zmieniłem zmieniłam")

// phoneStems start words of the phone vocabulary in all their inflections ("chiamate",
// "oddzwonić", "anrufen", "llámame", "calling").
var phoneStems = []string{
	"telef", "teléf", "télép", "telep", "phone", "mobil", "móvil", "movil", "cellul", "celular",
	"cellphone", "handy", "whatsapp", "anruf", "rückruf", "zurückruf", "appel",
	"rappel", "chiam", "richiam", "llam", "llám", "terugbel", "zadzwo", "oddzwo", "dzwo", "sună",
	"suna", "sunaț", "telemóvel", "telemovel",
}

// phoneNotWords near a number say it is some other kind of number.
var phoneNotWords = []string{
	"order", "invoice", "customer", "account", "reference", "ref", "tracking", "serial", "sku",
	"ticket", "case", "id", "iban", "bic", "version", "isbn", "imei", "model", "part", "product",
	"batch", "lot", "policy", "claim", "booking", "reservation", "confirmation", "parcel",
	"shipment", "passport", "licence", "license", "tax", "vat", "member", "membership", "contract",
	"bestellung", "bestellnummer", "rechnung", "rechnungsnummer", "auftrag", "auftragsnummer",
	"kundennummer", "kunden", "konto", "vertrag", "vertragsnummer", "versicherungsnummer",
	"mitgliedsnummer", "sendungsnummer", "seriennummer", "ausweis", "reisepass", "steuernummer",
	"commande", "facture", "série", "serie", "dossier", "contrat", "ordine", "fattura", "seriale",
	"pratica", "pedido", "factura", "póliza", "bestelling", "bestelnummer", "ordernummer",
	"klantnummer", "factuur", "factuurnummer", "serienummer", "polis", "zamówienie", "zamówienia",
	"faktura", "faktury", "klienta", "konta", "rachunku", "seryjny", "seryjnego", "seria", "paczki",
	"przesyłki", "umowy", "polisy", "comanda", "comenzii", "facturii", "clientului", "contului",
	"ordre", "ordrenummer", "kundenummer", "tilaus", "lasku", "sarjanumero", "encomenda", "fatura",
	"nip", "pesel", "regon", "bsn", "nif", "nie", "dni", "cnp", "svnr",
}

// phoneWordKinds classifies the context words: phoneWordYes for phoneWords, phoneWordNo for
// phoneNotWords.
var phoneWordKinds = func() map[string]uint8 {
	m := make(map[string]uint8, len(phoneWords)+len(phoneNotWords))
	for _, w := range phoneWords {
		m[w] = phoneWordYes
	}
	for _, w := range phoneNotWords {
		m[w] = phoneWordNo
	}
	return m
}()

const (
	phoneWordYes    = 1
	phoneWordNo     = 2
	phoneWordNumber = 3 // a phoneNumberWords word in neither list
)

// phoneContext looks at the words in the 48 bytes before a number that starts at token i; the
// nearest context word decides whether it is introduced as a phone number (yes) or as another
// kind of number (no).
func phoneContext(t *redact.Text, i, start int) (yes, no bool) {
	for j := i - 1; j >= 0; j-- {
		k := t.Tokens[j]
		if k.Start < start-48 {
			break
		}
		if !k.Is(redact.HasLetter) {
			continue
		}
		w := t.Lower[k.Start:k.End]
		switch phoneWordKind(w) {
		case phoneWordYes:
			return true, false
		case phoneWordNo:
			return false, true
		case phoneWordNumber:
			if j > 0 && phoneNumberOwn.has(tokLower(t, j-1)) {
				return true, false
			}
		}
	}
	return false, false
}

// phoneWordKind classifies one lower-case word: phoneWordYes, phoneWordNo, phoneWordNumber for
// the other phoneNumberWords, or 0.
func phoneWordKind(w string) uint8 {
	var kind uint8
	if phoneWordKindsFilter.mayHave(w) {
		if k, ok := phoneWordKindIdx.get(w); ok && k != 0 {
			if kind = uint8(k); kind != phoneWordNumber {
				return kind
			}
		}
	}
	if len(w) < 4 || !phoneStemHead(w) {
		return kind
	}
	for _, stem := range phoneStemsByHead[w[:4]] {
		if strings.HasPrefix(w, stem) {
			return phoneWordYes
		}
	}
	return kind
}

// phoneWordKindsFilter filters the keys of phoneWordKinds and the number words, and
// phoneWordKindIdx looks them up: one lookup per word of a number's context.
var phoneWordKindsFilter, phoneWordKindIdx = func() (f wordFilter, x wordIndex) {
	for w, k := range phoneWordKinds {
		f.add(w)
		x.put(w, int32(k))
	}
	for w := range phoneNumberWords.m {
		if _, ok := phoneWordKinds[w]; !ok {
			f.add(w)
			x.put(w, phoneWordNumber)
		}
	}
	return f, x
}()

// phoneStemsByHead groups phoneStems by their first four bytes: a word is compared with the few
// stems that share its head.
var phoneStemsByHead = func() map[string][]string {
	m := make(map[string][]string)
	for _, st := range phoneStems {
		if len(st) < 4 {
			panic("detect: phone stem shorter than four bytes: " + st)
		}
		m[st[:4]] = append(m[st[:4]], st)
	}
	return m
}()

// phoneStemHeads filters the keys of phoneStemsByHead (head4Index of a word's first four
// bytes), so that most words of a number's context cost no map lookup.
var phoneStemHeads = func() (f [256]uint64) {
	for head := range phoneStemsByHead {
		i := head4Index(head)
		f[i>>6] |= 1 << (i & 63)
	}
	return f
}()

// phoneStemHead reports whether w (at least four bytes long) may start with a stem.
func phoneStemHead(w string) bool {
	i := head4Index(w)
	return phoneStemHeads[i>>6]&(1<<(i&63)) != 0
}
