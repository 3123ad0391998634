package rights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/store"
)

// ConfirmTTL is how long an erasure asked for in the chat waits for the subject's "yes".
const ConfirmTTL = 10 * time.Minute

// confirmKey is the key of the subject's one KindConfirm record.
const confirmKey = "erase"

// Paths of the endpoints Veil points to in the chat.
const (
	exportPath = proxy.VeilPrefix + "me/export"
	csvPath    = exportPath + "?format=csv"
)

// pendingErasure is an erasure asked for in the chat, awaiting confirmation.
type pendingErasure struct {
	Lang  string    `json:"lang"`
	Asked time.Time `json:"asked"`
}

// Intercept answers rights requests typed in the chat, in the language they were written in
// (implements proxy.Interceptor). The bot never sees them.
//
//   - "export my data", "what do you know about me": a summary (counts by type, consent choices;
//     never a value) and where to download the full export.
//   - "delete my data": Veil asks for a YES in the subject's language and keeps the question open
//     for ConfirmTTL. The next message settles it: a yes erases and answers with the receipt, a
//     no cancels, anything else cancels too and goes on to the bot as a normal message.
//
// It costs one store read per chat message (is a confirmation pending?): the answer must hold
// across replicas, which an in-process cache would not. With rights.in_chat off it does nothing.
func (s *Service) Intercept(ctx context.Context, ex *proxy.Exchange, texts []proxy.TextField) (string, bool, error) {
	if !s.cfg.InChatEnabled() || ex == nil || checkSubject(ex.Subject) != nil || len(texts) == 0 {
		return "", false, nil
	}
	intent, lang := MatchIntent(utterance(texts))
	by := Requester{RequestID: ex.ID, Channel: ChannelChat}
	if ex.Route != nil {
		by.Route = ex.Route.Name
	}
	p, err := s.takePending(ctx, ex.Subject)
	if err != nil {
		return "", false, err
	}
	if p != nil {
		switch intent {
		case IntentConfirm:
			rc, err := s.Erase(ctx, ex.Subject, ModeErase, by)
			if err != nil {
				return "", false, err
			}
			return fmt.Sprintf(textsFor(p.Lang).erased, rc.Records, rc.RequestID), true, nil
		case IntentCancel:
			return textsFor(p.Lang).cancelled, true, nil
		}
	}
	switch intent {
	case IntentErase:
		b, _ := json.Marshal(pendingErasure{Lang: lang, Asked: s.now().UTC()})
		if err := s.st.Put(ctx, store.Record{Subject: ex.Subject, Kind: KindConfirm, Key: confirmKey, Value: b,
			ExpiresAt: s.now().Add(ConfirmTTL)}); err != nil {
			return "", false, fmt.Errorf("storing erasure confirmation: %w", err)
		}
		return textsFor(lang).confirm, true, nil
	case IntentAccess:
		sum, err := s.Summary(ctx, ex.Subject, by)
		if err != nil {
			return "", false, err
		}
		return sum.Text(lang), true, nil
	}
	return "", false, nil
}

// takePending returns and removes the subject's pending erasure, if any. Delete is the claim: of
// two messages racing, one sees the pending erasure.
func (s *Service) takePending(ctx context.Context, subject string) (*pendingErasure, error) {
	rec, err := s.st.Get(ctx, subject, KindConfirm, confirmKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading erasure confirmation: %w", err)
	}
	switch err := s.st.Delete(ctx, subject, KindConfirm, confirmKey); {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("clearing erasure confirmation: %w", err)
	}
	var p pendingErasure
	_ = json.Unmarshal(rec.Value, &p) // a damaged record still confirms, in English
	return &p, nil
}

