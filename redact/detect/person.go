package detect

import (
	"strings"
	"unicode/utf8"

	"github.com/veil-privacy/veil/redact"
)

// Person finds the full names of people without a language model: a name is a run of capitalised
// words introduced by a context phrase ("my name is", "je m'appelle"), a title ("Frau", "Sig.ra"),
// a role ("Patient", "Kontoinhaber:"), a sign-off ("Best regards,"), or, without context, a known
// given name followed by a capitalised word. The whole name (given names, initials, particles and
// surnames) is one span, so that no part of it is left behind.
type Person struct{}

// NewPerson returns the PERSON detector.
func NewPerson() *Person { return &Person{} }

// personMaxLen bounds a reported name.
const personMaxLen = 64

// Types implements redact.Detector.
func (*Person) Types() []redact.Type { return []redact.Type{redact.Person} }

// MaxLen implements redact.Detector.
func (*Person) MaxLen() int { return personMaxLen }

// Trigger kinds, from the most to the least telling.
const (
	trigNamePhrase uint8 = iota + 1 // "my name is": the name may even be written in lower case
	trigSelf                        // "I am", "je suis", "soy": capitalised, and known or two words
	trigLabel                       // "Name:", "Nom :": a colon must follow
	trigTitle                       // "Mr", "Frau", "Sig.ra": one capitalised word is enough
	trigRole                        // "Patient", "Kontoinhaber", "Please add": two capitalised words
	trigSignoff                     // "Kind regards", "Cordialement": two words, on the same or next line
	trigSignoffSep                  // "Thanks", "Danke", "Best": as trigSignoff, but a comma or line break must follow
	trigWeak                        // "contact", "spoke to": two words, one of them in the gazetteer
)

// Confidence per trigger kind; a name found without context gets personBare (personBareKnown if
// its surname is known too).
var personConf = [...]float64{
	trigNamePhrase: 0.85, trigSelf: 0.75, trigLabel: 0.8, trigTitle: 0.8, trigRole: 0.75,
	trigSignoff: 0.7, trigSignoffSep: 0.65, trigWeak: 0.65,
}

const (
	personConfBefore = 0.7
	personBare       = 0.55
	personBareKnown  = 0.7
)

