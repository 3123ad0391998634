package stream

import (
	"slices"
	"strconv"
	"strings"
)

// ReplyConfig says how a ReplyEvents rewrites text.
type ReplyConfig struct {
	// NewStream returns a streamer for one streamed text: a choice, a content block, a stream field
	// or a plain-text stream.
	NewStream func() TextStreamer
	// Whole rewrites a complete value on its own: a JSON string that is not a piece of a streamed
	// text.
	Whole func(string) string
	// WholeJSON is Whole for a value that is JSON text itself (a tool call's arguments, a tool
	// use's partial input): a value it puts back must be escaped for a JSON string, so that the
	// arguments still parse. Nil: Whole.
	WholeJSON func(string) string
	// NewJSONStream is NewStream for JSON text streamed in pieces (an OpenAI tool call's
	// arguments, an Anthropic tool use's input), with values put back escaped as WholeJSON does.
	// Nil: such pieces are rewritten one by one.
	NewJSONStream func() TextStreamer
	// Fields are the JSON paths whose string values, in the events of a bot's own format, are
	// consecutive pieces of one text ("token", "delta.text"): one streamed text per path. Nil or
	// empty: none.
	Fields *Paths
	// Notice, when set, is shown before the reply where the format has a place for it: in OpenAI
	// chunks, as an extra chunk before the first one; in an Anthropic stream, as an extra text
	// delta right after the first text block starts; in a bot's own JSON, as an extra event before
	// the first one with a stream field, the notice in that field; in a plain-text stream, as an
	// extra event before the first piece. OnNotice is called once it has been placed. (On an
	// OpenAI route the caller sends the notice itself, before the bot's first byte.)
	Notice   string
	OnNotice func()
}

// ReplyEvents rewrites every event of a chatbot's streamed reply, whatever the bot's format, so
// that no text in it reaches the client uninspected:
//
//   - OpenAI chat-completion chunks as OpenAIChunks does: each choice's delta.content is one
//     streamed text, and so are each tool call's arguments with a NewJSONStream; the chunk's
//     other strings (a refusal, the arguments without a NewJSONStream, anything a bot adds) are
//     rewritten whole, each on its own, its identifiers excepted;
//   - Anthropic Messages events: each content block's delta.text is one streamed text, and what its
//     streamer still holds goes out in an extra content_block_delta just before the block's
//     content_block_stop (or message_stop);
//   - OpenAI Responses events: the "delta" of each "<kind>.delta" event is a piece of one streamed
//     text per kind and indexes (an output text, a refusal, a reasoning summary; a function
//     call's arguments as JSON text), and what its streamer still holds goes out in an extra
//     delta event just before the matching "<kind>.done" (or response.completed); the full texts
//     those repeat are rewritten whole (with the notice before the one it preceded as deltas);
//   - any other JSON event: the string values at a stream field (ReplyConfig.Fields) are pieces of
//     one streamed text per field, every other string value is rewritten whole, on its own;
//   - data that is not JSON: the data of the stream's events are the pieces of one text, as in a
//     plain-text token stream.
//
// Whether a stream carries JSON is decided by its first event with data: a JSON object. In a
// plain-text stream every data is text, so a piece "{}", "42" or "[1]" is not taken for JSON (a
// reply that is code starts with "{" and streams such pieces); in a JSON stream an event that is
// not JSON is a piece of the plain text. What a streamer still
// holds at "data: [DONE]" or at the end of the stream goes out in an extra event just before,
// modelled on that text's last event. Comments and events without data pass untouched.
//
// A ReplyEvents serves one response; it is not safe for concurrent use.
type ReplyEvents struct {
	cfg      ReplyConfig
	openai   *OpenAIChunks
	mode     replyMode
	blocks   []keyedStream          // Anthropic content blocks, by index
	keyed    []keyedStream          // OpenAI Responses texts, by kind and indexes
	fields   map[string]fieldStream // by configured field
	order    []string               // fields in the order they first appeared
	text     TextStreamer           // the plain text; nil until its first piece
	textType string                 // the event type of the plain text's last piece
	strs     []jsonString
	edits    []Edit
	// placed is the notice as placed in an OpenAI Responses stream, before the output text at
	// noticeAt ("<output_index>/<content_index>/"), whose whole texts get it too (wholeNotice).
	placed, noticeAt string
}

type replyMode uint8

const (
	modeUnknown replyMode = iota
	modeJSON
	modeText
)

