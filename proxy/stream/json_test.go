package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files")

// found is one string JSONStrings reported.
type found struct {
	Path, Value string
	Span        Span
}

func collectJSON(t testing.TB, doc []byte, paths *Paths) ([]found, error) {
	t.Helper()
	var got []found
	err := JSONStrings(doc, paths, func(path, value string, span Span) error {
		got = append(got, found{path, value, span})
		return nil
	})
	return got, err
}

func TestJSONStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc   string
		doc    string
		fields []string
		want   []found
	}{
		{desc: "chat request", doc: `{"messages":[{"role":"user","content":"hi"}]}`,
			want: []found{{"messages.role", "user", Span{21, 27}}, {"messages.content", "hi", Span{38, 42}}}},
		{desc: "selected field only", doc: `{"messages":[{"role":"user","content":"hi"}]}`, fields: []string{"messages.content"},
			want: []found{{"messages.content", "hi", Span{38, 42}}}},
		{desc: "keys are not values", doc: `{"a":{"b":"c"}}`, want: []found{{"a.b", "c", Span{10, 13}}}},
		{desc: "top-level string", doc: ` "x" `, want: []found{{"", "x", Span{1, 4}}}},
		{desc: "top-level array", doc: `["a",["b"],{"k":"c"}]`, want: []found{{"", "a", Span{1, 4}}, {"", "b", Span{6, 9}}, {"k", "c", Span{16, 19}}}},
		{desc: "escapes", doc: `{"m":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"}`,
			want: []found{{"m", "a\"b\\c/d\b\f\n\r\té😀", Span{5, 45}}}},
		{desc: "lone surrogates", doc: `["\ud800x","\udc00","\ud800\u0041"]`,
			want: []found{{"", "\uFFFDx", Span{1, 10}}, {"", "\uFFFD", Span{11, 19}}, {"", "\uFFFDA", Span{20, 34}}}},
		{desc: "escaped key", doc: `{"mess\u0061ge":"v"}`, fields: []string{"message"}, want: []found{{"message", "v", Span{16, 19}}}},
		{desc: "nested selection through arrays", doc: `{"a":[[{"b":[{"c":"x"}]}]],"c":"y"}`, fields: []string{"a.b.c", "c"},
			want: []found{{"a.b.c", "x", Span{18, 21}}, {"c", "y", Span{31, 34}}}},
		{desc: "prefix of a field is not selected", doc: `{"a":"x","b":{"c":"y"}}`, fields: []string{"a.c"}},
		{desc: "dotted key", doc: `{"a.b":"x","a":{"b":"y"}}`, fields: []string{"a.b"}, want: []found{{"a.b", "x", Span{7, 10}}, {"a.b", "y", Span{20, 23}}}},
		{desc: "root field", doc: `"x"`, fields: []string{""}, want: []found{{"", "x", Span{0, 3}}}},
		{desc: "numbers and literals", doc: `[0,-1,1.5e+10,2E-3,true,false,null,""]`, want: []found{{"", "", Span{35, 37}}}},
		{desc: "empty key", doc: `{"":{"a":"x"}}`, want: []found{{".a", "x", Span{9, 12}}}},
		{desc: "unicode verbatim", doc: "{\"m\":\"zoë \u2028 😀\"}", want: []found{{"m", "zoë \u2028 😀", Span{5, 20}}}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := collectJSON(t, []byte(tc.doc), NewPaths(tc.fields))
			if err != nil {
				t.Fatalf("JSONStrings: %v", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			for _, f := range got {
				if tc.doc[f.Span.Start] != '"' || tc.doc[f.Span.End-1] != '"' {
					t.Errorf("span %v is not a quoted string", f.Span)
				}
			}
		})
	}
}

func TestJSONStringsMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		doc  string
	}{
		{"empty", ""},
		{"whitespace only", " \n"},
		{"trailing garbage", `{"a":"b"}x`},
		{"two values", `"a" "b"`},
		{"trailing comma", `[1,]`},
		{"invalid escape", `["\x"]`},
		{"short unicode escape", `["\u12"]`},
		{"non-hex unicode escape", `["\u12g4"]`},
		{"invalid UTF-8 in a string", "[\"\xff\"]"},
		{"invalid UTF-8 in a selected-out string", "{\"a\":\"\xc3\"}"},
		{"UTF-8 encoded surrogate", "[\"\xed\xa0\x80\"]"},
		{"control character", "[\"a\nb\"]"},
		{"unterminated string", `["abc`},
		{"unterminated object", `{"a":1`},
		{"missing colon", `{"a" 1}`},
		{"unquoted key", `{a:1}`},
		{"leading zero", `[01]`},
		{"bare minus", `[-]`},
		{"dot without digits", `[1.]`},
		{"exponent without digits", `[1e+]`},
		{"bad literal", `[tru]`},
		{"single quotes", `['a']`},
		{"too deep", strings.Repeat("[", MaxJSONDepth+1) + strings.Repeat("]", MaxJSONDepth+1)},
		{"too deep objects", strings.Repeat(`{"a":`, MaxJSONDepth+1) + "1" + strings.Repeat("}", MaxJSONDepth+1)},
		{"BOM", "\ufeff{}"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			for _, fields := range [][]string{nil, {"nothing"}} {
				err := JSONStrings([]byte(tc.doc), NewPaths(fields), func(string, string, Span) error { return nil })
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("fields %v: err = %v, want ErrMalformed", fields, err)
				}
				if err != nil && len(tc.doc) > 3 && strings.Contains(err.Error(), tc.doc) {
					t.Errorf("error quotes the document: %v", err)
				}
			}
			if ValidJSON([]byte(tc.doc)) {
				t.Error("ValidJSON = true")
			}
		})
	}
	deep := strings.Repeat("[", MaxJSONDepth) + `"x"` + strings.Repeat("]", MaxJSONDepth)
	if _, err := collectJSON(t, []byte(deep), nil); err != nil {
		t.Errorf("depth %d: %v", MaxJSONDepth, err)
	}
}