// personTriggers are the context phrases of every supported language. Detection does not depend on
// knowing the message's language: all phrases are tried everywhere.
var personTriggers = newPhraseSet().
	add(trigNamePhrase, "my name is|my full name is|name's|i am called|i'm called|"+
		"mein name ist|ich heiße|ich heisse|mein vollständiger name ist|"+
		"je m'appelle|mon nom est|mon nom complet est|je me nomme|"+
		"mi chiamo|il mio nome è|il mio nome e|mi nome es|me llamo|mi nombre es|mi nombre completo es|"+
		"mijn naam is|ik heet|mijn volledige naam is|"+
		"nazywam się|nazywam sie|mam na imię|mam na imie|moje imię to|"+
		"mă numesc|ma numesc|numele meu este|numele meu e").
	add(trigSelf, "call me|i am|i'm|this is|here is|it's|"+
		"ich bin|hier ist|hier spricht|"+
		"je suis|c'est|ici|"+
		"sono|io sono|qui è|qui e|"+
		"soy|yo soy|habla|"+
		"ik ben|u spreekt met|"+
		"jestem|tu|z tej strony|"+
		"sunt|eu sunt|aici este").
	add(trigLabel, "name|full name|first name|last name|surname|customer name|contact name|"+
		"from|to|cc|signed|signature|cardholder name|name on card|"+
		"vorname|nachname|vollständiger name|von|an|absender|empfänger|ansprechpartner|"+
		"nom|prénom|nom complet|nom et prénom|de|expéditeur|destinataire|"+
		"nome|cognome|nome e cognome|nominativo|da|a|mittente|destinatario|"+
		"nombre|apellido|apellidos|nombre completo|nombre y apellidos|remitente|"+
		"naam|voornaam|achternaam|volledige naam|van|aan|afzender|ontvanger|"+
		"imię|imie|nazwisko|imię i nazwisko|imie i nazwisko|od|do|nadawca|odbiorca|"+
		"nume|prenume|nume complet|nume și prenume|nume si prenume|expeditor|destinatar|"+
		"by|ordered by|booked by|requested by|submitted by|created by|bestellt von|gebucht von|par|commandé par|"+
		"ordinato da|prenotato da|por|pedido por|reservado por|door|besteld door|przez|zamówione przez|"+
		"comandat de|rezervat de").
	add(trigTitle, "mr|mrs|ms|miss|mx|dr|prof|sir|madam|"+
		"herr|frau|hr|fr|dr. med|"+
		"m|mme|mlle|monsieur|madame|mademoiselle|maître|"+
		"sig|sig.ra|sig.na|signor|signore|signora|signorina|dott|dott.ssa|avv|ing|"+
		"sr|sra|srta|señor|señora|señorita|don|doña|"+
		"dhr|mevr|mw|meneer|mevrouw|de heer|"+
		"pan|pani|panią|panem|państwo|"+
		"dl|dna|d-l|d-na|domnul|doamna|domnului|doamnei|domnișoara").
	add(trigRole, "patient|patientin|patiënt|paziente|paciente|pacjent|pacjentka|pacient|pacienta|"+
		"passenger|passagier|passagierin|fahrgast|passager|passagère|passeggero|passeggera|"+
		"pasajero|pasajera|pasażer|pasażerka|pasager|pasageră|"+
		"employee|mitarbeiter|mitarbeiterin|salarié|salariée|employé|employée|dipendente|"+
		"empleado|empleada|medewerker|medewerkster|werknemer|pracownik|pracownica|angajat|angajată|angajatul|"+
		"policyholder|policy holder|insured|insured person|versicherungsnehmer|versicherungsnehmerin|"+
		"versicherte|versicherter|assuré|assurée|assicurato|assicurata|contraente|asegurado|asegurada|"+
		"tomador|verzekerde|verzekeringnemer|ubezpieczony|ubezpieczona|asigurat|asigurată|asiguratul|"+
		"account holder|kontoinhaber|kontoinhaberin|titulaire|titulaire du compte|intestatario|intestataria|"+
		"intestatario del conto|titular|titular de la cuenta|rekeninghouder|właściciel|właścicielka|"+
		"właściciel rachunku|właściciel konta|titular cont|titularul contului|cardholder|karteninhaber|"+
		"customer|kunde|kundin|client|cliente|klant|klient|klientka|"+
		"tenant|mieter|mieterin|locataire|inquilino|inquilina|huurder|najemca|chiriaș|"+
		"guest|gast|invité|ospite|huésped|gość|oaspete|"+
		"applicant|antragsteller|antragstellerin|demandeur|richiedente|solicitante|aanvrager|wnioskodawca|solicitant|"+
		"beneficiary|begünstigter|bénéficiaire|beneficiario|begunstigde|beneficjent|beneficiar|"+
		"recipient|payee|driver|fahrer|fahrerin|conducteur|conducente|conductor|bestuurder|kierowca|șofer|"+
		"contact person|kontaktperson|persona di contatto|persona de contacto|contactpersoon|osoba kontaktowa|persoană de contact|"+
		"dear|liebe|lieber|sehr geehrte|sehr geehrter|cher|chère|caro|cara|gentile|egregio|estimado|estimada|"+
		"querido|querida|beste|geachte|drogi|droga|szanowny|szanowna|stimate|stimată|dragă|"+
		"please add|add|aggiungete|aggiungere|aggiungi|ajouter|d'ajouter|ajoutez|añadid a|añadir a|añade a|"+
		"agregar a|agregue a|hinzufügen|voeg|toevoegen|dopisać|dopiszcie|adăugați pe|adăugați|adăugați-l pe|"+
		"să-l adăugați pe|adaugati pe|"+
		"c/o|care of|attn|attention|for the attention of|on behalf of|z. hd|zu händen|zhd|im auftrag von|"+
		"à l'attention de|de la part de|all'attenzione di|alla c.a|c.a|a la atención de|a/a|t.a.v|ter attentie van|"+
		"namens|do rąk|w imieniu|în atenția|in atentia|în numele|"+
		"wife|husband|son|daughter|mother|father|partner|brother|sister|colleague|"+
		"ehefrau|ehemann|mann|sohn|tochter|mutter|vater|bruder|schwester|kollege|kollegin|"+
		"femme|mari|fils|fille|mère|père|frère|sœur|soeur|collègue|"+
		"moglie|marito|figlio|figlia|madre|padre|fratello|sorella|collega|"+
		"esposa|esposo|marido|mujer|hijo|hija|hermano|hermana|compañero|compañera|"+
		"vrouw|echtgenote|echtgenoot|zoon|dochter|moeder|vader|broer|zus|collega|"+
		"żona|mąż|syn|córka|matka|ojciec|brat|siostra|kolega|koleżanka|"+
		"soția|soțul|sotia|sotul|fiul|fiica|mama|tata|fratele|sora|colegul|colega").
	add(trigSignoff, "regards|kind regards|best regards|warm regards|yours sincerely|sincerely|yours faithfully|"+
		"best wishes|all the best|many thanks|"+
		"grüße|grüsse|gruß|gruss|viele grüße|liebe grüße|beste grüße|freundliche grüße|"+
		"mit freundlichen grüßen|mit freundlichen grüssen|mfg|lg|vg|"+
		"cordialement|bien cordialement|bien à vous|salutations|sincères salutations|amicalement|"+
		"cordiali saluti|distinti saluti|saluti|un saluto|cordialmente|"+
		"saludos|un saludo|saludos cordiales|atentamente|un cordial saludo|"+
		"met vriendelijke groet|vriendelijke groet|groet|groeten|hartelijke groet|"+
		"pozdrawiam|z poważaniem|z powazaniem|serdecznie pozdrawiam|łączę pozdrowienia|"+
		"cu stimă|cu stima|cu respect|toate cele bune|cu drag|o zi bună").
	add(trigSignoffSep, "thanks|thank you|thanks again|best|cheers|"+
		"danke|vielen dank|danke schön|"+
		"merci|merci beaucoup|"+
		"grazie|grazie mille|"+
		"gracias|muchas gracias|"+
		"bedankt|dank je|dank u|"+
		"dziękuję|dziekuje|dzięki|"+
		"mulțumesc|multumesc|mersi").
	add(trigWeak, "contact|call|ask for|speak to|spoke to|spoke with|talk to|talked to|with|"+
		"sprechen sie mit|mit|parler à|avec|parlare con|con|hablar con|spreken met|rozmawiać z|vorbi cu|cu")

