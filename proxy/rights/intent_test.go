package rights

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMatchIntent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		in   string
		want Intent
		lang string
	}{
		// en
		{desc: "en delete", in: "delete my data", want: IntentErase, lang: "en"},
		{desc: "en delete polite", in: "Please delete all my personal data!", want: IntentErase, lang: "en"},
		{desc: "en erase want", in: "I want you to erase my information.", want: IntentErase, lang: "en"},
		{desc: "en forget", in: "Forget me", want: IntentErase, lang: "en"},
		{desc: "en greeting and thanks", in: "Hi, can you delete my data? Thanks", want: IntentErase, lang: "en"},
		{desc: "en export", in: "export my data", want: IntentAccess, lang: "en"},
		{desc: "en what do you know", in: "What do you know about me?", want: IntentAccess, lang: "en"},
		{desc: "en which data", in: "what data do you have on me", want: IntentAccess, lang: "en"},
		{desc: "en copy", in: "Send me a copy of my personal data please", want: IntentAccess, lang: "en"},
		{desc: "en yes", in: "YES", want: IntentConfirm, lang: "en"},
		{desc: "en confirm", in: "I confirm.", want: IntentConfirm, lang: "en"},
		{desc: "en no", in: "no thanks", want: IntentCancel, lang: "en"},
		// de
		{desc: "de delete", in: "Lösche meine Daten", want: IntentErase, lang: "de"},
		{desc: "de delete formal", in: "Bitte löschen Sie alle meine persönlichen Daten.", want: IntentErase, lang: "de"},
		{desc: "de infinitive", in: "meine Daten löschen", want: IntentErase, lang: "de"},
		{desc: "de want", in: "Ich möchte meine Daten löschen", want: IntentErase, lang: "de"},
		{desc: "de no umlaut", in: "losche meine daten", want: IntentErase, lang: "de"},
		{desc: "de what do you know", in: "Was wissen Sie über mich?", want: IntentAccess, lang: "de"},
		{desc: "de which data", in: "Welche Daten haben Sie über mich", want: IntentAccess, lang: "de"},
		{desc: "de export", in: "meine Daten exportieren", want: IntentAccess, lang: "de"},
		{desc: "de yes", in: "Ja", want: IntentConfirm},
		{desc: "de confirm", in: "Ich bestätige", want: IntentConfirm, lang: "de"},
		{desc: "de no", in: "Nein", want: IntentCancel, lang: "de"},
		// fr
		{desc: "fr delete", in: "Supprimez mes données", want: IntentErase, lang: "fr"},
		{desc: "fr delete polite", in: "Veuillez effacer toutes mes données personnelles, s'il vous plaît.", want: IntentErase, lang: "fr"},
		{desc: "fr want", in: "Je veux supprimer mes données", want: IntentErase, lang: "fr"},
		{desc: "fr forget", in: "Oubliez-moi", want: IntentErase, lang: "fr"},
		{desc: "fr what do you know", in: "Qu'est-ce que vous savez sur moi ?", want: IntentAccess, lang: "fr"},
		{desc: "fr which data", in: "Quelles données avez-vous sur moi ?", want: IntentAccess, lang: "fr"},
		{desc: "fr export", in: "exporter mes données", want: IntentAccess, lang: "fr"},
		{desc: "fr yes", in: "Oui", want: IntentConfirm, lang: "fr"},
		{desc: "fr confirm", in: "oui, je confirme", want: IntentConfirm, lang: "fr"},
		{desc: "fr no", in: "Non", want: IntentCancel, lang: "fr"},
		// it
		{desc: "it delete", in: "Cancella i miei dati", want: IntentErase, lang: "it"},
		{desc: "it want", in: "Vorrei eliminare tutti i miei dati personali, per favore", want: IntentErase, lang: "it"},
		{desc: "it forget", in: "Dimenticami!", want: IntentErase, lang: "it"},
		{desc: "it what do you know", in: "Cosa sapete di me?", want: IntentAccess, lang: "it"},
		{desc: "it which data", in: "Quali dati avete su di me", want: IntentAccess, lang: "it"},
		{desc: "it export", in: "esporta i miei dati", want: IntentAccess, lang: "it"},
		{desc: "it yes accent", in: "Sì", want: IntentConfirm},
		{desc: "it confirm", in: "confermo", want: IntentConfirm, lang: "it"},
		// es
		{desc: "es delete", in: "Borra mis datos", want: IntentErase, lang: "es"},
		{desc: "es want", in: "Quiero eliminar todos mis datos personales", want: IntentErase, lang: "es"},
		{desc: "es polite", in: "Por favor, elimine mis datos.", want: IntentErase, lang: "es"},
		{desc: "es what do you know", in: "¿Qué sabes de mí?", want: IntentAccess, lang: "es"},
		{desc: "es which data", in: "¿Qué datos tienen sobre mí?", want: IntentAccess, lang: "es"},
		{desc: "es export", in: "exportar mis datos", want: IntentAccess, lang: "es"},
		{desc: "es yes", in: "Sí", want: IntentConfirm},
		{desc: "es confirm", in: "Confirmo", want: IntentConfirm, lang: "es"},
		{desc: "es cancel", in: "cancelar", want: IntentCancel, lang: "es"},
		// nl
		{desc: "nl delete", in: "Verwijder mijn gegevens", want: IntentErase, lang: "nl"},
		{desc: "nl want", in: "Ik wil al mijn persoonsgegevens verwijderen", want: IntentErase, lang: "nl"},
		{desc: "nl forget", in: "Vergeet mij alstublieft", want: IntentErase, lang: "nl"},
		{desc: "nl what do you know", in: "Wat weten jullie over mij?", want: IntentAccess, lang: "nl"},
		{desc: "nl which data", in: "Welke gegevens hebben jullie over mij", want: IntentAccess, lang: "nl"},
		{desc: "nl download", in: "download mijn gegevens", want: IntentAccess, lang: "nl"},
		{desc: "nl yes", in: "ja", want: IntentConfirm},
		{desc: "nl confirm", in: "Ik bevestig", want: IntentConfirm, lang: "nl"},
		{desc: "nl no", in: "Nee", want: IntentCancel, lang: "nl"},
		// pl
		{desc: "pl delete", in: "Usuń moje dane", want: IntentErase, lang: "pl"},
		{desc: "pl polite", in: "Proszę usunąć wszystkie moje dane osobowe.", want: IntentErase, lang: "pl"},
		{desc: "pl want", in: "Chcę usunąć moje dane", want: IntentErase, lang: "pl"},
		{desc: "pl no diacritics", in: "usun moje dane", want: IntentErase, lang: "pl"},
		{desc: "pl what do you know", in: "Co o mnie wiecie?", want: IntentAccess, lang: "pl"},
		{desc: "pl which data", in: "Jakie dane o mnie macie?", want: IntentAccess, lang: "pl"},
		{desc: "pl export", in: "eksportuj moje dane", want: IntentAccess, lang: "pl"},
		{desc: "pl yes", in: "Tak", want: IntentConfirm, lang: "pl"},
		{desc: "pl confirm", in: "potwierdzam", want: IntentConfirm, lang: "pl"},
		{desc: "pl no", in: "Nie", want: IntentCancel, lang: "pl"},
		// ro
		{desc: "ro delete", in: "Șterge datele mele", want: IntentErase, lang: "ro"},
		{desc: "ro cedilla", in: "Şterge datele mele", want: IntentErase, lang: "ro"},
		{desc: "ro polite", in: "Vă rog să ștergeți toate datele mele", want: IntentErase, lang: "ro"},
		{desc: "ro want", in: "Vreau să ștergeți datele mele, vă rog", want: IntentErase, lang: "ro"},
		{desc: "ro what do you know", in: "Ce știți despre mine?", want: IntentAccess, lang: "ro"},
		{desc: "ro which data", in: "Ce date aveți despre mine", want: IntentAccess, lang: "ro"},
		{desc: "ro export", in: "exportă datele mele", want: IntentAccess, lang: "ro"},
		{desc: "ro yes", in: "Da", want: IntentConfirm, lang: "ro"},
		{desc: "ro no", in: "Nu", want: IntentCancel, lang: "ro"},
		// negatives: longer sentences, other subjects, lone verbs
		{desc: "cookies later", in: "I will delete my cookies later", want: IntentNone},
		{desc: "delete key", in: "the delete key is broken", want: IntentNone},
		{desc: "lone verb", in: "delete", want: IntentNone},
		{desc: "my data alone", in: "my data", want: IntentNone},
		{desc: "about a third party", in: "delete my brother's data", want: IntentNone},
		{desc: "question around a phrase", in: "how do I delete my data from my phone?", want: IntentNone},
		{desc: "negated", in: "don't delete my data", want: IntentNone},
		{desc: "de sentence", in: "Ich habe gestern meine Daten gelöscht, aber die App geht nicht", want: IntentNone},
		{desc: "fr sentence", in: "Comment supprimer mes données de mon téléphone ?", want: IntentNone},
		{desc: "es sentence", in: "No quiero borrar mis datos todavía", want: IntentNone},
		{desc: "yes in a sentence", in: "yes I would like to order a pizza", want: IntentNone},
		{desc: "greeting only", in: "Hello!", want: IntentNone},
		{desc: "empty", in: "", want: IntentNone},
		{desc: "punctuation", in: "?!…", want: IntentNone},
		{desc: "long message", in: strings.Repeat("delete my data ", 30), want: IntentNone},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, lang := MatchIntent(tc.in)
			if got != tc.want {
				t.Fatalf("MatchIntent(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if tc.lang != "" && lang != tc.lang {
				t.Fatalf("MatchIntent(%q) language %q, want %q", tc.in, lang, tc.lang)
			}
		})
	}
}