// fieldStream is the streamed text of one stream field and the last event that carried it, from
// which an extra event with the text's rest is made: the last event's data with every string
// value edited as tmpl says (the other strings rewritten as they were, the stream fields' pieces
// emptied) and this field's piece, tmpl[at], replaced by the rest.
type fieldStream struct {
	s      TextStreamer
	evType string
	doc    string // the last event's data as received
	tmpl   []Edit
	at     int
}

// jsonString is a string value of an event's JSON.
type jsonString struct {
	path, value string
	span        Span
	field       bool // at a stream field
}

// NewReplyEvents returns a handler for one streamed reply.
func NewReplyEvents(cfg ReplyConfig) *ReplyEvents {
	openai := NewOpenAIChunksFunc(cfg.NewStream)
	if cfg.NewJSONStream != nil {
		openai.SetJSONStream(cfg.NewJSONStream)
	}
	return &ReplyEvents{cfg: cfg, openai: openai}
}

// HandleEvent rewrites one event of the stream.
func (r *ReplyEvents) HandleEvent(ev *Event, out []*Event) ([]*Event, error) {
	data := strings.TrimSpace(ev.Data)
	switch {
	case data == "[DONE]":
		return append(r.flushAll(out), ev), nil
	case data == "" && ev.Data == "":
		return append(out, ev), nil // a comment, an event type alone, an empty data line
	}
	if r.mode == modeUnknown && data != "" {
		r.mode = modeText
		if data[0] == '{' && ValidJSON([]byte(ev.Data)) {
			r.mode = modeJSON
		}
	}
	if r.mode == modeJSON && data != "" && (data[0] == '{' || data[0] == '[') {
		doc := []byte(ev.Data)
		out, ok, err := r.openai.chunk(ev, doc, out)
		if err != nil {
			return out, err
		}
		if ok {
			// The chunk is the last event appended (an extra chunk with held text may precede it).
			if r.openai.meta.other {
				r.chunkStrings(out[len(out)-1])
			}
			if notice := r.takeNotice(); notice != "" {
				extra := r.openai.extraChunk([]choiceText{{index: r.openai.first, text: notice}})
				out = slices.Insert(out, len(out)-1, extra)
			}
			return out, nil
		}
		if ValidJSON(doc) {
			return r.jsonEvent(ev, doc, out), nil
		}
	}
	return r.textEvent(ev, out), nil
}

// EndStream sends what the streamers still hold when the stream ends without [DONE].
func (r *ReplyEvents) EndStream(out []*Event) ([]*Event, error) {
	return r.flushAll(out), nil
}

// jsonEvent rewrites an event whose data, doc, is a JSON document other than an OpenAI chunk.
func (r *ReplyEvents) jsonEvent(ev *Event, doc []byte, out []*Event) []*Event {
	te := parseTyped(doc)
	switch a := te.anthropic(); a.kind {
	case anthropicTextStart:
		out = append(out, r.jsonStrings(ev, doc))
		if notice := r.takeNotice(); notice != "" {
			out = append(out, textDeltaEvent(a.index, notice))
		}
		return out
	case anthropicTextDelta, anthropicJSONDelta:
		if b := r.openStream(&r.blocks, "", a.index, a.kind == anthropicJSONDelta); b != nil {
			if text := b.s.Write(a.value); text != a.value {
				ev.Data = string(RewriteJSON(doc, []Edit{{a.text, text}}))
			}
			return append(out, ev)
		}
	case anthropicBlockStop:
		for _, b := range r.blocks {
			if b.index == a.index {
				out = appendBlockRest(out, b)
			}
		}
	case anthropicStop:
		for _, b := range r.blocks {
			out = appendBlockRest(out, b)
		}
	case anthropicOther:
		if !te.isResponses() {
			break
		}
		re := te.responses()
		var handled bool
		if out, handled = r.responsesEvent(ev, doc, re, out); handled {
			return out
		}
		ev = r.wholeNotice(r.jsonStringsAt(ev, doc, responsesJSONText), re)
		return r.placeFieldNotice(ev, out)
	}
	ev = r.jsonStrings(ev, doc)
	return r.placeFieldNotice(ev, out)
}

