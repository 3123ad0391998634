package rights

// chatText is what Veil says in the chat, in one language.
type chatText struct {
	confirm    string // asks for YES
	erased     string // %d records, %s receipt (request) id
	cancelled  string
	holds      string // %s: counts by type
	none       string
	consent    string // %s: purpose choices
	given      string
	notGiven   string
	noConsent  string
	objections string // %s: purposes
	download   string // %s JSON link, %s CSV link
	eraseHint  string
}

// chatTexts are Veil's chat answers in the languages it understands requests in.
var chatTexts = map[string]chatText{
	"en": {
		confirm:    "You asked Veil to delete everything it keeps about you: your stored personal values, consent records and requests. This cannot be undone. Reply YES to confirm; anything else cancels.",
		erased:     "Done: everything Veil kept about you has been erased (%d records). The key that encrypted your data was destroyed first, so it can never be read again. Receipt %s is listed at /.veil/me/requests.",
		cancelled:  "Cancelled: nothing was deleted.",
		holds:      "Veil keeps these personal values about you: %s. The values themselves are never shown in the chat.",
		none:       "Veil keeps no personal values about you.",
		consent:    "Your consent choices: %s.",
		given:      "given",
		notGiven:   "not given",
		noConsent:  "You have not made any consent choices.",
		objections: "You objected to: %s.",
		download:   "Download everything Veil keeps about you at %s (JSON) or %s (CSV, for spreadsheets).",
		eraseHint:  "To have it deleted, write \"delete my data\".",
	},
	"de": {
		confirm:    "Sie haben Veil gebeten, alles zu löschen, was es über Sie speichert: Ihre gespeicherten persönlichen Angaben, Einwilligungsnachweise und Anfragen. Das kann nicht rückgängig gemacht werden. Antworten Sie mit JA, um zu bestätigen; jede andere Antwort bricht ab.",
		erased:     "Erledigt: Alles, was Veil über Sie gespeichert hatte, wurde gelöscht (%d Einträge). Der Schlüssel, mit dem Ihre Daten verschlüsselt waren, wurde zuerst vernichtet; sie können nie wieder gelesen werden. Die Bestätigung %s finden Sie unter /.veil/me/requests.",
		cancelled:  "Abgebrochen: Es wurde nichts gelöscht.",
		holds:      "Veil speichert diese persönlichen Angaben über Sie: %s. Die Werte selbst werden im Chat nie angezeigt.",
		none:       "Veil speichert keine persönlichen Angaben über Sie.",
		consent:    "Ihre Einwilligungen: %s.",
		given:      "erteilt",
		notGiven:   "nicht erteilt",
		noConsent:  "Sie haben noch keine Einwilligung erteilt oder verweigert.",
		objections: "Sie haben widersprochen: %s.",
		download:   "Alles, was Veil über Sie speichert, können Sie unter %s (JSON) oder %s (CSV für Tabellenkalkulationen) herunterladen.",
		eraseHint:  "Zum Löschen schreiben Sie „lösche meine Daten“.",
	},
	"fr": {
		confirm:    "Vous avez demandé à Veil de supprimer tout ce qu'il conserve à votre sujet : vos données personnelles enregistrées, les preuves de consentement et vos demandes. Cette action est irréversible. Répondez OUI pour confirmer ; toute autre réponse annule.",
		erased:     "C'est fait : tout ce que Veil conservait à votre sujet a été effacé (%d enregistrements). La clé qui chiffrait vos données a été détruite en premier : elles ne pourront plus jamais être lues. Le reçu %s figure sur /.veil/me/requests.",
		cancelled:  "Annulé : rien n'a été supprimé.",
		holds:      "Veil conserve ces données personnelles à votre sujet : %s. Les valeurs elles-mêmes ne sont jamais affichées dans le chat.",
		none:       "Veil ne conserve aucune donnée personnelle à votre sujet.",
		consent:    "Vos choix de consentement : %s.",
		given:      "donné",
		notGiven:   "non donné",
		noConsent:  "Vous n'avez fait aucun choix de consentement.",
		objections: "Vous vous êtes opposé(e) à : %s.",
		download:   "Téléchargez tout ce que Veil conserve à votre sujet sur %s (JSON) ou %s (CSV, pour tableur).",
		eraseHint:  "Pour tout supprimer, écrivez « supprimez mes données ».",
	},
	"it": {
		confirm:    "Hai chiesto a Veil di cancellare tutto ciò che conserva su di te: i dati personali memorizzati, le prove del consenso e le richieste. L'operazione è irreversibile. Rispondi SÌ per confermare; qualsiasi altra risposta annulla.",
		erased:     "Fatto: tutto ciò che Veil conservava su di te è stato cancellato (%d record). La chiave che cifrava i tuoi dati è stata distrutta per prima, quindi non potranno più essere letti. La ricevuta %s è disponibile su /.veil/me/requests.",
		cancelled:  "Annullato: non è stato cancellato nulla.",
		holds:      "Veil conserva questi dati personali su di te: %s. I valori non vengono mai mostrati nella chat.",
		none:       "Veil non conserva alcun dato personale su di te.",
		consent:    "Le tue scelte sul consenso: %s.",
		given:      "dato",
		notGiven:   "non dato",
		noConsent:  "Non hai ancora fatto scelte sul consenso.",
		objections: "Ti sei opposto/a a: %s.",
		download:   "Scarica tutto ciò che Veil conserva su di te da %s (JSON) o %s (CSV, per fogli di calcolo).",
		eraseHint:  "Per cancellarli, scrivi \"cancella i miei dati\".",
	},
	"es": {
		confirm:    "Has pedido a Veil que borre todo lo que guarda sobre ti: tus datos personales almacenados, los registros de consentimiento y tus solicitudes. No se puede deshacer. Responde SÍ para confirmar; cualquier otra respuesta cancela.",
		erased:     "Hecho: todo lo que Veil guardaba sobre ti se ha borrado (%d registros). La clave que cifraba tus datos se destruyó primero, así que nunca podrán volver a leerse. El justificante %s aparece en /.veil/me/requests.",
		cancelled:  "Cancelado: no se ha borrado nada.",
		holds:      "Veil guarda estos datos personales sobre ti: %s. Los valores nunca se muestran en el chat.",
		none:       "Veil no guarda ningún dato personal sobre ti.",
		consent:    "Tus decisiones de consentimiento: %s.",
		given:      "dado",
		notGiven:   "no dado",
		noConsent:  "No has tomado ninguna decisión de consentimiento.",
		objections: "Te has opuesto a: %s.",
		download:   "Descarga todo lo que Veil guarda sobre ti en %s (JSON) o %s (CSV, para hojas de cálculo).",
		eraseHint:  "Para borrarlo, escribe «borra mis datos».",
	},
	"nl": {
		confirm:    "Je hebt Veil gevraagd alles te verwijderen wat het over je bewaart: je opgeslagen persoonsgegevens, toestemmingsbewijzen en verzoeken. Dit kan niet ongedaan worden gemaakt. Antwoord JA om te bevestigen; elk ander antwoord annuleert.",
		erased:     "Klaar: alles wat Veil over je bewaarde is gewist (%d records). De sleutel waarmee je gegevens versleuteld waren is eerst vernietigd, dus ze kunnen nooit meer worden gelezen. Het bewijs %s staat op /.veil/me/requests.",
		cancelled:  "Geannuleerd: er is niets verwijderd.",
		holds:      "Veil bewaart deze persoonsgegevens over je: %s. De waarden zelf worden nooit in de chat getoond.",
		none:       "Veil bewaart geen persoonsgegevens over je.",
		consent:    "Je toestemmingskeuzes: %s.",
		given:      "gegeven",
		notGiven:   "niet gegeven",
		noConsent:  "Je hebt nog geen toestemmingskeuzes gemaakt.",
		objections: "Je hebt bezwaar gemaakt tegen: %s.",
		download:   "Download alles wat Veil over je bewaart via %s (JSON) of %s (CSV, voor spreadsheets).",
		eraseHint:  "Schrijf \"verwijder mijn gegevens\" om alles te laten verwijderen.",
	},
	"pl": {
		confirm:    "Poprosiłeś/aś Veil o usunięcie wszystkiego, co o Tobie przechowuje: zapisanych danych osobowych, dowodów zgody i wniosków. Tej operacji nie można cofnąć. Odpowiedz TAK, aby potwierdzić; każda inna odpowiedź anuluje.",
		erased:     "Gotowe: wszystko, co Veil o Tobie przechowywał, zostało usunięte (%d rekordów). Klucz, którym zaszyfrowano Twoje dane, został zniszczony jako pierwszy, więc nie da się ich już nigdy odczytać. Potwierdzenie %s znajdziesz pod /.veil/me/requests.",
		cancelled:  "Anulowano: nic nie zostało usunięte.",
		holds:      "Veil przechowuje o Tobie te dane osobowe: %s. Same wartości nigdy nie są pokazywane na czacie.",
		none:       "Veil nie przechowuje o Tobie żadnych danych osobowych.",
		consent:    "Twoje decyzje dotyczące zgody: %s.",
		given:      "udzielona",
		notGiven:   "nieudzielona",
		noConsent:  "Nie podjęto jeszcze żadnych decyzji dotyczących zgody.",
		objections: "Wniesiono sprzeciw wobec: %s.",
		download:   "Pobierz wszystko, co Veil o Tobie przechowuje: %s (JSON) lub %s (CSV, do arkuszy kalkulacyjnych).",
		eraseHint:  "Aby wszystko usunąć, napisz „usuń moje dane”.",
	},
	"ro": {
		confirm:    "Ați cerut ca Veil să șteargă tot ce păstrează despre dumneavoastră: datele personale stocate, dovezile de consimțământ și cererile. Operațiunea este ireversibilă. Răspundeți DA pentru a confirma; orice alt răspuns anulează.",
		erased:     "Gata: tot ce păstra Veil despre dumneavoastră a fost șters (%d înregistrări). Cheia cu care erau criptate datele a fost distrusă mai întâi, așa că nu mai pot fi citite niciodată. Confirmarea %s este disponibilă la /.veil/me/requests.",
		cancelled:  "Anulat: nu s-a șters nimic.",
		holds:      "Veil păstrează aceste date personale despre dumneavoastră: %s. Valorile nu sunt afișate niciodată în chat.",
		none:       "Veil nu păstrează date personale despre dumneavoastră.",
		consent:    "Opțiunile dumneavoastră privind consimțământul: %s.",
		given:      "acordat",
		notGiven:   "neacordat",
		noConsent:  "Nu ați făcut încă nicio alegere privind consimțământul.",
		objections: "V-ați opus pentru: %s.",
		download:   "Descărcați tot ce păstrează Veil despre dumneavoastră de la %s (JSON) sau %s (CSV, pentru foi de calcul).",
		eraseHint:  "Pentru ștergere, scrieți „șterge datele mele”.",
	},
}

// textsFor returns the chat texts of a language, English when there are none.
func textsFor(lang string) chatText {
	if t, ok := chatTexts[lang]; ok {
		return t
	}
	return chatTexts["en"]
}
