package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/proxy/stream"
)

// Request enforces the policy on a chat request: its body fields and its query string.
func (p *Pipeline) Request(ctx context.Context, req *ChatRequest) ([]byte, error) {
	m := &message{ex: req.Exchange, direction: policy.DirectionRequest}
	if err := p.extract(m, req); err != nil {
		return nil, err
	}
	p.scan(m)
	ctx = p.readAhead(ctx, m)
	turn := p.prepareTurn(ctx, m) // the consent read overlaps the rights check
	if err := p.intercept(ctx, m); err != nil {
		var vr *VeilReply
		if errors.As(err, &vr) {
			vr.Recipient, vr.Stream = rasaSender(req), streamRequested(req)
		}
		return nil, err
	}
	notice, err := p.chatTurn(ctx, m, turn)
	if err != nil {
		return nil, err
	}
	m.ex.Notice = notice
	in, err := p.input(ctx, m, policy.Request{Method: req.Request.Method, Path: req.Request.URL.Path, ContentType: req.MediaType})
	if err != nil {
		return nil, err
	}
	if err := p.decide(ctx, m, in); err != nil {
		var be *BlockedError
		if errors.As(err, &be) {
			be.Recipient = rasaSender(req)
			if aerr := p.record(ctx, m, audit.MessageBlocked, "blocked"); aerr != nil {
				return nil, aerr
			}
		}
		return nil, err
	}
	ed, err := p.apply(ctx, m)
	if err != nil {
		_ = p.record(ctx, m, audit.MessageFailed, "error")
		return nil, err
	}
	for _, h := range m.decision.StripHeaders {
		req.Request.Header.Del(h)
	}
	if err := p.record(ctx, m, audit.MessageForwarded, "ok"); err != nil {
		return nil, err
	}
	p.holdTranscript(m)
	p.prefetchRestorer(ctx, m.ex)
	if len(ed.query) > 0 {
		req.Request.URL.RawQuery = stream.RewriteQuery(req.Request.URL.RawQuery, ed.query)
	}
	for _, h := range ed.headers {
		req.Request.Header[h.path][h.span.Start] = h.value
	}
	if len(ed.body) == 0 {
		return req.Body, nil
	}
	return p.rewriteBody(req.Body, req.MediaType, ed.body), nil
}

// extract collects the text fields of a request: JSON string values (the route's fields, or all),
// form values, a whole text body, and every query parameter.
func (p *Pipeline) extract(m *message, req *ChatRequest) error {
	add := func(src fieldSource) func(path, value string, span stream.Span) error {
		return func(path, value string, span stream.Span) error {
			if value != "" {
				m.fields = append(m.fields, field{source: src, path: path, value: value, span: span})
			}
			return nil
		}
	}
	for _, name := range m.ex.Route.Headers {
		key := http.CanonicalHeaderKey(name)
		for i, v := range req.Request.Header[key] {
			if v != "" {
				m.fields = append(m.fields, field{source: fromHeader, path: key, value: v, span: stream.Span{Start: i}})
			}
		}
	}
	if q := req.Request.URL.RawQuery; q != "" {
		if err := stream.QueryFields(q, nil, add(fromQuery)); err != nil {
			return withCause(errMalformedBody, errors.New("malformed query string"))
		}
	}
	return p.extractBody(m, req)
}

// extractBody collects the text fields of a body by media type.
func (p *Pipeline) extractBody(m *message, req *ChatRequest) error {
	add := func(path, value string, span stream.Span) error {
		if value != "" {
			m.fields = append(m.fields, field{source: fromBody, path: path, value: value, span: span})
		}
		return nil
	}
	body := req.Body
	if len(body) == 0 {
		return nil
	}
	var err error
	switch mt := req.MediaType; {
	case isJSON(mt):
		err = stream.JSONStrings(body, p.pathsFor(m.ex.Route), add)
	case mt == "application/x-www-form-urlencoded":
		err = stream.FormFields(body, p.pathsFor(m.ex.Route), add)
	default: // text/*: the whole body is the message
		m.fields = append(m.fields, field{source: fromBody, value: string(body), span: stream.Span{Start: 0, End: len(body)}})
	}
	if err != nil {
		return withCause(errMalformedBody, errors.New("body does not parse as its media type"))
	}
	return nil
}

func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// rewriteBody applies edits to a body of the given media type.
func (p *Pipeline) rewriteBody(body []byte, mediaType string, edits []stream.Edit) []byte {
	switch {
	case isJSON(mediaType):
		return stream.RewriteJSON(body, edits)
	case mediaType == "application/x-www-form-urlencoded":
		return stream.RewriteForm(body, edits)
	default:
		// A text body is one field spanning it whole.
		return []byte(edits[0].Value)
	}
}

// rasaSender returns the Rasa "sender" of a request body, to address a refusal to it.
func rasaSender(req *ChatRequest) string {
	if shapeOf(req.Exchange.Route) != ShapeRasa || !isJSON(req.MediaType) {
		return ""
	}
	var sender string
	_ = stream.JSONStrings(req.Body, senderPath, func(_, v string, _ stream.Span) error {
		if sender == "" {
			sender = v
		}
		return nil
	})
	return sender
}

var senderPath = stream.NewPaths([]string{"sender"})

// streamRequested reports whether a request asks for its reply as an event stream, so that Veil's
// own reply is one too: an OpenAI or Anthropic request with "stream": true, or, on a route of a
// bot's own JSON with stream fields, one that accepts text/event-stream.
func streamRequested(req *ChatRequest) bool {
	route := req.Exchange.Route
	switch {
	case !streamable(route):
		return false
	case shapeOf(route) == ShapeJSON:
		return strings.Contains(req.Request.Header.Get("Accept"), "text/event-stream")
	case !isJSON(req.MediaType):
		return false
	}
	var body struct {
		Stream bool `json:"stream"`
	}
	return json.Unmarshal(req.Body, &body) == nil && body.Stream
}
