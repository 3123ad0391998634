package proxy

import (
	"context"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/proxy/stream"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
)

// replyContext is how much already-emitted reply text a streamed reply keeps as context for the
// detectors, so that "born on " in one event still qualifies the date in the next.
const replyContext = 64

// streamResponse rewrites an event stream as it arrives (see stream.ReplyEvents): each streamed
// text (an OpenAI choice's delta.content, an Anthropic content block, a route's stream field, a
// plain-text stream) goes through a text stream that restores the subject's tokens and filters
// other personal data, holding back only a trailing unfinished candidate; every other string of
// an event is filtered on its own. Events are emitted as soon as they are complete, so the first
// token is not delayed.
func (p *Pipeline) streamResponse(ctx context.Context, ex *Exchange, res *http.Response) error {
	body := res.Body
	if encs := res.Header.Values("Content-Encoding"); len(encs) > 0 {
		// Compressed event streams are rare; they are decoded whole (bounded) rather than streamed.
		raw, err := readCapped(body, p.maxBody, -1)
		_ = body.Close()
		if err != nil {
			return errResponseTooLarge
		}
		dec, err := decodeContent(raw, encs, p.maxBody)
		if err != nil {
			return err
		}
		body = io.NopCloser(strings.NewReader(string(dec)))
		res.Header.Del("Content-Encoding")
	}
	rs, err := p.restorer(ctx, ex)
	if err != nil {
		_ = body.Close()
		return err
	}
	var shown *strings.Builder // the reply as shown, when a transcript is kept
	if ex.transcript.Load() != nil {
		shown = &strings.Builder{}
	}
	// rs escaped for JSON text (tool calls' arguments), made when first needed: most replies have none.
	var rsJSON *vault.Restorer
	escaped := func() *vault.Restorer {
		if rsJSON == nil {
			rsJSON = jsonEscaped(rs)
		}
		return rsJSON
	}
	// transformer rewrites reply text restoring with rs; the streamed reply text also goes to shown.
	transformer := func(rs *vault.Restorer, shown *strings.Builder) *replyTransformer {
		return &replyTransformer{p: p, ctx: ctx, ex: ex, rs: rs, shown: shown}
	}
	hold := 4 * p.Detector.MaxLen()
	cfg := stream.ReplyConfig{
		NewStream:     func() stream.TextStreamer { return stream.NewTextStream(transformer(rs, shown), hold) },
		Whole:         func(s string) string { return transformer(rs, nil).Transform(s) },
		WholeJSON:     func(s string) string { return transformer(escaped(), nil).Transform(s) },
		NewJSONStream: func() stream.TextStreamer { return stream.NewTextStream(transformer(escaped(), nil), hold) },
		Fields:        p.streamPathsFor(ex.Route),
	}
	if ex.Notice != "" && shapeOf(ex.Route) != ShapeOpenAI { // an OpenAI stream gets noticeEvent below
		cfg.Notice = ex.Notice
		cfg.OnNotice = func() { p.afterNotice(ctx, ex, true) }
	}
	rw := stream.NewSSERewriter(body, stream.NewReplyEvents(cfg), int(p.maxBody))
	res.Body = rw
	if shown != nil {
		res.Body = &closeHook{ReadCloser: rw, onClose: func() { p.keepTranscript(ctx, ex, []string{shown.String()}) }}
	}
	if ex.Notice != "" && shapeOf(ex.Route) == ShapeOpenAI {
		events := res.Body
		res.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(noticeEvent(ex.Notice), events), events}
		p.afterNotice(ctx, ex, true)
	}
	res.ContentLength = -1
	res.Header.Del("Content-Length")
	return nil
}

// jsonEscaped returns rs with each value it restores escaped for the inside of a JSON string, for
// text that is JSON itself (a tool call's arguments), or nil for nil.
func jsonEscaped(rs *vault.Restorer) *vault.Restorer {
	if rs == nil {
		return nil
	}
	return rs.Escaped(func(v string) string {
		b := stream.AppendJSONString(nil, v)
		return string(b[1 : len(b)-1])
	})
}

// replyTransformer rewrites one streamed reply: findings that are not the subject's own tokens are
// filtered by policy, then the subject's tokens are restored. It keeps the tail of the text it
// has already rewritten as detection context. One per choice of one response.
type replyTransformer struct {
	p   *Pipeline
	ctx context.Context
	ex  *Exchange
	rs  *vault.Restorer
	// seen is the end of the reply text transformed so far (original bytes), used as context.
	seen string
	// shown collects the rewritten reply for a transcript; nil when none is kept.
	shown *strings.Builder
}