// titleNeedsDot are title abbreviations that are also ordinary words or units ("5 m Kabel"): they
// count as a title only when written with a full stop.
var titleNeedsDot = newWordSet("m hr fr ing avv dott dl dna sig")

// personParticles are the lower-case words that join parts of a name.
var personParticles = newWordSet("van der den de del della dello dei degli di da das dos du le la les",
	"von zu vom zum ten ter te t y i e bin ben al el los las")

// nameStop are capitalised words that never start or continue a name: greetings, sign-off words,
// team and service words, document and payment words, products.
var nameStop = func() wordSet {
	s := newWordSet(
		"please bitte svp stp prego por favor alstublieft proszę vă rog",
		"hello hi hey dear hallo moin servus grüß guten tag morgen abend bonjour bonsoir salut coucou",
		"ciao salve buongiorno buonasera hola buenas buenos días dias tardes goedemorgen goedemiddag",
		"goedenavond dag hoi beste witam dzień dobry cześć bună buna ziua seara salutare",
		"thanks thank danke merci grazie gracias bedankt dziękuję mulțumesc regards cheers",
		"today tomorrow yesterday heute gestern aujourd'hui demain hier oggi domani ieri hoy mañana ayer",
		"vandaag gisteren dzisiaj jutro wczoraj azi astăzi mâine",
		"also however unfortunately leider malheureusement purtroppo desafortunadamente helaas niestety",
		"happy new year christmas easter weihnachten ostern noël pâques natale pasqua navidad kerst",
		// organisation, support and service words
		"team support service services customer customers client clients help desk helpdesk office sales",
		"billing accounts account department admin administrator manager management staff hr it",
		"kundenservice kundendienst kundensupport abteilung verwaltung vertrieb buchhaltung",
		"équipe equipe service clientèle clientele assistance comptabilité direction",
		"servizio clienti assistenza ufficio squadra amministrazione",
		"equipo soporte atención atencion cliente departamento oficina administración",
		"klantenservice klantendienst afdeling administratie",
		"zespół zespol obsługa obsluga klienta dział dzial biuro",
		"echipa echipă suport serviciul clienți clienti departamentul birou",
		"company firma gmbh ag kg ohg ug ltd limited plc llc inc corp sa sas sarl srl spa sl bv nv zoo",
		"bank sparkasse volksbank commerzbank bnp paribas société générale unicredit intesa santander bbva",
		"ing rabobank abn amro pko bcr brd",
		// documents, payment and identifiers
		"iban bic swift pin puk tan otp id ids passport reisepass pass passeport passaporto pasaporte paspoort",
		"paszport pașaport pasaport visa mastercard amex card karte carte carta tarjeta kaart karta card",
		"invoice rechnung facture fattura factura factuur faktura factură order bestellung commande ordine",
		"pedido bestelling zamówienie comanda ticket nr no number nummer numéro numero número numer număr",
		"email e-mail mail phone telefon téléphone telefono teléfono telefoon tel fax mobile handy",
		"address adresse indirizzo dirección direccion adres adresa cnp pesel nif nie dni bsn nir svnr",
		"date datum data fecha birthday geburtstag anniversaire compleanno cumpleaños verjaardag urodziny",
		"account konto compte conto cuenta rekening cont password passwort",
		"api app web website online offline login logout server cloud premium pro plus basic free gold",
		"silver platinum business enterprise standard edition version update upgrade release beta",
		// products and brands people name in chats
		"iphone ipad macbook mac apple android google samsung galaxy pixel windows microsoft office excel",
		"word outlook teams zoom slack amazon prime ebay paypal netflix spotify whatsapp facebook instagram",
		"linkedin twitter tiktok youtube chrome firefox safari linux ubuntu dhl ups fedex dpd gls hermes",
		"royal mail poste posta correos postnl inpost",
	)
	// Words of titles, sign-offs and self-introductions ("Herr", "Grüße", "heiße") are never names.
	for _, ps := range personTriggers.byLast {
		for _, p := range ps {
			if p.tag == trigRole || p.tag == trigLabel || p.tag == trigWeak {
				continue
			}
			for _, w := range p.words {
				if !personParticles.has(w) && !givenNames.has(w) && !surnames.has(w) && len(w) > 1 {
					s[w] = struct{}{}
				}
			}
		}
	}
	return s
}()

