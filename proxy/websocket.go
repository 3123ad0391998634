package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Streams tracks the WebSocket connections in progress across every Proxy of the process, so a
// shutdown can close them with "going away" instead of cutting them.
type Streams struct {
	mu    sync.Mutex
	conns map[*websocket.Conn]struct{}
	gauge interface {
		Inc()
		Dec()
	}
}

// NewStreams returns an empty set whose size is exported in m's open-streams gauge.
func NewStreams(m *Metrics) *Streams {
	return &Streams{conns: map[*websocket.Conn]struct{}{}, gauge: m.openStreams.WithLabelValues("websocket")}
}

func (s *Streams) add(c *websocket.Conn) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	s.gauge.Inc()
}

func (s *Streams) remove(c *websocket.Conn) {
	s.mu.Lock()
	_, ok := s.conns[c]
	delete(s.conns, c)
	s.mu.Unlock()
	if ok {
		s.gauge.Dec()
	}
}

// CloseAll closes every tracked connection with status 1001 (going away).
func (s *Streams) CloseAll() {
	s.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.Close(websocket.StatusGoingAway, "server shutting down")
		}()
	}
	wg.Wait()
}

// Len returns the number of open connections.
func (s *Streams) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// wsHandshakeHeaders are the client's handshake headers that the upstream handshake makes anew.
var wsHandshakeHeaders = map[string]bool{
	"Upgrade": true, "Connection": true, "Sec-Websocket-Key": true, "Sec-Websocket-Version": true,
	"Sec-Websocket-Extensions": true, "Sec-Websocket-Protocol": true, "Host": true, "Origin": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Proxy-Authorization": true, "Content-Length": true,
}

// serveWebSocket relays a WebSocket connection message by message: each complete message, in
// either direction, passes through the hooks before it is sent on.
func (p *Proxy) serveWebSocket(w http.ResponseWriter, r *http.Request, ex *Exchange, rm *routeMetrics, start time.Time) {
	if !isUpgrade(r) || !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		p.fail(w, r, ex, rm, &Error{Status: http.StatusUpgradeRequired, Reason: "websocket_required"}, start)
		return
	}
	// Dial the upstream first: if it is unreachable the client gets an HTTP error status.
	up, err := p.dialUpstreamWS(r, ex)
	if err != nil {
		status, reason := StatusFor(err)
		rm.upstreamError(reason)
		p.fail(w, r, ex, rm, withCause(&Error{Status: status, Reason: reason}, sanitize(err)), start)
		return
	}
	var subprotocols []string
	if sp := up.Subprotocol(); sp != "" {
		subprotocols = []string{sp}
	}
	client, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:   subprotocols,
		OriginPatterns: ex.Route.Origins,
	})
	if err != nil {
		// Accept has already written the HTTP error (bad handshake, forbidden origin).
		_ = up.CloseNow()
		p.log.Warn().Str(fieldRequestID, ex.ID).Str(fieldRoute, ex.Route.Name).AnErr("error", err).Msg("websocket handshake refused")
		p.finish(r, ex, rm, http.StatusForbidden, 0, 0, start, "websocket_handshake")
		return
	}
	limit := int64(p.cfg.Limits.MaxMessageBytes)
	client.SetReadLimit(limit)
	up.SetReadLimit(limit)
	p.streams.add(client)
	defer p.streams.remove(client)

	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	var wg sync.WaitGroup
	var in, out int64
	wg.Add(2)
	go func() {
		defer wg.Done()
		in = p.relay(ctx, cancel, ex, client, up, ClientToUpstream)
	}()
	go func() {
		defer wg.Done()
		out = p.relay(ctx, cancel, ex, up, client, UpstreamToClient)
	}()
	wg.Wait()
	p.finish(r, ex, rm, http.StatusSwitchingProtocols, in, out, start, "")
}