func TestJSONStringsCallbackError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	n := 0
	err := JSONStrings([]byte(`["a","b"]`), nil, func(string, string, Span) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("err = %v after %d calls, want stop after 1", err, n)
	}
}

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, in, want string }{
		{"plain", "hello", `"hello"`},
		{"quotes and backslash", `a"b\c`, `"a\"b\\c"`},
		{"controls", "\n\r\t\x00\x1f\b", `"\n\r\t\u0000\u001f\u0008"`},
		{"html", "<script>&</script>", `"\u003cscript\u003e\u0026\u003c/script\u003e"`},
		{"line separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"invalid UTF-8", "a\xffb\xc3", `"a\ufffdb\ufffd"`},
		{"non-ASCII verbatim", "zoë 😀", `"zoë 😀"`},
		{"DEL verbatim", "\x7f", "\"\x7f\""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := string(AppendJSONString(nil, tc.in))
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			var back string
			if err := json.Unmarshal([]byte(got), &back); err != nil {
				t.Fatal(err)
			}
			if want := string([]rune(tc.in)); back != want {
				t.Errorf("decodes to %q, want %q", back, want)
			}
		})
	}
}

func TestRewriteJSONGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, file string
		fields     []string
		repl       func(string) string
	}{
		{"redact emails", "chat_request", []string{"messages.content"}, func(s string) string {
			return strings.NewReplacer("jane@example.com", "[EMAIL]", "+49 30 1234567", "[PHONE]").Replace(s)
		}},
		{"tokens with html characters", "chat_request", []string{"messages.content"}, func(s string) string {
			return strings.ReplaceAll(s, "jane@example.com", `<b>"jane" & co</b>`+"\u2028")
		}},
		{"every string", "chat_request", nil, strings.ToUpper},
	}
	for i, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			doc, err := os.ReadFile(filepath.Join("testdata", tc.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var edits []Edit
			err = JSONStrings(doc, NewPaths(tc.fields), func(_, v string, sp Span) error {
				if nv := tc.repl(v); nv != v {
					edits = append(edits, Edit{sp, nv})
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			got := RewriteJSON(doc, edits)
			if !json.Valid(got) {
				t.Fatalf("output is not valid JSON:\n%s", got)
			}
			golden(t, filepath.Join("testdata", fmt.Sprintf("%s.rewrite%d.golden", tc.file, i)), got)
		})
	}
}

// golden compares got with the golden file, rewriting it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\ngot\n%s\nwant\n%s", path, got, want)
	}
}