// softStop are capitalised words that are rarely a name but may be one (pronouns that are also given
// names like "Ella", months like "August", places like "Paris", street words like "Dijk", context
// words like "Mari"). A name found without context may not contain them; after a context word they
// may be a surname, or a given name when a surname follows.
var softStop = func() wordSet {
	s := newWordSet(
		"morgen co post",
		// places
		"street st road rd avenue ave lane ln drive dr close way court ct place pl square hill park",
		"straße strasse str weg allee platz gasse ring damm ufer markt",
		"rue avenue boulevard bd chemin allée allee impasse quai cours route passage",
		"via viale piazza corso largo vicolo strada contrada borgo",
		"calle avenida plaza paseo camino carretera ronda travesía",
		"straat laan plein gracht kade dijk singel",
		"ulica ul aleja al osiedle os plac",
		"strada str bulevardul calea aleea piața piata intrarea șoseaua soseaua splaiul",
		"london manchester birmingham leeds glasgow liverpool edinburgh bristol cardiff belfast dublin cork",
		"berlin hamburg münchen munich köln cologne frankfurt stuttgart düsseldorf dortmund essen leipzig",
		"bremen dresden hannover nürnberg wien vienna graz linz salzburg innsbruck zürich zurich genf bern",
		"paris marseille lyon toulouse nice nantes strasbourg montpellier bordeaux lille rennes reims",
		"bruxelles brussel brussels antwerpen anvers gent gand liège luik luxembourg",
		"roma rome milano milan napoli naples torino turin palermo genova bologna firenze florence venezia",
		"venice verona bari catania trieste padova",
		"madrid barcelona valencia sevilla zaragoza málaga malaga murcia palma bilbao alicante córdoba",
		"valladolid vigo granada lisboa lisbon porto",
		"amsterdam rotterdam den haag utrecht eindhoven groningen tilburg almere breda nijmegen",
		"warszawa warsaw kraków krakow łódź lodz wrocław wroclaw poznań poznan gdańsk gdansk szczecin",
		"bydgoszcz lublin katowice białystok gdynia",
		"bucurești bucuresti bucharest cluj napoca timișoara timisoara iași iasi constanța constanta",
		"craiova brașov brasov galați galati ploiești oradea",
		"germany deutschland austria österreich france frankreich italy italia italien spain españa espana",
		"spanien netherlands nederland niederlande belgium belgië belgique poland polska polen romania",
		"românia europe europa eu uk england scotland wales ireland usa america switzerland schweiz suisse",
		"english deutsch german french français italian italiano spanish español dutch nederlands polish",
		"polski romanian română",
	)
	for m := range monthNames {
		if len(m) > 3 {
			s[m] = struct{}{}
		}
	}
	for w := range weekdayNames {
		s[w] = struct{}{}
	}
	for w := range funcWords {
		s[w] = struct{}{}
	}
	// Role and label words ("Patient", "Mari", "Dear") rarely belong to a name, but some are surnames.
	for _, ps := range personTriggers.byLast {
		for _, p := range ps {
			for _, w := range p.words {
				if !personParticles.has(w) && !givenNames.has(w) && len(w) > 1 {
					s[w] = struct{}{}
				}
			}
		}
	}
	return s
}()