// placeFieldNotice appends ev, preceded by the notice in an extra event when ev is the first
// event with a stream field.
func (r *ReplyEvents) placeFieldNotice(ev *Event, out []*Event) []*Event {
	if r.cfg.Notice != "" && len(r.order) > 0 {
		// The first event with a stream field: the notice goes before it, in that field.
		fs := r.fields[r.order[0]]
		edits := slices.Clone(fs.tmpl)
		edits[fs.at].Value = r.takeNotice()
		out = append(out, &Event{Type: ev.Type, Data: string(RewriteJSON([]byte(fs.doc), edits)), hasData: true})
	}
	return append(out, ev)
}

// takeNotice returns the notice to place now, with the paragraph break that separates it from
// the reply, and reports it placed; "" when there is none (left).
func (r *ReplyEvents) takeNotice() string {
	notice := r.cfg.Notice
	if notice == "" {
		return ""
	}
	r.cfg.Notice = ""
	if r.cfg.OnNotice != nil {
		r.cfg.OnNotice()
	}
	return notice + "\n\n"
}

// responsesEvent handles an OpenAI Responses event, read as e, that carries or ends a streamed
// text; handled is false for any other event, whose strings the caller rewrites.
func (r *ReplyEvents) responsesEvent(ev *Event, doc []byte, e responsesEvent, out []*Event) (_ []*Event, handled bool) {
	switch e.kind {
	case responsesDelta, responsesJSONDelta:
		ks := r.openStream(&r.keyed, e.key, -1, e.kind == responsesJSONDelta)
		if ks == nil {
			return out, false
		}
		if at, ok := strings.CutPrefix(e.key, responsesOutputText); ok {
			if notice := r.takeNotice(); notice != "" {
				out = append(out, &Event{Type: ev.Type, Data: string(RewriteJSON(doc, []Edit{{e.text, notice}})), hasData: true})
				r.placed, r.noticeAt = notice, at
			}
		}
		if text := ks.s.Write(e.value); text != e.value {
			ev.Data = string(RewriteJSON(doc, []Edit{{e.text, text}}))
		}
		ks.evType, ks.last = ev.Type, ev.Data
		return append(out, ev), true
	case responsesDone:
		r.keyed = slices.DeleteFunc(r.keyed, func(ks keyedStream) bool {
			if ks.key == e.key {
				out = appendKeyedRest(out, ks)
				return true
			}
			return false
		})
	case responsesEnd:
		for _, ks := range r.keyed {
			out = appendKeyedRest(out, ks)
		}
		r.keyed = r.keyed[:0]
	}
	return out, false
}

// The keys of the Responses events that repeat an output text whole, up to its indexes.
const (
	responsesOutputText  = "response.output_text/"
	responsesContentPart = "response.content_part/"
	responsesOutputItem  = "response.output_item/"
)

var (
	responsesDoneText = NewPaths([]string{"text"})
	responsesPartText = NewPaths([]string{"part.text"})
	responsesItemText = NewPaths([]string{"item.content.text"})
	responsesEndText  = NewPaths([]string{"response.output.content.text"})
)

// wholeNotice puts the notice, placed before the deltas of an output text, also before that text
// where a Responses event repeats it whole: in its done event, its content part's, its output
// item's (the item's first text) and the response's at the end (its first output text, as in a
// complete response), so that a client that reads those rather than the deltas shows it too.
// e is ev read as a Responses event.
func (r *ReplyEvents) wholeNotice(ev *Event, e responsesEvent) *Event {
	if r.noticeAt == "" {
		return ev
	}
	var paths *Paths
	switch {
	case e.kind == responsesEnd:
		paths = responsesEndText
	case e.kind != responsesDone:
		return ev
	case e.key == responsesOutputText+r.noticeAt:
		paths = responsesDoneText
	case e.key == responsesContentPart+r.noticeAt:
		paths = responsesPartText
	case e.key == responsesOutputItem+r.noticeAt[:strings.IndexByte(r.noticeAt, '/')]+"//":
		paths = responsesItemText
	default:
		return ev
	}
	if data, ok := PrefixFirst([]byte(ev.Data), paths, r.placed); ok {
		ev.Data = string(data)
	}
	return ev
}

// responsesJSONText are the paths of the strings of OpenAI Responses events that are JSON text:
// a function call's whole arguments in its done event, its output item and the completed
// response.
var responsesJSONText = map[string]bool{"arguments": true, "item.arguments": true, "response.output.arguments": true}

