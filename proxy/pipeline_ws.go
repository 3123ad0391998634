package proxy

import (
	"context"
	"encoding/json"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/proxy/stream"
)

// Message enforces the policy on one WebSocket message: a message from the client is treated like
// a chat request (JSON string values, or the whole text), one from the bot like a reply.
func (p *Pipeline) Message(ctx context.Context, wm *WSMessage) ([]byte, error) {
	if wm.Binary {
		// Binary frames carry no text Veil can inspect; they are refused, not passed on unseen.
		return nil, withCause(errUnsupportedType, errBinaryFrame)
	}
	mt := "text/plain"
	if stream.ValidJSON(wm.Data) {
		mt = "application/json"
	}
	if wm.Direction == UpstreamToClient {
		out, shown, err := p.filterReply(ctx, wm.Exchange, wm.Data, mt)
		if err == nil {
			p.keepTranscript(ctx, wm.Exchange, shown)
		}
		return out, err
	}
	m := &message{ex: wm.Exchange, direction: policy.DirectionRequest}
	req := &ChatRequest{Exchange: wm.Exchange, Body: wm.Data, MediaType: mt}
	if err := p.extractBody(m, req); err != nil {
		return nil, err
	}
	turn := p.prepareTurn(ctx, m)
	if err := p.intercept(ctx, m); err != nil {
		return nil, err
	}
	notice, err := p.chatTurn(ctx, m, turn)
	if err != nil {
		return nil, err
	}
	if notice != "" && wm.Notify != nil {
		b, _ := json.Marshal(map[string]string{"text": notice, "veil": "notice"})
		if wm.Notify(b) == nil {
			p.noticeShown(ctx, wm.Exchange)
		}
	}
	p.scan(m)
	in, err := p.input(ctx, m, policy.Request{Method: "WEBSOCKET", Path: wm.Exchange.Route.Path, ContentType: mt})
	if err != nil {
		return nil, err
	}
	if err := p.decide(ctx, m, in); err != nil {
		if _, blocked := err.(*BlockedError); blocked {
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
	if err := p.record(ctx, m, audit.MessageForwarded, "ok"); err != nil {
		return nil, err
	}
	p.holdTranscript(m)
	if len(ed.body) == 0 {
		return wm.Data, nil
	}
	return p.rewriteBody(wm.Data, mt, ed.body), nil
}

// blockedMessage is what a WebSocket client receives instead of the bot's answer when policy
// refuses its message: the policy's text in a "text" field, as chat widgets read replies.
func blockedMessage(e *BlockedError) []byte {
	b, _ := json.Marshal(map[string]string{"text": e.Message, "veil": "blocked"})
	return b
}