// funcWords are pronouns, articles and other function words. A name may not start with one unless
// it is also a given name ("Ella", "Ida"): "This is Not Working" holds no name.
var funcWords = newWordSet(
	"i me my we our you your he she it they the a an this that these those and or but if so not no yes",
	"ich mich mein meine wir unser sie ihr ihre er es der die das den dem ein eine und oder aber nicht ja nein",
	"je moi mon ma mes nous vous il elle ils elles le la les un une et ou mais pas oui non ce cette",
	"io mio mia noi voi lui lei loro il lo gli un una e o ma non sì si no questo questa",
	"yo mi mis nosotros vosotros usted ustedes él ella ellos el los las un una y o pero sí no este esta",
	"ik mij mijn wij we ons onze jij je u uw hij zij het een en of maar niet ja nee dit deze",
	"ja mnie mój moja my nasz wy pan pani on ona oni i lub ale nie tak ten ta to",
	"eu mine meu mea noi voi el ea ei ele și si sau dar nu da acest această",
)

// companySuffix are legal-form words that turn a name before them into a company name.
var companySuffix = newWordSet("ltd limited plc llc inc corp gmbh ag kg ohg ug mbh sa sas sarl srl spa sl slu bv nv")

// lowerStop are lower-case words that cannot be a name written in lower case after "my name is".
var lowerStop = newWordSet(
	"and or but not is are was the a an in on at to for from of with my your please thanks",
	"und oder aber nicht ist der die das ein eine in im am zu für von mit bitte danke",
	"et ou mais pas est le la les un une en au à de du des pour avec merci",
	"e o ma non è il lo la gli un una in a da di per con grazie",
	"y o pero no es el la los las un una en a de del para con gracias",
	"en of maar niet is de het een in op aan voor van met bedankt",
	"i lub ale nie jest w na do z od dla dziękuję",
	"și si sau dar nu este e un o în in la de pe cu pentru mulțumesc",
)

// personMatch is a candidate name: tokens first..last (inclusive).
type personMatch struct {
	first, last int
	words       int  // name words, not counting initials and particles
	given       bool // the first word is a known given name
	sur         bool // the last word is a known surname
}