// TestEveryLanguage checks each language has several phrasings of each intent, and that the
// phrase Veil itself suggests in the chat ("write 'delete my data'") is understood.
func TestEveryLanguage(t *testing.T) {
	t.Parallel()
	count := map[string]map[Intent]int{}
	for _, m := range phraseIndex {
		if count[m.lang] == nil {
			count[m.lang] = map[Intent]int{}
		}
		count[m.lang][m.intent]++
	}
	for _, l := range languages {
		for _, in := range []Intent{IntentErase, IntentAccess, IntentConfirm, IntentCancel} {
			if count[l.lang][in] < 3 {
				t.Errorf("%s: only %d phrasings of %v", l.lang, count[l.lang][in], in)
			}
		}
		txt, ok := chatTexts[l.lang]
		if !ok {
			t.Errorf("%s: no chat texts", l.lang)
			continue
		}
		hint := txt.eraseHint
		for _, q := range []string{"\"", "„", "“", "«", "»", "”"} {
			if i := strings.Index(hint, q); i >= 0 {
				hint = hint[i+len(q):]
				break
			}
		}
		for _, q := range []string{"\"", "“", "»", "”"} {
			if i := strings.Index(hint, q); i >= 0 {
				hint = hint[:i]
				break
			}
		}
		if in, lang := MatchIntent(hint); in != IntentErase || lang != l.lang {
			t.Errorf("%s: the suggested phrase %q is not understood (%v, %s)", l.lang, hint, in, lang)
		}
	}
}

func FuzzMatchIntent(f *testing.F) {
	for _, s := range []string{"delete my data", "Lösche meine Daten", "¿Qué sabes de mí?", "Șterge datele mele",
		"yes", "\xff\xfe", "İ", "ǅ", "ﬁ", strings.Repeat("ß", 200), "please please please"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, lang := MatchIntent(s)
		if (in == IntentNone) != (lang == "") {
			t.Fatalf("intent %v with language %q", in, lang)
		}
		if in != IntentNone && len(s) > maxIntentLen {
			t.Fatal("matched an over-long message")
		}
		n := normalize(s)
		if !utf8.ValidString(n) {
			t.Fatal("normalize produced invalid UTF-8")
		}
		if in2, _ := MatchIntent(s); in2 != in {
			t.Fatal("not deterministic")
		}
	})
}
