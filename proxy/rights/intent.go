package rights

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Intent is what a chat message asks Veil for.
type Intent uint8

// Intents.
const (
	IntentNone    Intent = iota // not a rights request: the message goes to the bot
	IntentErase                 // "delete my data"
	IntentAccess                // "export my data", "what do you know about me"
	IntentConfirm               // "yes", answering Veil's confirmation question
	IntentCancel                // "no", answering Veil's confirmation question
)

func (i Intent) String() string {
	switch i {
	case IntentErase:
		return "erase"
	case IntentAccess:
		return "access"
	case IntentConfirm:
		return "confirm"
	case IntentCancel:
		return "cancel"
	}
	return "none"
}

// maxIntentLen bounds the messages matched: every phrase with its politeness is far shorter, and
// longer messages (the common case) cost one length check.
const maxIntentLen = 256

// MatchIntent returns what a whole chat message asks for, and the language it is written in
// ("" for IntentNone). The message must be one of the known phrasings (several per language and
// intent; see phrases.go) once normalized: lower-case, accents folded, punctuation dropped and
// greetings and politeness ("please", "bitte", "s'il vous plaît", ...) trimmed from either end.
// A longer sentence that merely contains a phrase ("I will delete my cookies later") is not a
// request.
func MatchIntent(text string) (Intent, string) {
	if len(text) > maxIntentLen {
		return IntentNone, ""
	}
	words := strings.Fields(normalize(text))
	words = trimFillers(words)
	if len(words) == 0 {
		return IntentNone, ""
	}
	m, ok := phraseIndex[strings.Join(words, " ")]
	if !ok {
		return IntentNone, ""
	}
	return m.intent, m.lang
}

// normalize lower-cases s, folds accents (é→e, ß→ss, ł→l, ș→s), and turns everything but letters
// and digits into spaces.
func normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if f, ok := folds[r]; ok {
				b.WriteString(f)
				continue
			}
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// folds are the letters NFKD does not decompose into a base letter and a mark.
var folds = map[rune]string{
	'ß': "ss", 'ł': "l", 'ø': "o", 'đ': "d", 'æ': "ae", 'œ': "oe", 'ı': "i",
}

// trimFillers drops greetings, thanks and politeness from both ends of a message.
func trimFillers(words []string) []string {
	for changed := true; changed && len(words) > 0; {
		changed = false
		for _, f := range fillerWords {
			if n := len(f); n <= len(words) && equalWords(words[:n], f) {
				words, changed = words[n:], true
			}
			if n := len(f); n <= len(words) && equalWords(words[len(words)-n:], f) {
				words, changed = words[:len(words)-n], true
			}
		}
	}
	return words
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// phraseMatch is what a normalized phrase means.
type phraseMatch struct {
	intent Intent
	lang   string
}

// phraseIndex maps every normalized phrasing to its intent and language; fillerWords are the
// normalized fillers, as word lists. Both are built once from phrases.go.
var phraseIndex, fillerWords = buildPhrases()

func buildPhrases() (map[string]phraseMatch, [][]string) {
	idx := map[string]phraseMatch{}
	add := func(lang string, in Intent, phrase string) {
		key := strings.Join(strings.Fields(normalize(phrase)), " ")
		if key == "" {
			return
		}
		if prev, ok := idx[key]; ok {
			if prev.intent != in {
				panic("rights: phrase " + key + " has two intents")
			}
			return
		}
		idx[key] = phraseMatch{intent: in, lang: lang}
	}
	for _, l := range languages {
		for _, in := range []struct {
			intent    Intent
			templates []string
			objects   []string
		}{
			{IntentErase, l.erase, l.objects},
			{IntentAccess, l.access, l.objects},
			{IntentConfirm, l.yes, nil},
			{IntentCancel, l.no, nil},
		} {
			for _, t := range in.templates {
				if !strings.Contains(t, "{x}") {
					add(l.lang, in.intent, t)
					continue
				}
				for _, o := range in.objects {
					add(l.lang, in.intent, strings.ReplaceAll(t, "{x}", o))
				}
			}
		}
	}
	var fillers [][]string
	for _, f := range fillerPhrases {
		if w := strings.Fields(normalize(f)); len(w) > 0 {
			fillers = append(fillers, w)
		}
	}
	return idx, fillers
}
