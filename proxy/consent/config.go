package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Purpose is a processing purpose the subject can agree to.
type Purpose struct {
	// Name is the purpose id used by routes and policy ("support", "marketing", "profiling").
	Name string `yaml:"name"`
	// Required purposes are needed to use the chat at all; optional ones need an explicit yes.
	Required bool `yaml:"required"`
	// Description tells the subject what the purpose means, per language ("en", "de", ...).
	Description map[string]string `yaml:"description"`
}

// Config is the consent block of Veil's configuration.
type Config struct {
	// Controller is the name of the data controller shown in the notice.
	Controller string `yaml:"controller"`
	// PrivacyPolicyURL links the full privacy policy from the notice.
	PrivacyPolicyURL string `yaml:"privacy_policy_url"`
	// Purposes offered to subjects. Default: support (required), marketing, profiling (optional).
	Purposes []Purpose `yaml:"purposes"`
	// Notice is the notice text per language; DefaultLanguage picks when none matches.
	Notice          map[string]string `yaml:"notice"`
	DefaultLanguage string            `yaml:"default_language"`
	// RecordTTLDays is how long consent records are kept as evidence after the last change
	// (default 1095: three years).
	RecordTTLDays int `yaml:"record_ttl_days"`
}

// Validate fills defaults and returns problems with paths relative to the consent block.
func (c *Config) Validate() error {
	var errs []error
	if c.Controller == "" {
		c.Controller = "the operator of this chat"
	}
	if len(c.Purposes) == 0 {
		c.Purposes = []Purpose{
			{Name: "support", Required: true, Description: map[string]string{"en": "answering your questions in this chat"}},
			{Name: "marketing", Description: map[string]string{"en": "sending you offers"}},
			{Name: "profiling", Description: map[string]string{"en": "analysing your conversations to personalise our service"}},
		}
	}
	seen := map[string]bool{}
	for i, p := range c.Purposes {
		switch {
		case p.Name == "":
			errs = append(errs, fmt.Errorf("purposes[%d].name: required", i))
		case !validName(p.Name):
			errs = append(errs, fmt.Errorf("purposes[%d].name: use lower-case letters, digits and '_'", i))
		case seen[p.Name]:
			errs = append(errs, fmt.Errorf("purposes[%d].name: duplicate purpose %q", i, p.Name))
		}
		seen[p.Name] = true
	}
	if c.DefaultLanguage == "" {
		c.DefaultLanguage = "en"
	}
	if len(c.Notice) == 0 {
		c.Notice = defaultNotices
	}
	if _, ok := c.Notice[c.DefaultLanguage]; !ok {
		errs = append(errs, fmt.Errorf("notice: no text for default_language %q", c.DefaultLanguage))
	}
	if c.RecordTTLDays == 0 {
		c.RecordTTLDays = 3 * 365
	} else if c.RecordTTLDays < 0 {
		errs = append(errs, errors.New("record_ttl_days: must be positive"))
	}
	return errors.Join(errs...)
}