func TestRewriteJSONPanicsOnBadSpans(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"a":"b","c":"d"}`)
	tests := []struct {
		desc  string
		edits []Edit
	}{
		{"out of range", []Edit{{Span{5, 99}, "x"}}},
		{"not a string", []Edit{{Span{0, 3}, "x"}}},
		{"inside a string", []Edit{{Span{6, 7}, "x"}}},
		{"overlapping", []Edit{{Span{5, 8}, "x"}, {Span{5, 8}, "y"}}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			RewriteJSON(doc, tc.edits)
		})
	}
	got := RewriteJSON(doc, []Edit{{Span{13, 16}, "D"}, {Span{5, 8}, "B"}})
	if string(got) != `{"a":"B","c":"D"}` {
		t.Errorf("unsorted edits: %s", got)
	}
}

// refStrings lists the string values of a valid document with encoding/json's tokenizer, with
// their paths, and the document's nesting depth.
func refStrings(doc []byte) (got []found, depth int, err error) {
	type frame struct {
		object, wantKey bool
		key             string
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	path := func() string {
		var keys []string
		for _, f := range stack {
			if f.object {
				keys = append(keys, f.key)
			}
		}
		return strings.Join(keys, ".")
	}
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return got, depth, nil
			}
			return nil, 0, err
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				stack = append(stack, frame{object: v == '{', wantKey: v == '{'})
				depth = max(depth, len(stack))
			} else {
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = v, false
				continue
			}
			got = append(got, found{Path: path(), Value: v})
			valueDone()
		default:
			valueDone()
		}
	}
}

func FuzzJSONStrings(f *testing.F) {
	for _, s := range []string{`{"messages":[{"role":"user","content":"hi \u00e9"}]}`, `"x"`, `[1,2,{"a":null}]`,
		`{"a":{"b":["c",{"d":"\ud83d\ude00"}]}}`, `{"":""}`, "[\"\xff\"]", `[1e5,-0.5,true]`, `{"a":1}x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, err := collectJSON(t, doc, nil)
		if !json.Valid(doc) {
			if err == nil {
				t.Fatalf("accepted invalid JSON %q", doc)
			}
			return
		}
		if !utf8.Valid(doc) {
			if err == nil {
				t.Fatalf("accepted invalid UTF-8 %q", doc)
			}
			return
		}
		want, depth, rerr := refStrings(doc)
		if rerr != nil {
			t.Fatalf("reference: %v", rerr)
		}
		if depth > MaxJSONDepth {
			if err == nil {
				t.Fatalf("accepted depth %d", depth)
			}
			return
		}
		if err != nil {
			t.Fatalf("rejected valid %q: %v", doc, err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d strings, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i].Path != want[i].Path || got[i].Value != want[i].Value {
				t.Fatalf("string %d: got %q=%q, want %q=%q", i, got[i].Path, got[i].Value, want[i].Path, want[i].Value)
			}
			var v string
			if err := json.Unmarshal(doc[got[i].Span.Start:got[i].Span.End], &v); err != nil || v != got[i].Value {
				t.Fatalf("span %v decodes to %q (%v), want %q", got[i].Span, v, err, got[i].Value)
			}
		}
		// The selected subset is the matching subset of all strings, in order.
		if len(got) > 0 {
			sel := NewPaths([]string{got[0].Path, "nothing.here"})
			sub, err := collectJSON(t, doc, sel)
			if err != nil {
				t.Fatal(err)
			}
			var wantSub []found
			for _, g := range got {
				if g.Path == got[0].Path {
					wantSub = append(wantSub, g)
				}
			}
			if fmt.Sprint(sub) != fmt.Sprint(wantSub) {
				t.Fatalf("selected %v, want %v", sub, wantSub)
			}
		}
	})
}

func FuzzRewriteJSON(f *testing.F) {
	f.Add([]byte(`{"messages":[{"role":"user","content":"hi"}]}`), "x<\"y\u2028\xff")
	f.Add([]byte(`["a","b",{"c":["d"]}]`), "")
	f.Fuzz(func(t *testing.T, doc []byte, seed string) {
		var edits []Edit
		var want []string
		err := JSONStrings(doc, nil, func(_, v string, sp Span) error {
			// A different value per string, derived from the seed.
			nv := seed + v[:min(len(v), len(edits))]
			if len(edits)%2 == 1 {
				nv = v
			}
			edits = append(edits, Edit{sp, nv})
			want = append(want, string([]rune(nv)))
			return nil
		})
		if err != nil {
			return
		}
		out := RewriteJSON(doc, edits)
		if !json.Valid(out) || !ValidJSON(out) {
			t.Fatalf("invalid output %q", out)
		}
		if bytes.ContainsAny(out, "<>&\u2028\u2029") && !bytes.ContainsAny(doc, "<>&\u2028\u2029") {
			t.Fatalf("unescaped HTML-sensitive character in %q", out)
		}
		got, _, err := refStrings(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d strings, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i].Value != want[i] {
				t.Fatalf("string %d = %q, want %q", i, got[i].Value, want[i])
			}
		}
	})
}

// FuzzPrefixFirst: the prefix goes before the first string at the path and nowhere else, and the
// document stays valid JSON.
func FuzzPrefixFirst(f *testing.F) {
	f.Add([]byte(`{"output":[{"content":[{"text":"a"},{"text":"b"}]}]}`), "Notice\n\n")
	f.Add([]byte(`{"output":[]}`), "x")
	f.Add([]byte(`[{"output":{"content":{"text":"\u00e9"}}}]`), "<\"\xff")
	paths := NewPaths([]string{"output.content.text"})
	f.Fuzz(func(t *testing.T, doc []byte, prefix string) {
		before, _, err := refStrings(doc)
		if err != nil || JSONStrings(doc, nil, func(string, string, Span) error { return nil }) != nil {
			return
		}
		out, ok := PrefixFirst(doc, paths, prefix)
		if !json.Valid(out) {
			t.Fatalf("invalid output %q", out)
		}
		after, _, err := refStrings(out)
		if err != nil || len(after) != len(before) {
			t.Fatalf("%d strings after, %d before (%v)", len(after), len(before), err)
		}
		first := -1
		for i, s := range before {
			if s.Path == "output.content.text" {
				first = i
				break
			}
		}
		if ok != (first >= 0) {
			t.Fatalf("ok %v, but the first string at the path is %d", ok, first)
		}
		for i := range before {
			want := before[i].Value
			if i == first {
				want = string([]rune(prefix + want))
			}
			if after[i].Value != want {
				t.Fatalf("string %d = %q, want %q", i, after[i].Value, want)
			}
		}
	})
}
