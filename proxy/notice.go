package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/veil-privacy/veil/proxy/stream"
)

// withNotice adds the exchange's consent notice to a complete reply in the route's shape: an extra
// first message in a Rasa REST list, text before the content of an OpenAI completion, before the
// first output text of an OpenAI response or before the first text block of an Anthropic message,
// text before a plain-text reply. It reports whether the
// notice went in (other JSON shapes have no place for it).
func withNotice(ex *Exchange, body []byte, mt string) ([]byte, bool) {
	switch shapeOf(ex.Route) {
	case ShapeRasa:
		trimmed := bytes.TrimLeft(body, " \t\r\n")
		if len(trimmed) == 0 || trimmed[0] != '[' {
			return body, false
		}
		recipient := "default"
		_ = stream.JSONStrings(body, recipientPath, func(_, v string, _ stream.Span) error {
			if recipient == "default" {
				recipient = v
			}
			return nil
		})
		msg, _ := json.Marshal(map[string]string{"recipient_id": recipient, "text": ex.Notice})
		rest := bytes.TrimLeft(trimmed[1:], " \t\r\n")
		out := append([]byte("["), msg...)
		if len(rest) > 0 && rest[0] != ']' {
			out = append(out, ',')
		}
		return append(out, rest...), true
	case ShapeOpenAI, ShapeResponses, ShapeAnthropic:
		paths := completionContent
		switch shapeOf(ex.Route) {
		case ShapeResponses:
			paths = responsesText
		case ShapeAnthropic:
			paths = messageText
		}
		return stream.PrefixFirst(body, paths, ex.Notice+"\n\n")
	case ShapeText:
		return append([]byte(ex.Notice+"\n\n"), body...), true
	}
	if strings.HasPrefix(mt, "text/plain") {
		return append([]byte(ex.Notice+"\n\n"), body...), true
	}
	return body, false
}

var (
	recipientPath     = stream.NewPaths([]string{"recipient_id"})
	completionContent = stream.NewPaths([]string{"choices.message.content"})
	messageText       = stream.NewPaths([]string{"content.text"})
	responsesText     = stream.NewPaths([]string{"output.content.text"})
)

// noticeEvent is the consent notice as the first event of an OpenAI-style stream.
func noticeEvent(notice string) io.Reader {
	chunk, _ := json.Marshal(map[string]any{
		"id": "veil-notice", "object": "chat.completion.chunk", "created": 0, "model": "veil",
		"choices": []map[string]any{{"index": 0, "delta": map[string]string{"role": "assistant", "content": notice + "\n\n"}, "finish_reason": nil}},
	})
	return strings.NewReader("data: " + string(chunk) + "\n\n")
}

// afterNotice records the notice once it is part of a reply.
func (p *Pipeline) afterNotice(ctx context.Context, ex *Exchange, added bool) {
	if added && p.Consent != nil {
		p.noticeShown(ctx, ex)
	}
}
