package detect

import (
	"embed"
	"strings"
)

// The name gazetteer: common given names and surnames of the EU languages Veil supports, embedded in
// the binary and loaded once. See names/README.md for its source and licence.

//go:embed names/given.txt names/surnames.txt
var nameFiles embed.FS

var (
	givenNames = loadNames("names/given.txt")
	surnames   = withFeminineForms(loadNames("names/surnames.txt"))
)

// withFeminineForms adds the feminine form of Polish adjectival surnames (Kowalski → Kowalska,
// Nowicki → Nowicka) so that both spellings are found with one lookup.
func withFeminineForms(s *wordSet) *wordSet {
	add := make([]string, 0, 64)
	for w := range s.m {
		if strings.HasSuffix(w, "ski") || strings.HasSuffix(w, "cki") || strings.HasSuffix(w, "dzki") {
			add = append(add, w[:len(w)-1]+"a")
		}
	}
	for _, w := range add {
		s.add(w)
	}
	return s
}

// loadNames reads one gazetteer file into a lower-case set.
func loadNames(path string) *wordSet {
	b, err := nameFiles.ReadFile(path)
	if err != nil {
		panic("detect: reading embedded " + path + ": " + err.Error())
	}
	s := newWordSet()
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		for _, w := range strings.Fields(line) {
			s.add(strings.ToLower(w))
		}
	}
	return s
}

// ambiguousGiven are given names that are also everyday words, months or places. Without context
// they count as a given name only when a known surname follows.
var ambiguousGiven = newWordSet(
	"will may june april august mark bill rose grace hope joy faith summer autumn amber ruby jade",
	"art guy max frank dean page lane ray rich pat sue don jack miles victoria florence paris",
	"sofia lucia santiago jordan chase hunter carter mason cooper piper rory sky star crystal",
	"angel ángel angela dolores mercedes rosario soledad consuelo remedios pilar nieves gloria",
	"trinidad milagros estrella inmaculada concepción concepcion asunción lourdes guadalupe",
	"fortuna marina lima",
	"roma milano napoli franco bruno nico leon león georgia virginia carolina",
	"emma ella ava noa alma mia lea lena liv eva ida pia",
	"christian holly daisy poppy violet ivy lily willow hazel iris rosa luz paz amparo rocío rocio aurora",
	"marine claire pierre olivier victoire constance prudence ambre capucine maja pola doina florin dan ion",
	"bianca serena felice violeta flora hugo",
)

// The vocabulary of the PERSON detector: context phrases and the words that never or rarely belong
// to a name.

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
		"ik ben|u spreekt met|hoi met|hallo met|dag met|goedemorgen met|goedemiddag met|goedenavond met|"+
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
		"card holder|titulaire de la carte|intestatario della carta|titolare|titolare della carta|"+
		"titular de la tarjeta|kaarthouder|posiadacz karty|posiadacz|titularul cardului|"+
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
		"soția|soțul|sotia|sotul|fiul|fiica|mama|tata|fratele|sora|colegul|colega|"+
		"soțul meu|soția mea|sotul meu|sotia mea|fiul meu|fiica mea|fratele meu|sora mea|mama mea|tatăl meu|"+
		// deliveries and the name an account or booking is in
		"deliver to|delivery to|ship to|bezorgen bij|afleveren bij|klingeln bei|lieferung an|zustellung an|"+
		"livraison chez|livrer chez|sonner chez|consegna a|consegnare a|citofono|entrega a|entregar a|"+
		"dostawa do|dostarczyć do|livrare către|livrare catre|tenaamstelling|ten name van|t.n.v|"+
		"in the name of|under the name|au nom de|a nome di|a nombre de|auf den namen|auf den namen von|"+
		"na nazwisko|pe numele").
	add(trigSignoff, "regards|kind regards|best regards|warm regards|yours sincerely|sincerely|yours faithfully|"+
		"best wishes|all the best|many thanks|"+
		"grüße|grüsse|gruß|gruss|viele grüße|liebe grüße|beste grüße|freundliche grüße|"+
		"mit freundlichen grüßen|mit freundlichen grüssen|mfg|lg|vg|"+
		"cordialement|bien cordialement|bien à vous|salutations|sincères salutations|amicalement|"+
		"cordiali saluti|distinti saluti|saluti|un saluto|cordialmente|"+
		"saludos|un saludo|saludos cordiales|atentamente|un cordial saludo|"+
		"met vriendelijke groet|vriendelijke groet|groet|groeten|hartelijke groet|"+
		"pozdrawiam|z poważaniem|z powazaniem|serdecznie pozdrawiam|łączę pozdrowienia|"+
		"cu stimă|cu stima|cu respect|toate cele bune|cu drag|o zi bună|"+
		"greetings|groetjes|salutări|salutari|pozdrowienia").
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