// Detect implements redact.Detector.
func (p *Person) Detect(t *redact.Text, dst []redact.Finding) []redact.Finding {
	toks := t.Tokens
	for i := 0; i < len(toks); i++ {
		if _, tag, ok := personTriggers.matchEnd(t, i); ok && i+1 < len(toks) {
			if m, ok := afterTrigger(t, i, tag); ok {
				dst = appendPerson(t, dst, m, personConf[tag])
				i = m.last
				continue
			}
		}
		if m, ok := nameBeforeDetails(t, i); ok {
			dst = appendPerson(t, dst, m, personConfBefore)
			i = m.last
			continue
		}
		if m, ok := bareName(t, i); ok {
			conf := personBare
			if m.sur {
				conf = personBareKnown
			}
			dst = appendPerson(t, dst, m, conf)
			i = m.last
		}
	}
	return dst
}

func appendPerson(t *redact.Text, dst []redact.Finding, m personMatch, conf float64) []redact.Finding {
	if n := m.last + 1; n < len(t.Tokens) && onlySpaces(gap(t, n)) && companySuffix.has(tokLower(t, n)) {
		return dst // "Thomas Cook Ltd", "Anna Schmidt GmbH": a company named after people
	}
	return append(dst, redact.Finding{
		Type: redact.Person, Start: t.Tokens[m.first].Start, End: t.Tokens[m.last].End, Confidence: conf,
	})
}

// afterTrigger parses the name that a trigger of kind tag, ending at token i, introduces.
func afterTrigger(t *redact.Text, i int, tag uint8) (personMatch, bool) {
	j := i + 1
	g := gap(t, j)
	if !triggerGapOK(g, tag) {
		return personMatch{}, false
	}
	if tag == trigTitle && titleNeedsDot.has(tokLower(t, i)) && g != ". " {
		return personMatch{}, false
	}
	lower := tag == trigNamePhrase
	caps := tag == trigNamePhrase || tag == trigLabel
	particleStart := tag != trigSelf && tag != trigSignoff && tag != trigSignoffSep && tag != trigWeak
	m, ok := parseName(t, j, nameOpts{lower: lower, caps: caps, particleStart: particleStart})
	if !ok {
		return m, false
	}
	switch tag {
	case trigNamePhrase, trigLabel, trigTitle:
		return m, true
	case trigSelf:
		return m, m.words >= 2 || m.given
	case trigRole, trigSignoff, trigSignoffSep:
		return m, m.words >= 2
	case trigWeak:
		return m, m.words >= 2 && (m.given || m.sur)
	}
	return m, false
}

// triggerGapOK checks what separates a trigger from the name after it.
func triggerGapOK(g string, tag uint8) bool {
	switch tag {
	case trigSignoff, trigSignoffSep:
		if len(g) > 8 || len(g) == 0 {
			return false
		}
		sep := false
		for i := 0; i < len(g); i++ {
			switch g[i] {
			case ',', '\n', '!', '.', '-':
				sep = true
			case ' ', '\t', '\r':
			default:
				return false
			}
		}
		return sep || tag == trigSignoff
	case trigLabel:
		return strings.IndexByte(g, ':') >= 0 && len(g) <= 4 && strings.IndexByte(g, '\n') < 0 ||
			g == "\t"
	case trigTitle:
		return g == " " || g == ". " || g == "  "
	default:
		if len(g) == 0 || len(g) > 3 {
			return false
		}
		for i := 0; i < len(g); i++ {
			if g[i] != ' ' && g[i] != ':' {
				return false
			}
		}
		return true
	}
}

// bareName finds a name without context: a known, unambiguous given name in capitals followed by
// another capitalised word that is not a common word, a month or a place.
func bareName(t *redact.Text, i int) (personMatch, bool) {
	k := t.Tokens[i]
	if !isCapWord(k) {
		return personMatch{}, false
	}
	w := tokLower(t, i)
	if !givenNames.has(w) || nameStop.has(w) || softStop.has(w) {
		return personMatch{}, false
	}
	// Inside a longer run of capitalised words ("Hotel Maria Theresia", "Aleea Anghel Saligny")
	// the given name is more likely part of a place or an organisation.
	if i > 0 && onlySpaces(gap(t, i)) && isCapWord(t.Tokens[i-1]) {
		if p := tokLower(t, i-1); !nameStop.has(p) || softStop.has(p) {
			return personMatch{}, false
		}
	}
	m, ok := parseName(t, i, nameOpts{strict: true})
	if !ok || m.words < 2 {
		return personMatch{}, false
	}
	if ambiguousGiven.has(w) && !m.sur {
		return personMatch{}, false
	}
	return m, true
}