func validName(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// Version is the notice version: a hash of every notice text and the purposes offered, so a
// record proves which text the subject saw.
func (c *Config) Version() string {
	h := sha256.New()
	langs := make([]string, 0, len(c.Notice))
	for l := range c.Notice {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		fmt.Fprintf(h, "notice\x00%s\x00%s\x00", l, c.Notice[l])
	}
	fmt.Fprintf(h, "controller\x00%s\x00policy\x00%s\x00", c.Controller, c.PrivacyPolicyURL)
	for _, p := range c.Purposes {
		fmt.Fprintf(h, "purpose\x00%s\x00%t\x00", p.Name, p.Required)
		ls := make([]string, 0, len(p.Description))
		for l := range p.Description {
			ls = append(ls, l)
		}
		sort.Strings(ls)
		for _, l := range ls {
			fmt.Fprintf(h, "%s\x00%s\x00", l, p.Description[l])
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// purpose returns the configured purpose named name.
func (c *Config) purpose(name string) (Purpose, bool) {
	for _, p := range c.Purposes {
		if p.Name == name {
			return p, true
		}
	}
	return Purpose{}, false
}

// NoticeText returns the notice in the best language for an Accept-Language header.
func (c *Config) NoticeText(acceptLanguage string) (lang, text string) {
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(tag)
		for _, l := range []string{tag, strings.SplitN(tag, "-", 2)[0]} {
			if t, ok := c.Notice[l]; ok && l != "" {
				return l, t
			}
		}
	}
	return c.DefaultLanguage, c.Notice[c.DefaultLanguage]
}

// defaultNotices is the notice in the eight languages Veil ships, used when none is configured.
var defaultNotices = map[string]string{
	"en": "This chat is protected by Veil. We use what you write here only to answer you. Personal details are pseudonymised before they reach our assistant. By continuing the conversation you agree to this. Optional uses (offers, personalisation) need your explicit yes, and you can withdraw or object at any time.",
	"de": "Dieser Chat wird durch Veil geschützt. Was Sie hier schreiben, verwenden wir nur, um Ihnen zu antworten. Persönliche Angaben werden pseudonymisiert, bevor sie unseren Assistenten erreichen. Wenn Sie das Gespräch fortsetzen, stimmen Sie dem zu. Optionale Zwecke (Angebote, Personalisierung) brauchen Ihr ausdrückliches Ja; Sie können jederzeit widerrufen oder widersprechen.",
	"fr": "Ce chat est protégé par Veil. Nous utilisons ce que vous écrivez ici uniquement pour vous répondre. Vos données personnelles sont pseudonymisées avant d'atteindre notre assistant. En poursuivant la conversation, vous l'acceptez. Les usages facultatifs (offres, personnalisation) nécessitent votre accord explicite ; vous pouvez retirer votre consentement ou vous opposer à tout moment.",
	"it": "Questa chat è protetta da Veil. Usiamo ciò che scrivi qui solo per risponderti. I dati personali vengono pseudonimizzati prima di raggiungere il nostro assistente. Continuando la conversazione accetti. Gli usi facoltativi (offerte, personalizzazione) richiedono il tuo consenso esplicito; puoi revocarlo od opporti in qualsiasi momento.",
	"es": "Este chat está protegido por Veil. Usamos lo que escribes aquí solo para responderte. Los datos personales se seudonimizan antes de llegar a nuestro asistente. Si continúas la conversación, lo aceptas. Los usos opcionales (ofertas, personalización) necesitan tu consentimiento explícito; puedes retirarlo u oponerte en cualquier momento.",
	"nl": "Deze chat wordt beschermd door Veil. Wat je hier schrijft gebruiken we alleen om je te antwoorden. Persoonsgegevens worden gepseudonimiseerd voordat ze onze assistent bereiken. Door het gesprek voort te zetten ga je hiermee akkoord. Optionele doelen (aanbiedingen, personalisatie) vragen je uitdrukkelijke ja; je kunt altijd intrekken of bezwaar maken.",
	"pl": "Ten czat jest chroniony przez Veil. To, co tu piszesz, wykorzystujemy tylko do udzielenia odpowiedzi. Dane osobowe są pseudonimizowane, zanim trafią do naszego asystenta. Kontynuując rozmowę, wyrażasz na to zgodę. Cele opcjonalne (oferty, personalizacja) wymagają Twojej wyraźnej zgody; w każdej chwili możesz ją wycofać lub wnieść sprzeciw.",
	"ro": "Acest chat este protejat de Veil. Folosim ce scrieți aici doar pentru a vă răspunde. Datele personale sunt pseudonimizate înainte de a ajunge la asistentul nostru. Continuând conversația, sunteți de acord. Scopurile opționale (oferte, personalizare) necesită acordul dumneavoastră explicit; vă puteți retrage acordul sau opune oricând.",
}
