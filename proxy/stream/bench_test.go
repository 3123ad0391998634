package stream

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// chatRequest1K is a ~1 KB chat request with three values to rewrite.
var chatRequest1K = func() []byte {
	var b strings.Builder
	b.WriteString(`{"model":"legacy-bot-2","stream":true,"temperature":0.2,"messages":[`)
	b.WriteString(`{"role":"system","content":"You are the support assistant of ACME Corp. Answer briefly and politely, in the user's language. Never invent order numbers."},`)
	b.WriteString(`{"role":"user","content":"Hello, I ordered a blue kettle last week and it still has not arrived. My email is jane.doe@example.com and my phone is +49 30 1234567."},`)
	b.WriteString(`{"role":"assistant","content":"I'm sorry to hear that! Could you tell me the order number so that I can look it up for you?"},`)
	b.WriteString(`{"role":"user","content":"Sure, it is 12-3456. You can also reach me at work: j.doe@acme-example.org. Thanks a lot \u00e9\u00e8 for the quick help, I really need it before the weekend because we have guests."}`)
	b.WriteString(`],"metadata":{"session":"3f1c9a7e-6a2b-4d8e-9f00-1234567890ab","channel":"web","locale":"de-DE","tags":["support","kettle","delivery"]}}`)
	return []byte(b.String())
}()

func BenchmarkJSONScanRewrite(b *testing.B) {
	paths := NewPaths([]string{"messages.content", "message"})
	repl := strings.NewReplacer("jane.doe@example.com", "[EMAIL_7f3a2c]", "+49 30 1234567", "[PHONE_01ab99]", "j.doe@acme-example.org", "[EMAIL_7f3a2d]")
	edits := make([]Edit, 0, 4)
	b.ReportAllocs()
	b.SetBytes(int64(len(chatRequest1K)))
	for b.Loop() {
		edits = edits[:0]
		err := JSONStrings(chatRequest1K, paths, func(_, v string, sp Span) error {
			if nv := repl.Replace(v); nv != v {
				edits = append(edits, Edit{sp, nv})
			}
			return nil
		})
		if err != nil || len(edits) != 2 {
			b.Fatal(err, len(edits))
		}
		RewriteJSON(chatRequest1K, edits)
	}
}

func BenchmarkJSONScanOnly(b *testing.B) {
	for _, bc := range []struct {
		name  string
		paths *Paths
	}{{"selected", NewPaths([]string{"messages.content"})}, {"all", nil}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(chatRequest1K)))
			for b.Loop() {
				if err := JSONStrings(chatRequest1K, bc.paths, func(string, string, Span) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reply1K is a ~1 KB bot reply with three tokens.
var reply1K = func() string {
	words := strings.Fields("thank you for your patience we have looked up your order and the parcel left our warehouse on " +
		"monday it should reach you by friday if it does not please reply to this message and we will send a replacement")
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	toks := []string{"[EMAIL_7f3a2c]", "[PHONE_01ab99]", "[NAME_aa]"}
	for i := 0; b.Len() < 1024; i++ {
		if i%60 == 20 && len(toks) > 0 {
			b.WriteString(toks[0] + " ")
			toks = toks[1:]
			continue
		}
		b.WriteString(words[rng.IntN(len(words))] + " ")
	}
	return b.String()
}()

// benchTokens is a vault-sized token set: a few hundred tokens of the conversation.
var benchTokens = func() map[string]string {
	m := map[string]string{}
	for k, v := range tokens {
		m[k] = v
	}
	for i := range 300 {
		m[fmt.Sprintf("[EMAIL_%06x]", i*7919)] = fmt.Sprintf("user%d@example.com", i)
	}
	return m
}()

func BenchmarkReplacer(b *testing.B) {
	r := NewReplacer(benchTokens)
	b.Run("Transform", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(reply1K)))
		for b.Loop() {
			if r.Transform(reply1K) == reply1K {
				b.Fatal("no replacement")
			}
		}
	})
	b.Run("TextStream", func(b *testing.B) {
		// The reply in 3-8 byte pieces, as an SSE stream delivers it.
		var pieces []string
		rng := rand.New(rand.NewPCG(3, 4))
		for rest := reply1K; rest != ""; {
			n := min(len(rest), 3+rng.IntN(6))
			pieces, rest = append(pieces, rest[:n]), rest[n:]
		}
		b.ReportAllocs()
		b.SetBytes(int64(len(reply1K)))
		for b.Loop() {
			s := NewTextStream(r, 0)
			n := 0
			for _, p := range pieces {
				n += len(s.Write(p))
			}
			n += len(s.Close())
			if n == len(reply1K) {
				b.Fatal("no replacement")
			}
		}
	})
}

// BenchmarkSSEEvent measures a reply's handler per SSE event (parse, restore tokens, rewrite the
// event) on a 1 KB reply streamed in pieces of 3 to 8 bytes: OpenAIChunks on OpenAI chunks, and
// ReplyEvents, which Veil runs, on each format it follows across events.
func BenchmarkSSEEvent(b *testing.B) {
	r := NewReplacer(benchTokens)
	newReply := func() EventHandler {
		return NewReplyEvents(ReplyConfig{
			NewStream:     func() TextStreamer { return NewTextStream(r, 0) },
			NewJSONStream: func() TextStreamer { return NewTextStream(r, 0) },
			Whole:         r.Transform,
			Fields:        NewPaths([]string{"token"}),
		})
	}
	openai := genStream([]string{reply1K}, rand.New(rand.NewPCG(5, 6)), true)
	streams := []struct {
		name, stream string
		handler      func() EventHandler
	}{
		{"openai-chunks/openai", openai, func() EventHandler { return NewOpenAIChunks(r, 0) }},
		{"reply-events/openai", openai, newReply},
	}
	for _, f := range replyFormats {
		pieces := cutPieces(reply1K, rand.New(rand.NewPCG(5, 6)))
		name := strings.ReplaceAll(f.name, " ", "-")
		streams = append(streams, struct {
			name, stream string
			handler      func() EventHandler
		}{"reply-events/" + name, f.gen(reply1K, pieces), newReply})
	}
	for _, st := range streams {
		b.Run(st.name, func(b *testing.B) {
			events := strings.Count(st.stream, "\n\n")
			src := strings.NewReader(st.stream)
			buf := make([]byte, 32<<10)
			b.ReportAllocs()
			b.SetBytes(int64(len(st.stream)))
			for b.Loop() {
				src.Reset(st.stream)
				rw := NewSSERewriter(src, st.handler(), 0)
				for {
					if _, err := rw.Read(buf); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/event")
			b.ReportMetric(float64(events), "events/op")
		})
	}
}