// Transform filters and restores text that the stream has decided to emit.
func (t *replyTransformer) Transform(text string) string {
	if text == "" {
		return ""
	}
	prefix := t.seen
	whole := prefix + text
	t.seen = tail(whole, replyContext)
	f := field{source: fromBody, value: whole}
	m := &message{ex: t.ex, direction: policy.DirectionResponse, fields: []field{f}}
	t.p.scan(m)
	// Keep only findings inside the new text; context findings were handled before.
	kept := m.fields[0].findings[:0]
	for _, fd := range m.fields[0].findings {
		if fd.Start >= len(prefix) {
			fd.Start -= len(prefix)
			fd.End -= len(prefix)
			kept = append(kept, fd)
		}
	}
	m.fields[0] = field{source: fromBody, value: text, findings: kept}
	dropOwnTokens(m, t.rs)
	out := text
	if m.findings != nil {
		out = t.filter(m)
	}
	if t.rs != nil && t.rs.Len() > 0 {
		out, _ = t.rs.Restore(out)
	}
	if t.shown != nil && t.shown.Len() < 1<<20 {
		t.shown.WriteString(out)
	}
	return out
}

// closeHook runs onClose once, after the wrapped body is closed (the stream is over).
type closeHook struct {
	io.ReadCloser
	onClose func()
	once    bool
}

func (c *closeHook) Close() error {
	err := c.ReadCloser.Close()
	if !c.once {
		c.once = true
		c.onClose()
	}
	return err
}

// filter applies the response policy to the findings of one piece. If the policy or the audit trail
// fails, every finding is redacted: the stream cannot be refused once started, so it fails safe.
func (t *replyTransformer) filter(m *message) string {
	in, err := t.p.input(t.ctx, m, policy.Request{ContentType: "text/event-stream"})
	if err == nil {
		err = t.p.decide(t.ctx, m, in)
	}
	if err == nil {
		err = t.p.record(t.ctx, m, audit.ResponseFiltered, "ok")
	}
	f := &m.fields[0]
	if err != nil {
		t.p.Logger.Warn().Str(fieldRequestID, t.ex.ID).Str(fieldRoute, t.ex.Route.Name).AnErr("error", err).
			Msg("streamed reply filtered without a policy decision: every finding redacted")
		return redact.Replace(f.value, f.findings, redact.Placeholder)
	}
	return t.p.replaceFindings(f.value, f.findings, m)
}

// Holdback keeps back the trailing unfinished candidate: a partial token of the subject, or a
// trailing run of words that could still grow into personal data (digit groups, an e-mail, a
// capitalised name), never more than the detectors' longest finding.
func (t *replyTransformer) Holdback(text string) int {
	h := 0
	if t.rs != nil && t.rs.Len() > 0 {
		h = t.rs.Holdback(text)
	}
	return max(h, candidateTail(text, t.p.Detector.MaxLen()))
}

// candidateTail returns the length of the trailing part of text that could be the beginning of a
// finding still being written: the run of "open" words at the end. A word is open when it has a
// digit, an '@', a '+', or starts with a capital letter (names, addresses, ids); a plain
// lower-case word or sentence punctuation closes the run. Trailing spaces belong to the run (a
// number in groups or a full name may continue after them).
func candidateTail(text string, maxLen int) int {
	end := len(text)
	i := end
	start := end
	for i > 0 {
		// skip white space
		j := i
		for j > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:j])
			if !unicode.IsSpace(r) {
				break
			}
			j -= size
		}
		if j == 0 {
			break
		}
		// the word before them
		k := j
		for k > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:k])
			if unicode.IsSpace(r) {
				break
			}
			k -= size
		}
		word := text[k:j]
		if word == "" || !openWord(word, j == end) {
			break
		}
		start = k
		i = k
		if end-start > maxLen {
			n := maxLen // never more than the longest finding, cut at a rune boundary
			for n > 0 && !utf8.RuneStart(text[end-n]) {
				n--
			}
			return n
		}
	}
	return end - start
}

// openWord reports whether a word could be (part of) a finding that continues; last says it is the
// final word of the text, which may itself be cut mid-word.
func openWord(w string, last bool) bool {
	if last {
		return true // a word being typed: "Mar" may become "Maria", "in" may become "info@..."
	}
	r, _ := utf8.DecodeRuneInString(w)
	if unicode.IsUpper(r) || unicode.IsDigit(r) || r == '+' || r == '(' {
		return !strings.ContainsAny(w[len(w)-1:], ".!?;")
	}
	for _, c := range w {
		if c == '@' || unicode.IsDigit(c) {
			return true
		}
	}
	switch strings.ToLower(w) { // name particles and street words that continue a finding
	case "van", "von", "de", "der", "den", "di", "da", "del", "la", "le", "du", "dos", "das", "y", "e", "nr.", "no.":
		return true
	}
	return false
}

// tail returns at most the last n bytes of s, cut at a rune boundary.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}