// keyedStream is the streamer of one text that a format's events name: an Anthropic content
// block's text or tool input (by index), or an OpenAI Responses text (by key), with, for Responses,
// its last delta event as sent, from which an extra event with the text's rest is made.
type keyedStream struct {
	key    string // Responses: the text's kind and indexes
	index  int    // Anthropic: the content block
	json   bool   // JSON text (a tool's input or arguments)
	s      TextStreamer
	evType string
	last   string
}

// openStream returns the streamer for key and index in *list, new on its first piece (of JSON text
// when json), or nil when the list already has MaxChoices texts or the text is JSON and no JSON
// streamer is configured (its pieces are then rewritten whole, each on its own).
func (r *ReplyEvents) openStream(list *[]keyedStream, key string, index int, json bool) *keyedStream {
	for i := range *list {
		if ks := &(*list)[i]; ks.key == key && ks.index == index {
			return ks
		}
	}
	newStream := r.cfg.NewStream
	if json {
		newStream = r.cfg.NewJSONStream
	}
	if len(*list) >= MaxChoices || newStream == nil {
		return nil
	}
	*list = append(*list, keyedStream{key: key, index: index, json: json, s: newStream()})
	return &(*list)[len(*list)-1]
}

// appendKeyedRest appends what ks's streamer still holds, if anything, as its last delta event
// again with the delta replaced.
func appendKeyedRest(out []*Event, ks keyedStream) []*Event {
	rest := ks.s.Close()
	if rest == "" {
		return out
	}
	last := []byte(ks.last)
	e := parseResponses(last) // a delta event as sent: it parses as one
	return append(out, &Event{Type: ks.evType, Data: string(RewriteJSON(last, []Edit{{e.text, rest}})), hasData: true})
}

// jsonStrings rewrites the string values of any other JSON event: pieces of the stream fields'
// texts through their streamers, the others whole.
func (r *ReplyEvents) jsonStrings(ev *Event, doc []byte) *Event {
	return r.jsonStringsAt(ev, doc, jsonText)
}

// jsonStringsAt is jsonStrings with jtext the paths of strings that are JSON text.
func (r *ReplyEvents) jsonStringsAt(ev *Event, doc []byte, jtext map[string]bool) *Event {
	strs := r.strs[:0]
	fields, streamed := r.cfg.Fields, false
	// The document is valid JSON (checked by the caller), so this cannot fail.
	_ = JSONStrings(doc, nil, func(path, value string, span Span) error {
		_, field := fields.Match(path)
		field = field && !fields.All()
		streamed = streamed || field
		strs = append(strs, jsonString{path, value, span, field})
		return nil
	})
	edits := r.edits[:0]
	var tmpl []Edit // the template of extra events, when the event has a stream field
	if streamed {
		tmpl = make([]Edit, len(strs))
	}
	for i, s := range strs {
		var text string
		if !s.field {
			text = r.whole(jtext, s.path)(s.value)
		}
		if tmpl != nil {
			tmpl[i] = Edit{s.span, text}
		}
		if s.field {
			fs := r.field(s.path)
			text = fs.s.Write(s.value)
			fs.evType, fs.doc, fs.tmpl, fs.at = ev.Type, ev.Data, tmpl, i
			r.fields[s.path] = fs
		}
		if text != s.value {
			edits = append(edits, Edit{s.span, text})
		}
	}
	if len(edits) > 0 {
		ev.Data = string(RewriteJSON(doc, edits))
	}
	r.strs, r.edits = strs[:0], edits[:0]
	return ev
}

// chunkIDs are the paths of an OpenAI chunk's strings that identify rather than say anything:
// not rewritten. choices.delta.content is the streamed text, rewritten already.
var chunkIDs = map[string]bool{
	"id": true, "object": true, "model": true, "system_fingerprint": true, "service_tier": true, "obfuscation": true,
	"choices.delta.content": true, "choices.delta.role": true, "choices.finish_reason": true,
	"choices.delta.tool_calls.id": true, "choices.delta.tool_calls.type": true,
	"choices.delta.tool_calls.function.name": true,
}

// toolArguments is the path of an OpenAI tool call's arguments in a chunk.
const toolArguments = "choices.delta.tool_calls.function.arguments"

// jsonText are the paths of strings that are JSON text themselves, streamed in pieces: an OpenAI
// tool call's arguments, an Anthropic tool use's input (input_json_delta).
var jsonText = map[string]bool{toolArguments: true, "delta.partial_json": true}