// utterance picks the newest thing the person said from a message's text fields. In a
// chat-completions body (OpenAI, Anthropic: messages[] with a role and a content, a string or text
// parts; an OpenAI Responses body: input[] likewise, or input alone, a string) it is the content
// of the last message whose role is "user"; otherwise, the last field.
//
// Paths carry no array indices, so the messages are told apart by their roles: every message has
// one, and one encoder writes it on the same side of the content in every message of a body, so
// whether the first role comes before or after any content says which side.
func utterance(texts []proxy.TextField) string {
	if len(texts) == 0 {
		return ""
	}
	type message struct {
		role    string
		content []string
	}
	var msgs []message
	var cur message
	roleFirst, roles := false, 0
	for _, f := range texts {
		switch f.Path {
		case "messages.role", "input.role":
			if roles == 0 {
				roleFirst = len(cur.content) == 0
			}
			roles++
			if roleFirst {
				if roles > 1 {
					msgs = append(msgs, cur)
				}
				cur = message{role: f.Value}
			} else {
				cur.role = f.Value
				msgs = append(msgs, cur)
				cur = message{}
			}
		case "messages.content", "messages.content.text", "input", "input.content", "input.content.text":
			cur.content = append(cur.content, f.Value)
		}
	}
	if roleFirst && roles > 0 {
		msgs = append(msgs, cur)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].role == "user" {
			return strings.Join(msgs[i].content, "\n")
		}
	}
	if roles == 0 && len(cur.content) > 0 { // only the contents were extracted (route fields)
		return cur.content[len(cur.content)-1]
	}
	return texts[len(texts)-1].Value
}

// Summary is what the chat says about a subject's data: counts, never values.
type Summary struct {
	// Types counts the subject's stored values by personal-data type.
	Types map[string]int
	// Consent is the subject's choice per purpose.
	Consent    map[string]bool
	Objections []string
}

// Summary answers "what do you know about me" in the chat: it is registered and audited as an
// access request (outcome "summary"), with counts by type.
func (s *Service) Summary(ctx context.Context, subject string, by Requester) (Summary, error) {
	sum := Summary{Types: map[string]int{}, Consent: map[string]bool{}}
	if err := checkSubject(subject); err != nil {
		return sum, err
	}
	req, err := s.register(ctx, subject, RequestAccess, by)
	if err != nil {
		return sum, err
	}
	err = s.summarize(ctx, subject, &sum)
	if err == nil {
		err = s.record(ctx, audit.SubjectExported, subject, by, sum.Types, "summary")
	}
	if ferr := s.finish(ctx, subject, req, err); err == nil {
		err = ferr
	}
	return sum, err
}

func (s *Service) summarize(ctx context.Context, subject string, sum *Summary) error {
	vals, err := s.v.ExportSubject(ctx, subject)
	if err != nil {
		return fmt.Errorf("reading vault: %w", err)
	}
	for _, e := range vals {
		sum.Types[e.Type.String()]++
	}
	if s.cons == nil {
		return nil
	}
	st, err := s.cons.State(ctx, subject)
	if err != nil {
		return err
	}
	for p, c := range st.Purposes {
		sum.Consent[p] = c.Granted
	}
	sum.Objections = slices.Clone(st.Objections)
	return nil
}

// Text renders the summary as one chat message in lang.
func (sum Summary) Text(lang string) string {
	t := textsFor(lang)
	var parts []string
	if len(sum.Types) == 0 {
		parts = append(parts, t.none)
	} else {
		types := sortedKeys(sum.Types)
		counts := make([]string, len(types))
		for i, k := range types {
			counts[i] = k + " ×" + strconv.Itoa(sum.Types[k])
		}
		parts = append(parts, fmt.Sprintf(t.holds, strings.Join(counts, ", ")))
	}
	if len(sum.Consent) == 0 {
		parts = append(parts, t.noConsent)
	} else {
		purposes := sortedKeys(sum.Consent)
		choices := make([]string, len(purposes))
		for i, p := range purposes {
			word := t.notGiven
			if sum.Consent[p] {
				word = t.given
			}
			choices[i] = p + ": " + word
		}
		parts = append(parts, fmt.Sprintf(t.consent, strings.Join(choices, ", ")))
	}
	if len(sum.Objections) > 0 {
		parts = append(parts, fmt.Sprintf(t.objections, strings.Join(sum.Objections, ", ")))
	}
	parts = append(parts, fmt.Sprintf(t.download, exportPath, csvPath), t.eraseHint)
	return strings.Join(parts, " ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ReadsAhead names the records Intercept reads for a message of subject (a pending erasure
// confirmation), so that a store over a network can read them with a request's other reads in one
// round trip.
func (s *Service) ReadsAhead(subject string) []store.KindKey {
	return []store.KindKey{{Kind: KindConfirm, Key: confirmKey}}
}
