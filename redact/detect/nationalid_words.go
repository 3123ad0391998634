package detect

// Context words, lower-case (matched against redact.Text.Lower as whole words).

// nidGenericWords name an identity number without naming the scheme. They let a weak-checksum
// number through but do not make a failed checksum reportable.
var nidGenericWords = []string{
	"national id", "national identification number", "national identity number", "national number",
	"id number", "id no", "id-no", "id nr", "id-nr", "identity number", "identification number",
	"personal number", "personal id", "personal code", "personal identification number",
	"social security number", "social security no", "social security", "ssn", "tax id", "tax number",
	"tax identification number", "tin", "ausweisnummer", "identifikationsnummer", "personenkennzahl",
	"numéro d'identification", "numéro d'identité", "numero di identificazione", "numero identificativo",
	"número de identificación", "número de identidad", "identiteitsnummer", "persoonsnummer",
	"numer identyfikacyjny", "henkilönumero", "id-nummer",
}

// nidNegativeWords mark a nearby number as an order, invoice, shipment, product, account or phone
// number rather than a person's id, unless an id word is closer.
var nidNegativeWords = []string{
	"order", "orders", "order no", "order number", "bestellung", "bestellnummer", "bestell-nr",
	"auftrag", "auftragsnummer", "commande", "ordine", "pedido", "bestelling", "bestelnummer",
	"zamówienie", "zamówienia", "zamowienie", "comanda", "objednávka", "tilaus", "beställning",
	"tracking", "sendungsnummer", "sendung", "paket", "parcel", "colis", "shipment", "spedizione",
	"envío", "zending", "przesyłka", "awb", "invoice", "rechnung", "rechnungsnummer", "rechnungsnr",
	"facture", "factura", "fattura", "faktura", "factuur", "lasku", "receipt", "quittung", "beleg",
	"ref", "reference", "referenz", "référence", "riferimento", "referencia", "ticket", "case",
	"serial", "serial number", "seriennummer", "s/n", "sku", "ean", "gtin", "isbn", "barcode",
	"article", "artikel", "item", "product", "produkt", "transaction", "transaktion", "iban",
	"account", "konto", "kontonummer", "bic", "phone", "tel", "telefon", "téléphone", "telefono",
	"teléfono", "telefoon", "mobile", "handy", "fax", "whatsapp", "booking", "buchung",
	"reservation", "confirmation", "contract", "vertrag", "vertragsnummer", "kundennummer",
	"customer number", "customer no", "member", "mitgliedsnummer", "voucher", "gutschein", "coupon",
	"pin", "otp", "code",
}

var wordsDETaxID = []string{
	"steuer-id", "steuerid", "steuer-idnr", "steuer-id-nr", "steuer-identifikationsnummer",
	"steueridentifikationsnummer", "steuerliche identifikationsnummer", "identifikationsnummer",
	"idnr", "id-nr", "steuernummer", "steuer-nr", "steuer id", "tax id", "tin",
}

var wordsDEIDCard = []string{
	"personalausweis", "personalausweisnummer", "personalausweis-nr", "ausweisnummer", "ausweis-nr",
	"ausweis", "ausweisnr", "perso", "id card", "identity card", "id-karte", "dokumentennummer",
	"document number", "seriennummer des ausweises",
}

var wordsFRNIR = []string{
	"nir", "numéro de sécurité sociale", "numero de securite sociale", "n° de sécurité sociale",
	"sécurité sociale", "securite sociale", "sécu", "secu", "numéro insee", "insee", "carte vitale",
	"social security number", "n° ss", "nss", "n° sécu",
}

var wordsITCF = []string{
	"codice fiscale", "cod. fiscale", "cod. fisc.", "c.f.", "cf", "tessera sanitaria",
	"fiscal code", "tax code", "codicefiscale",
}

var wordsESDNI = []string{
	"dni", "d.n.i.", "documento nacional de identidad", "nif", "n.i.f.", "carnet de identidad",
}

var wordsESNIE = []string{
	"nie", "n.i.e.", "número de identidad de extranjero", "numero de identidad de extranjero",
	"número de identificación de extranjero", "tarjeta de residencia", "nif",
}

var wordsNLBSN = []string{
	"bsn", "burgerservicenummer", "burger service nummer", "burgerservice nummer", "sofinummer",
	"sofi-nummer", "sofi nummer", "citizen service number",
}

var wordsBENN = []string{
	"rijksregisternummer", "rijksregister", "rijksregisternr", "numéro national",
	"numéro de registre national", "registre national", "numero national", "insz", "niss",
	"national register number", "national number", "nationaal nummer", "rrn", "identificatienummer",
}

var wordsATSVNR = []string{
	"sozialversicherungsnummer", "sozialversicherungs-nr", "svnr", "sv-nr", "sv-nummer", "svn",
	"versicherungsnummer", "e-card", "sozialversicherung", "social security number",
}

var wordsPLPESEL = []string{"pesel", "numer pesel", "nr pesel"}

var wordsROCNP = []string{"cnp", "c.n.p.", "cod numeric personal", "codul numeric personal"}

var wordsSEPNR = []string{
	"personnummer", "personnr", "pers.nr", "pnr", "samordningsnummer", "personal identity number",
	"swedish personal number",
}

var wordsDKCPR = []string{
	"cpr", "cpr-nr", "cpr-nummer", "cpr nr", "cpr-number", "cpr number", "personnummer",
	"sundhedskort", "personal identification number",
}

var wordsFIHETU = []string{
	"henkilötunnus", "henkilotunnus", "hetu", "sotu", "personbeteckning", "personal identity code",
}

var wordsPTNIF = []string{
	"nif", "contribuinte", "número de contribuinte", "numero de contribuinte", "nº contribuinte",
	"n.º contribuinte", "número de identificação fiscal", "numero de identificacao fiscal", "nipc",
	"tax number",
}

var wordsIEPPS = []string{
	"pps", "ppsn", "pps number", "pps no", "personal public service number", "personal public service",
	"rsi",
}

var wordsGBNINO = []string{
	"national insurance", "national insurance number", "ni number", "ni no", "nino", "nin",
	"insurance number",
}

var wordsCZRC = []string{
	"rodné číslo", "rodne cislo", "rodného čísla", "rč", "r.č.", "birth number", "rodné č.",
}

var wordsHROIB = []string{"oib", "osobni identifikacijski broj"}

var wordsSIEMSO = []string{"emšo", "emso", "enotna matična številka občana", "matična številka"}

var wordsBGEGN = []string{"егн", "egn", "единен граждански номер"}

var wordsEEIK = []string{"isikukood", "isikukoodi", "personal identification code"}

var wordsLTAK = []string{"asmens kodas", "asmens kodą"}

var wordsLVPK = []string{"personas kods", "personas koda"}

var wordsGRAMKA = []string{"amka", "αμκα", "α.μ.κ.α."}