// nameBeforeDetails finds a name of two or more capitalised words that a comma and a birth date or
// passport context follow ("Jan Kowalski, ur. 12.03.1980", "Ana Pop, pașaport 05123456").
func nameBeforeDetails(t *redact.Text, i int) (personMatch, bool) {
	if !isCapWord(t.Tokens[i]) || i > 0 && onlySpaces(gap(t, i)) && isCapWord(t.Tokens[i-1]) {
		return personMatch{}, false
	}
	m, ok := parseName(t, i, nameOpts{})
	if !ok || m.words < 2 {
		return personMatch{}, false
	}
	n := m.last + 1
	if n >= len(t.Tokens) || gap(t, n) != ", " {
		return personMatch{}, false
	}
	for k := n; k < len(t.Tokens) && k < n+4; k++ {
		if _, _, ok := dobTriggers.matchEnd(t, k); ok && dobTriggerStart(t, k) == n {
			return m, true
		}
		if _, _, ok := passportTriggers.matchEnd(t, k); ok {
			return m, true
		}
	}
	return personMatch{}, false
}

// dobTriggerStart returns the first token of the birth-date phrase that ends at token k.
func dobTriggerStart(t *redact.Text, k int) int {
	s, _, _ := dobTriggers.matchEnd(t, k)
	return s
}

// nameOpts tunes parseName.
type nameOpts struct {
	lower         bool // the first word may be lower case; later lower-case words must be known names
	particleStart bool // the name may begin with a particle ("Herr van der Meer")
	strict        bool // no context: soft stop words end the name
	caps          bool // words may be written in capitals ("Name: JOHN SMITH")
}

// personMaxWords bounds the words of one name ("María de los Ángeles Uribe Casares" has five).
const personMaxWords = 6

// parseName reads a name starting at token j: capitalised words (hyphenated and apostrophe
// compounds included), middle initials ("F."), and particles between words ("van der", "de la").
func parseName(t *redact.Text, j int, o nameOpts) (personMatch, bool) {
	toks := t.Tokens
	m := personMatch{first: j, last: -1}
	start := toks[j].Start
	softFirst := false
	k := j
	for k < len(toks) && m.words < personMaxWords {
		if k > j {
			if g := gap(t, k); !onlySpaces(g) || len(g) > 2 {
				break
			}
		}
		// a name word, maybe a compound
		if o.caps && isCapsWord(t, k) && toks[k].End-start <= personMaxLen {
			m.words++
			m.last = k
			k++
			continue
		}
		if e, soft, ok := nameWord(t, k, o.lower && k == j, o.strict, m.words == 0); ok {
			if toks[e].End-start > personMaxLen {
				break
			}
			if m.words == 0 {
				m.given = givenNames.has(tokLower(t, k))
				softFirst = soft
			}
			m.sur = m.words > 0 && (surnames.has(tokLower(t, e)) || givenNames.has(tokLower(t, e)))
			m.words++
			m.last = e
			k = e + 1
			continue
		}
		// a lower-case surname after a lower-case given name ("my name is anna kowalska")
		if o.lower && m.words > 0 && isLowerWord(toks[k]) && surnames.has(tokLower(t, k)) {
			m.sur = true
			m.words++
			m.last = k
			k++
			continue
		}
		// a middle initial: "John F. Smith"
		if m.words > 0 && isInitial(t, k) && k+1 < len(toks) {
			if g := gap(t, k+1); g == ". " || g == "." {
				if e, _, ok := nameWord(t, k+1, false, o.strict, false); ok && toks[e].End-start <= personMaxLen {
					m.words++
					m.sur = surnames.has(tokLower(t, e))
					m.last = e
					k = e + 1
					continue
				}
			}
			break
		}
		// particles: "van der", "de la", "di"
		if (m.words > 0 || o.particleStart) && isLowerWord(toks[k]) && personParticles.has(tokLower(t, k)) {
			e := k
			for e < len(toks) && e-k < 3 && isLowerWord(toks[e]) && personParticles.has(tokLower(t, e)) {
				if e > k && !onlySpaces(gap(t, e)) && !(gap(t, e) == " '" && tokLower(t, e) == "t") {
					break
				}
				e++
			}
			if e < len(toks) && onlySpaces(gap(t, e)) {
				if end, _, ok := nameWord(t, e, false, o.strict, m.words == 0); ok && toks[end].End-start <= personMaxLen {
					m.words++
					m.sur = surnames.has(tokLower(t, end))
					m.last = end
					k = end + 1
					continue
				}
			}
			break
		}
		break
	}
	if m.words == 0 || softFirst && m.words < 2 {
		return m, false
	}
	return m, true
}