// personColonLabels are label words that introduce a name only before a colon ("Kontakt: Anna
// Nowak"); without one some of them are weak triggers ("contact Anna Nowak") or ordinary words.
var personColonLabels = newPhraseSet().
	add(trigLabel, "contact|kontakt|contacto|contatto|referente|referent|owner|inhaber")

// personPlacePreps are the words that put a place between a greeting and the name under it
// ("Grüße aus Bremen\nAnna Kowalska").
var personPlacePreps = newWordSet("from aus uit vanuit de desde da dal dalla z ze din di depuis van")

// personHere are the words after a name that introduces its writer ("hi, Anna Kowalska here").
var personHere = newWordSet("here hier ici qui aquí aqui tutaj aici")

// brandPersons are brands named after people ("Tommy Hilfiger", "Giorgio Armani"): a name found
// without context that is one of them is the brand.
var brandPersons = func() map[string]struct{} {
	m := make(map[string]struct{})
	for _, b := range strings.Split("tommy hilfiger|tom tailor|louis vuitton|giorgio armani|emporio armani|"+
		"ralph lauren|calvin klein|hugo boss|michael kors|marc jacobs|tom ford|yves saint laurent|"+
		"christian dior|coco chanel|karl lagerfeld|carolina herrera|adolfo domínguez|adolfo dominguez|"+
		"gianni versace|donatella versace|salvatore ferragamo|roberto cavalli|ermenegildo zegna|ted baker|"+
		"jean paul gaultier|kate spade|tory burch|vera wang|stella mccartney|vivienne westwood|"+
		"paul smith|paco rabanne|jil sander|guido maria kretschmer|"+
		"massimo dutti|pierre cardin|max mara|dolce gabbana|elie saab|estée lauder|estee lauder|"+
		"john deere|ben jerry|walt disney|harley davidson|aston martin|alfa romeo|mercedes benz|ferdinand porsche", "|") {
		m[b] = struct{}{}
	}
	return m
}()

// titleNeedsDot are title abbreviations that are also ordinary words or units ("5 m Kabel"): they
// count as a title only when written with a full stop.
var titleNeedsDot = newWordSet("m hr fr ing avv dott dl dna sig")

// personParticles are the lower-case words that join parts of a name.
var personParticles = newWordSet("van der den de del della dello dei degli di da das dos du le la les",
	"von zu vom zum ten ter te t y i e bin ben al el los las")

// nameStop are capitalised words that never start or continue a name: greetings, sign-off words,
// team and service words, document and payment words, products.
var nameStop = func() *wordSet {
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
					s.add(w)
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
var softStop = func() *wordSet {
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
			s.add(m)
		}
	}
	for w := range weekdayNames.m {
		s.add(w)
	}
	for w := range funcWords.m {
		s.add(w)
	}
	// Role and label words ("Patient", "Mari", "Dear") rarely belong to a name, but some are surnames.
	for _, ps := range personTriggers.byLast {
		for _, p := range ps {
			for _, w := range p.words {
				if !personParticles.has(w) && !givenNames.has(w) && len(w) > 1 {
					s.add(w)
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