// whole returns the rewrite of a complete string at path: WholeJSON for JSON text (the paths in
// jtext), else Whole.
func (r *ReplyEvents) whole(jtext map[string]bool, path string) func(string) string {
	if jtext[path] && r.cfg.WholeJSON != nil {
		return r.cfg.WholeJSON
	}
	return r.cfg.Whole
}

// chunkStrings rewrites the strings of an OpenAI chunk that OpenAIChunks leaves alone, each whole:
// a refusal, a tool call's arguments when no NewJSONStream streams them (a value split over two
// pieces is then not found), anything a bot adds. Identifiers and streamed texts are not touched.
func (r *ReplyEvents) chunkStrings(ev *Event) {
	doc := []byte(ev.Data)
	edits := r.edits[:0]
	// The chunk parsed, so it is valid JSON: this cannot fail.
	_ = JSONStrings(doc, nil, func(path, value string, span Span) error {
		if chunkIDs[path] || path == toolArguments && r.cfg.NewJSONStream != nil {
			return nil // an identifier, or a tool call's arguments streamed by OpenAIChunks
		}
		if text := r.whole(jsonText, path)(value); text != value {
			edits = append(edits, Edit{span, text})
		}
		return nil
	})
	if len(edits) > 0 {
		ev.Data = string(RewriteJSON(doc, edits))
	}
	r.edits = edits[:0]
}

// textEvent rewrites an event whose data is a piece of the plain text.
func (r *ReplyEvents) textEvent(ev *Event, out []*Event) []*Event {
	if r.text == nil {
		r.text = r.cfg.NewStream()
	}
	ev.Data = r.text.Write(ev.Data)
	r.textType = ev.Type
	if notice := r.takeNotice(); notice != "" {
		out = append(out, &Event{Type: ev.Type, Data: notice, hasData: true})
	}
	return append(out, ev)
}

// field returns the stream of a stream field, new on its first piece.
func (r *ReplyEvents) field(path string) fieldStream {
	if fs, ok := r.fields[path]; ok {
		return fs
	}
	if r.fields == nil {
		r.fields = make(map[string]fieldStream)
	}
	r.order = append(r.order, path)
	return fieldStream{s: r.cfg.NewStream()}
}

// flushAll appends extra events with what every streamer still holds.
func (r *ReplyEvents) flushAll(out []*Event) []*Event {
	out = r.openai.flushAll(out)
	for _, b := range r.blocks {
		out = appendBlockRest(out, b)
	}
	for _, ks := range r.keyed {
		out = appendKeyedRest(out, ks)
	}
	r.keyed = r.keyed[:0]
	for _, path := range r.order {
		fs := r.fields[path]
		rest := fs.s.Close()
		if rest == "" {
			continue
		}
		// The field's last event again, with this field's piece replaced by the rest and the
		// other stream fields' pieces emptied, so that no piece is sent twice.
		edits := slices.Clone(fs.tmpl)
		edits[fs.at].Value = rest
		out = append(out, &Event{Type: fs.evType, Data: string(RewriteJSON([]byte(fs.doc), edits)), hasData: true})
	}
	if r.text != nil {
		if rest := r.text.Close(); rest != "" {
			out = append(out, &Event{Type: r.textType, Data: rest, hasData: true})
		}
	}
	return out
}

// appendBlockRest appends a content_block_delta with what block b's streamer still holds, if
// anything.
func appendBlockRest(out []*Event, b keyedStream) []*Event {
	if rest := b.s.Close(); rest != "" {
		if b.json {
			out = append(out, blockDeltaEvent(b.index, "input_json_delta", "partial_json", rest))
		} else {
			out = append(out, textDeltaEvent(b.index, rest))
		}
	}
	return out
}

// textDeltaEvent is an Anthropic content_block_delta adding text to block index.
func textDeltaEvent(index int, text string) *Event {
	return blockDeltaEvent(index, "text_delta", "text", text)
}

// blockDeltaEvent is an Anthropic content_block_delta of type typ adding value, as field, to
// block index.
func blockDeltaEvent(index int, typ, field, value string) *Event {
	d := append([]byte(`{"type":"content_block_delta","index":`), strconv.Itoa(index)...)
	d = append(append(append(append(d, `,"delta":{"type":"`...), typ...), `","`...), field...)
	d = append(AppendJSONString(append(d, `":`...), value), "}}"...)
	return &Event{Type: "content_block_delta", Data: string(d), hasData: true}
}

var (
	_ EventHandler = (*ReplyEvents)(nil)
	_ StreamEnder  = (*ReplyEvents)(nil)
)