func (p *Proxy) dialUpstreamWS(r *http.Request, ex *Exchange) (*websocket.Conn, error) {
	u := *p.cfg.Upstream.parsed
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path = singleJoin(u.Path, r.URL.Path)
	u.RawPath = ""
	u.RawQuery = r.URL.RawQuery
	h := http.Header{}
	for k, vs := range r.Header {
		if wsHandshakeHeaders[k] || strings.HasPrefix(k, "X-Forwarded-") {
			continue
		}
		h[k] = vs
	}
	for _, k := range clientIPHeaders {
		h.Del(k)
	}
	stripSubjectCookie(h)
	h.Set(HeaderRequestID, ex.ID)
	var protos []string
	for _, v := range r.Header.Values("Sec-Websocket-Protocol") {
		for _, sp := range strings.Split(v, ",") {
			if sp = strings.TrimSpace(sp); sp != "" {
				protos = append(protos, sp)
			}
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.cfg.Upstream.DialTimeout+p.cfg.Upstream.ResponseHeaderTimeout)
	defer cancel()
	c, res, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{
		HTTPClient:   &http.Client{Transport: p.transport},
		HTTPHeader:   h,
		Subprotocols: protos,
	})
	if res != nil && res.Body != nil && err != nil {
		_ = res.Body.Close()
	}
	return c, err
}

// relay copies messages from src to dst through the hooks until either side closes. It returns
// the payload bytes it forwarded.
func (p *Proxy) relay(ctx context.Context, cancel context.CancelFunc, ex *Exchange, src, dst *websocket.Conn, dir Direction) int64 {
	defer cancel()
	var n int64
	for {
		typ, data, err := src.Read(ctx)
		if err != nil {
			// Pass the peer's close status on; a read failure without one (network error, read
			// limit exceeded: the library has already closed src with 1009) becomes "going away".
			code := websocket.CloseStatus(err)
			switch code {
			case -1, websocket.StatusNoStatusRcvd, websocket.StatusAbnormalClosure, websocket.StatusTLSHandshake:
				code = websocket.StatusGoingAway
			}
			if dst.Close(code, "") != nil {
				_ = dst.CloseNow()
			}
			return n
		}
		msg := &WSMessage{Exchange: ex, Direction: dir, Binary: typ == websocket.MessageBinary, Data: data}
		if dir == ClientToUpstream {
			msg.Notify = func(b []byte) error { return src.Write(ctx, websocket.MessageText, b) }
		}
		outData, err := p.hooks.Message(ctx, msg)
		var vr *VeilReply
		if errors.As(err, &vr) && dir == ClientToUpstream {
			// Answered by Veil itself: the reply goes to the client, nothing to the bot.
			b, _ := json.Marshal(map[string]string{"text": vr.Text, "veil": "reply"})
			if src.Write(ctx, websocket.MessageText, b) != nil {
				_ = dst.Close(websocket.StatusGoingAway, "peer closed")
				return n
			}
			continue
		}
		var be *BlockedError
		if errors.As(err, &be) && dir == ClientToUpstream {
			// Refused by policy: the client is told in a message and the connection stays.
			p.log.Info().Str(fieldRequestID, ex.ID).Str(fieldRoute, ex.Route.Name).Strs(fieldRules, be.Reasons).Msg("websocket message blocked by policy")
			if src.Write(ctx, websocket.MessageText, blockedMessage(be)) != nil {
				_ = dst.Close(websocket.StatusGoingAway, "peer closed")
				return n
			}
			continue
		}
		if err != nil {
			status, reason := StatusFor(err)
			p.log.Warn().Str(fieldRequestID, ex.ID).Str(fieldRoute, ex.Route.Name).Str("direction", dir.String()).
				Int(fieldStatus, status).Str(fieldReason, reason).AnErr("error", sanitize(err)).Msg("websocket message refused")
			code := websocket.StatusInternalError
			if status < 500 {
				code = websocket.StatusPolicyViolation
			}
			_ = src.Close(code, http.StatusText(status))
			_ = dst.Close(code, http.StatusText(status))
			return n
		}
		if err := dst.Write(ctx, typ, outData); err != nil {
			_ = src.Close(websocket.StatusGoingAway, "peer closed")
			return n
		}
		n += int64(len(outData))
	}
}

// singleJoin joins two URL paths with exactly one slash between them.
func singleJoin(a, b string) string {
	switch {
	case a == "" || a == "/":
		return b
	case strings.HasSuffix(a, "/") && strings.HasPrefix(b, "/"):
		return a + b[1:]
	case !strings.HasSuffix(a, "/") && !strings.HasPrefix(b, "/"):
		return a + "/" + b
	}
	return a + b
}
