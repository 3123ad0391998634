package rights

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/redact"
)

// say sends one chat message as the subject and returns Veil's answer, if it gave one.
func (f *fixture) say(subject, text string) (string, bool) {
	f.t.Helper()
	reply, handled, err := f.svc.Intercept(context.Background(), exchange(subject), []proxy.TextField{{Path: "message", Value: text}})
	if err != nil {
		f.t.Fatal(err)
	}
	return reply, handled
}

func TestInChatErase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, ask, yes, wantAsk, wantDone string
	}{
		{desc: "en", ask: "Please delete my data", yes: "yes", wantAsk: "Reply YES", wantDone: "Done"},
		{desc: "de", ask: "Lösche meine Daten", yes: "Ja", wantAsk: "mit JA", wantDone: "Erledigt"},
		{desc: "fr", ask: "Supprimez mes données, s'il vous plaît", yes: "Oui, je confirme", wantAsk: "Répondez OUI", wantDone: "C'est fait"},
		{desc: "it", ask: "Cancella i miei dati", yes: "sì", wantAsk: "Rispondi SÌ", wantDone: "Fatto"},
		{desc: "es", ask: "Borra mis datos", yes: "Sí", wantAsk: "Responde SÍ", wantDone: "Hecho"},
		{desc: "nl", ask: "Verwijder mijn gegevens", yes: "ja", wantAsk: "Antwoord JA", wantDone: "Klaar"},
		{desc: "pl", ask: "Usuń moje dane", yes: "Tak", wantAsk: "Odpowiedz TAK", wantDone: "Gotowe"},
		{desc: "ro", ask: "Șterge datele mele", yes: "da", wantAsk: "Răspundeți DA", wantDone: "Gata"},
	}
	f := newFixture(t)
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			sub := "c-chat-" + tc.desc
			tok := f.tokenize(sub, redact.Email, email)
			reply, ok := f.say(sub, tc.ask)
			if !ok || !strings.Contains(reply, tc.wantAsk) {
				t.Fatalf("asked %q, Veil answered %v %q", tc.ask, ok, reply)
			}
			if _, found, _ := f.vault.Reveal(context.Background(), sub, tok); !found {
				t.Fatal("erased before the subject confirmed")
			}
			reply, ok = f.say(sub, tc.yes)
			if !ok || !strings.Contains(reply, tc.wantDone) || !strings.Contains(reply, "/.veil/me/requests") {
				t.Fatalf("confirmed, Veil answered %v %q", ok, reply)
			}
			if strings.Contains(reply, email) || strings.Contains(reply, tok) {
				t.Fatal("the receipt in the chat carries a value")
			}
			if _, found, _ := f.vault.Reveal(context.Background(), sub, tok); found {
				t.Fatal("the token still reveals after erasure")
			}
			reqs, _ := f.svc.Requests(context.Background(), sub)
			if len(reqs) != 1 || reqs[0].Kind != RequestErasure || reqs[0].Channel != ChannelChat || !strings.Contains(reply, reqs[0].ID) {
				t.Fatalf("register %+v", reqs)
			}
			// The confirmation is used up: another yes goes to the bot.
			if _, ok := f.say(sub, tc.yes); ok {
				t.Fatal("a second yes was answered by Veil")
			}
		})
	}
	var inChat int
	for _, ev := range f.events(audit.SubjectErased) {
		if ev.Actions["channel.in-chat"] == 1 && ev.Route == "chat" {
			inChat++
		}
	}
	if inChat != len(tests) {
		t.Fatalf("%d in-chat subject.erased events, want %d", inChat, len(tests))
	}
	f.assertNoValues(email)
}

func TestInChatCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	const sub = "c-cancel"
	tok := f.tokenize(sub, redact.Email, email)
	check := func() {
		t.Helper()
		if _, found, _ := f.vault.Reveal(ctx, sub, tok); !found {
			t.Fatal("data erased without confirmation")
		}
	}

	// An explicit no is answered.
	f.say(sub, "Lösche meine Daten")
	if reply, ok := f.say(sub, "nein"); !ok || !strings.Contains(reply, "Abgebrochen") {
		t.Fatalf("no: %v %q", ok, reply)
	}
	check()
	// Anything else cancels and goes to the bot; a later yes is just a yes.
	f.say(sub, "delete my data")
	if _, ok := f.say(sub, "what are your opening hours?"); ok {
		t.Fatal("an ordinary message was answered by Veil")
	}
	if _, ok := f.say(sub, "yes"); ok {
		t.Fatal("a yes after another message erased")
	}
	check()
	// The question expires.
	f.say(sub, "supprimez mes données")
	f.clock.Advance(ConfirmTTL + time.Second)
	if _, ok := f.say(sub, "oui"); ok {
		t.Fatal("an expired confirmation was honoured")
	}
	check()
	// A yes out of the blue is the bot's business.
	if _, ok := f.say("c-other", "yes"); ok {
		t.Fatal("a yes without a question was answered by Veil")
	}
	if n := len(f.events(audit.SubjectErased)); n != 0 {
		t.Fatalf("%d erasures audited", n)
	}
}