// nameWord reports whether a name word starts at token k and returns the index of its last token,
// and whether the word is a soft stop word. Compounds joined by '-' or an apostrophe without spaces
// ("Anne-Marie", "O'Brien", "D'Angelo") are one word. With lower the word may be in lower case.
func nameWord(t *redact.Text, k int, lower, strict, first bool) (last int, soft, ok bool) {
	toks := t.Tokens
	tok := toks[k]
	w := tokLower(t, k)
	switch {
	case isCapWord(tok):
		if nameStop.has(w) || first && funcWords.has(w) && !givenNames.has(w) {
			return 0, false, false
		}
		soft = softStop.has(w)
		if soft && strict {
			return 0, false, false
		}
	case lower && isLowerWord(tok) && utf8.RuneCountInString(w) >= 2:
		if lowerStop.has(w) || nameStop.has(w) || softStop.has(w) || personParticles.has(w) {
			return 0, false, false
		}
		return k, false, true // a lower-case name is not extended into compounds
	case isInitial(t, k) && k+1 < len(toks) && isApostrophe(gap(t, k+1)) && isCapWord(toks[k+1]):
		// "O'Brien": the single capital is the first part of the compound
	case isInitial(t, k) && k+1 < len(toks) && isC1(gap(t, k+1)) && isLowerWord(toks[k+1]):
		// "Ã\u0096mer": "Ömer" decoded twice; the control character splits the word
		return k + 1, false, true
	default:
		return 0, false, false
	}
	e := k
	for e+1 < len(toks) {
		g := gap(t, e+1)
		if g != "-" && !isApostrophe(g) {
			break
		}
		next := toks[e+1]
		nw := tokLower(t, e+1)
		if !isCapWord(next) || nameStop.has(nw) || softStop.has(nw) {
			if g == "-" && isCapWord(next) {
				return 0, false, false // "Karl-Marx-Str": a compound with a common word is no name
			}
			break
		}
		e++
	}
	if e == k && !isCapWord(tok) {
		return 0, false, false
	}
	return e, soft && e == k, true
}

// isCapsWord reports whether token k is a word in capitals that may be a name ("SMITH"): letters
// only, at least two of them, and not a known non-name word ("IBAN", "PESEL").
func isCapsWord(t *redact.Text, k int) bool {
	tok := t.Tokens[k]
	if tok.Flags&(redact.HasDigit|redact.HasLower) != 0 || !tok.Is(redact.HasUpper) || tok.End-tok.Start < 2 {
		return false
	}
	w := tokLower(t, k)
	return !nameStop.has(w) && !softStop.has(w)
}

// isC1 reports whether g is one C1 control character, the trace of text decoded twice.
func isC1(g string) bool {
	r, n := utf8.DecodeRuneInString(g)
	return n == len(g) && r >= 0x80 && r <= 0x9f
}

// isInitial reports whether token k is one capital letter.
func isInitial(t *redact.Text, k int) bool {
	tok := t.Tokens[k]
	return tok.Is(redact.InitUpper) && utf8.RuneCountInString(tokText(t, k)) == 1
}

func isApostrophe(g string) bool { return g == "'" || g == "’" }

var _ redact.Detector = (*Person)(nil)
