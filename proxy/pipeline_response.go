package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/proxy/stream"
	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/redact/vault"
)

// errResponseTooLarge is a reply too large to inspect: it is not passed on uninspected.
var errResponseTooLarge = &Error{Status: http.StatusBadGateway, Reason: "response_too_large"}

// Response restores the subject's own tokens in a chat reply and filters any other personal data
// in it. JSON and text replies are rewritten whole; event streams are rewritten event by event.
func (p *Pipeline) Response(ctx context.Context, ex *Exchange, res *http.Response) error {
	if ex.Route.Kind == KindPage {
		return p.pageResponse(ctx, ex, res)
	}
	if ex.Route.Kind != KindChat || res.StatusCode == http.StatusSwitchingProtocols {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	switch {
	case mt == "text/event-stream":
		return p.streamResponse(ctx, ex, res)
	case isJSON(mt), strings.HasPrefix(mt, "text/"):
		return p.bufferedResponse(ctx, ex, res, mt)
	}
	return nil // images, files: no text to inspect
}

// bufferedResponse rewrites a whole JSON or text reply.
func (p *Pipeline) bufferedResponse(ctx context.Context, ex *Exchange, res *http.Response, mt string) error {
	raw, err := readCapped(res.Body, p.maxBody, res.ContentLength)
	_ = res.Body.Close()
	if err != nil {
		if errors.Is(err, errBodyTooLarge) {
			return errResponseTooLarge
		}
		return fmt.Errorf("reading upstream response: %w", err)
	}
	body, err := decodeContent(raw, res.Header.Values("Content-Encoding"), p.maxBody)
	if err != nil {
		return fmt.Errorf("decoding upstream response: %w", err)
	}
	out, shown, err := p.filterReply(ctx, ex, body, mt)
	if err != nil {
		return err
	}
	p.keepTranscript(ctx, ex, shown)
	if ex.Notice != "" {
		var added bool
		out, added = withNotice(ex, out, mt)
		p.afterNotice(ctx, ex, added)
	}
	res.Body = io.NopCloser(bytes.NewReader(out))
	res.ContentLength = int64(len(out))
	res.Header.Set("Content-Length", strconv.Itoa(len(out)))
	res.Header.Del("Content-Encoding")
	res.Header.Del("Etag") // the representation changed
	return nil
}

// filterReply is the response-direction pipeline on one complete message (a JSON or text body, or
// a WebSocket message from the bot): findings that are not the subject's own tokens go to the
// policy, then the subject's tokens are restored.
//
// It also returns the reply's texts as shown (for a transcript).
func (p *Pipeline) filterReply(ctx context.Context, ex *Exchange, body []byte, mt string) ([]byte, []string, error) {
	m := &message{ex: ex, direction: policy.DirectionResponse}
	add := func(path, value string, span stream.Span) error {
		if value != "" {
			m.fields = append(m.fields, field{source: fromBody, path: path, value: value, span: span})
		}
		return nil
	}
	if isJSON(mt) {
		if err := stream.JSONStrings(body, nil, add); err != nil {
			return nil, nil, withCause(&Error{Status: http.StatusBadGateway, Reason: "malformed_upstream_response"}, err)
		}
	} else if len(body) > 0 {
		m.fields = append(m.fields, field{source: fromBody, value: string(body), span: stream.Span{End: len(body)}})
	}
	if len(m.fields) == 0 {
		return body, nil, nil
	}
	rs, err := p.restorer(ctx, ex)
	if err != nil {
		return nil, nil, err
	}
	p.scan(m)
	dropOwnTokens(m, rs)
	if rs != nil && isHTML(mt) {
		// A value the user typed must not become markup in the bot's HTML reply. (JSON values are
		// escaped by RewriteJSON; plain text needs nothing.)
		rs = rs.Escaped(html.EscapeString)
	}
	if m.findings != nil {
		in, err := p.input(ctx, m, policy.Request{ContentType: mt})
		if err != nil {
			return nil, nil, err
		}
		if err := p.decide(ctx, m, in); err != nil {
			return nil, nil, err
		}
		if err := p.record(ctx, m, audit.ResponseFiltered, "ok"); err != nil {
			return nil, nil, err
		}
	}
	var edits []stream.Edit
	var rsJSON *vault.Restorer // rs escaped for JSON text, made when first needed
	shown := make([]string, 0, len(m.fields))
	for i := range m.fields {
		f := &m.fields[i]
		out := f.value
		if len(f.findings) > 0 {
			out = p.replaceFindings(f.value, f.findings, m)
		}
		if rs != nil && rs.Len() > 0 {
			r := rs
			if jsonTextPaths[f.path] {
				if rsJSON == nil {
					rsJSON = jsonEscaped(rs)
				}
				r = rsJSON
			}
			out, _ = r.Restore(out)
		}
		shown = append(shown, out)
		if out != f.value {
			edits = append(edits, stream.Edit{Span: f.span, Value: out})
		}
	}
	if len(edits) == 0 {
		return body, shown, nil
	}
	if isJSON(mt) {
		return stream.RewriteJSON(body, edits), shown, nil
	}
	return []byte(edits[0].Value), shown, nil
}

// jsonTextPaths are the paths of strings in a complete JSON reply that are JSON text themselves:
// a value restored in them is escaped for a JSON string, so that they still parse (an OpenAI
// chat completion's tool calls' arguments, the function call of older models, an OpenAI
// response's function calls' arguments).
var jsonTextPaths = map[string]bool{
	"choices.message.tool_calls.function.arguments": true,
	"choices.message.function_call.arguments":       true,
	"output.arguments":                              true,
}

// restorer returns the subject's tokens (prefetched while the bot worked, or loaded now); a
// subject-less exchange has none.
func (p *Pipeline) restorer(ctx context.Context, ex *Exchange) (*vault.Restorer, error) {
	if ex.Subject == "" {
		return nil, nil
	}
	defer p.timeStage(policy.DirectionResponse, stageVault).done()
	rs, ok, err := ex.takeRestorer(ctx)
	if !ok {
		rs, err = p.Vault.Restorer(ctx, ex.Subject)
	}
	if err != nil {
		return nil, fmt.Errorf("loading tokens: %w: %w", ErrPrivacyUnavailable, err)
	}
	return rs, nil
}

// dropOwnTokens removes findings that are exactly one of the subject's own tokens (a surrogate
// e-mail, IBAN, ... looks like personal data): those are restored, not filtered.
func dropOwnTokens(m *message, rs *vault.Restorer) {
	m.findings = nil
	for i := range m.fields {
		f := &m.fields[i]
		kept := f.findings[:0]
		for _, fd := range f.findings {
			if rs != nil && rs.Len() > 0 {
				if out, n := rs.Restore(f.value[fd.Start:fd.End]); n == 1 && out != f.value[fd.Start:fd.End] {
					continue
				}
			}
			kept = append(kept, fd)
			if m.findings == nil {
				m.findings = map[string]int{}
			}
			m.findings[fd.Type.String()]++
		}
		f.findings = kept
	}
}

// replaceFindings applies a response decision to one text. Bot output is never tokenized into
// the subject's vault: "tokenize" on a reply means redact.
func (p *Pipeline) replaceFindings(v string, fs []redact.Finding, m *message) string {
	return redact.Replace(v, fs, func(fd redact.Finding) string {
		if act, out := p.act(m, fd, v[fd.Start:fd.End]); act != policy.ActionTokenize {
			return out
		}
		return redact.Placeholder(fd)
	})
}

// isHTML reports whether a reply is HTML, where a restored value must be escaped.
func isHTML(mt string) bool { return mt == "text/html" || mt == "application/xhtml+xml" }