func TestInChatSummary(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	const sub = "c-summary"
	f.tokenize(sub, redact.Email, email)
	f.tokenize(sub, redact.Email, "second@example.org")
	f.tokenize(sub, redact.Phone, phone)
	if _, err := f.cons.Set(ctx, sub, map[string]bool{"support": true, "marketing": false}, "api"); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ desc, ask, want string }{
		{desc: "en", ask: "What do you know about me?", want: "Veil keeps these personal values about you: EMAIL ×2, PHONE ×1"},
		{desc: "de", ask: "Exportiere meine Daten", want: "Ihre Einwilligungen: marketing: nicht erteilt, support: erteilt"},
		{desc: "es", ask: "¿Qué sabes de mí?", want: "EMAIL ×2, PHONE ×1"},
		{desc: "pl", ask: "Co o mnie wiecie?", want: "/.veil/me/export?format=csv"},
	}
	for _, tc := range tests {
		reply, ok := f.say(sub, tc.ask)
		if !ok || !strings.Contains(reply, tc.want) || !strings.Contains(reply, "/.veil/me/export") {
			t.Fatalf("%s: %v %q", tc.desc, ok, reply)
		}
		for _, v := range []string{email, phone, "second@example.org"} {
			if strings.Contains(reply, v) {
				t.Fatalf("%s: the summary shows a value", tc.desc)
			}
		}
	}
	if reply, _ := f.say("c-empty", "what do you know about me"); !strings.Contains(reply, "Veil keeps no personal values about you") {
		t.Fatalf("empty subject: %q", reply)
	}
	evs := f.events(audit.SubjectExported)
	if len(evs) != len(tests)+1 || evs[0].Outcome != "summary" || evs[0].Actions["EMAIL"] != 2 || evs[0].Actions["channel.in-chat"] != 1 {
		t.Fatalf("subject.exported events %+v", evs)
	}
	reqs, _ := f.svc.Requests(ctx, sub)
	if len(reqs) != len(tests) || reqs[0].Kind != RequestAccess || reqs[0].Channel != ChannelChat {
		t.Fatalf("register %+v", reqs)
	}
}

func TestInChatOff(t *testing.T) {
	t.Parallel()
	off := false
	f := newFixture(t, func(c *Config) { c.InChat = &off })
	if _, ok := f.say("c-off", "delete my data"); ok {
		t.Fatal("answered with in_chat off")
	}
	if _, ok := f.say("", "delete my data"); ok {
		t.Fatal("answered without a subject")
	}
}

func TestUtterance(t *testing.T) {
	t.Parallel()
	// fields turns "path=value" pairs into text fields.
	fields := func(pairs ...string) []proxy.TextField {
		out := make([]proxy.TextField, len(pairs))
		for i, p := range pairs {
			path, value, _ := strings.Cut(p, "=")
			out[i] = proxy.TextField{Path: path, Value: value}
		}
		return out
	}
	tests := []struct {
		desc  string
		texts []proxy.TextField
		want  string
	}{
		{desc: "one field", texts: fields("message=delete my data"), want: "delete my data"},
		{desc: "rasa without fields", texts: fields("sender=s1", "message=delete my data"), want: "delete my data"},
		{desc: "openai history, role first",
			texts: fields("messages.role=system", "messages.content=be nice", "messages.role=user", "messages.content=delete my data",
				"messages.role=assistant", "messages.content=Reply YES", "messages.role=user", "messages.content=hello", "model=demo"),
			want: "hello"},
		{desc: "openai SDK order, content first",
			texts: fields("messages.content=delete my data", "messages.role=user", "messages.content=Reply YES", "messages.role=assistant",
				"messages.content=yes", "messages.role=user", "model=demo"),
			want: "yes"},
		{desc: "responses, input a string", texts: fields("input=what do you know about me", "model=demo"), want: "what do you know about me"},
		{desc: "responses, input messages with parts", texts: fields("input.content=be nice", "input.role=system",
			"input.content.text=delete my data", "input.content.type=input_text", "input.role=user", "model=demo"), want: "delete my data"},
		{desc: "text parts, role first", texts: fields("messages.role=user", "messages.content.type=text", "messages.content.text=yes", "model=demo"), want: "yes"},
		{desc: "anthropic SDK order, parts", texts: fields("messages.content.text=what do you", "messages.content.type=text",
			"messages.content.text=know about me", "messages.content.type=text", "messages.role=user", "model=demo"),
			want: "what do you\nknow about me"},
		{desc: "the last user message, not the assistant's", texts: fields("messages.content=hello", "messages.role=user",
			"messages.content=delete my data", "messages.role=assistant"), want: "hello"},
		{desc: "only contents (route fields)", texts: fields("messages.content=be nice", "messages.content=delete my data"), want: "delete my data"},
		{desc: "none", texts: nil, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := utterance(tc.texts); got != tc.want {
				t.Fatalf("utterance = %q, want %q", got, tc.want)
			}
		})
	}
}
