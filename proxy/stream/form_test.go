package stream

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"unicode/utf8"
)

type formField struct {
	Key, Value string
	Span       Span
}

func collectForm(body string, paths *Paths) ([]formField, error) {
	var got []formField
	err := FormFields([]byte(body), paths, func(k, v string, sp Span) error {
		got = append(got, formField{k, v, sp})
		return nil
	})
	return got, err
}

func TestFormFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc   string
		body   string
		fields []string
		want   []formField
	}{
		{desc: "pairs", body: "message=hi+there&lang=de",
			want: []formField{{"message", "hi there", Span{8, 16}}, {"lang", "de", Span{22, 24}}}},
		{desc: "selected", body: "message=hi&lang=de", fields: []string{"message"}, want: []formField{{"message", "hi", Span{8, 10}}}},
		{desc: "escapes", body: "m=jane%40example.com%20%C3%A9&k%5B0%5D=x",
			want: []formField{{"m", "jane@example.com é", Span{2, 29}}, {"k[0]", "x", Span{39, 40}}}},
		{desc: "no equals sign", body: "flag&m=", want: []formField{{"flag", "", Span{4, 4}}, {"m", "", Span{7, 7}}}},
		{desc: "empty pairs skipped", body: "&&a=1&", want: []formField{{"a", "1", Span{4, 5}}}},
		{desc: "repeated key", body: "a=1&a=2", want: []formField{{"a", "1", Span{2, 3}}, {"a", "2", Span{6, 7}}}},
		{desc: "equals in value", body: "a=b=c", want: []formField{{"a", "b=c", Span{2, 5}}}},
		{desc: "empty body"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := collectForm(tc.body, NewPaths(tc.fields))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestFormFieldsMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, body string }{
		{"semicolon separator", "a=1;b=2"},
		{"semicolon in an unselected field", "x=1;y&message=hi"},
		{"bad escape", "a=%zz"},
		{"short escape", "a=%4"},
		{"invalid UTF-8 value", "a=%ff"},
		{"invalid UTF-8 key", "%c3=x"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := collectForm(tc.body, NewPaths([]string{"message"}))
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestRewriteForm(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, body, want string }{
		{"replace values", "message=mail+jane%40example.com&lang=de", "message=mail+%5BEMAIL%5D&lang=de"},
		{"add equals sign", "message&lang=de", "message=mail+%5BEMAIL%5D&lang=de"},
		{"non-ASCII replacement", "message=x", "message=mail+%5BEMAIL%5D"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var edits []Edit
			err := FormFields([]byte(tc.body), NewPaths([]string{"message"}), func(_, _ string, sp Span) error {
				edits = append(edits, Edit{sp, "mail [EMAIL]"})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(RewriteForm([]byte(tc.body), edits)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	q := RewriteQuery("q=a%20b&x=1", []Edit{{Span{2, 7}, "ü&="}})
	if q != "q=%C3%BC%26%3D&x=1" {
		t.Errorf("RewriteQuery = %s", q)
	}
}

func FuzzFormFields(f *testing.F) {
	for _, s := range []string{"message=hi+there&lang=de", "a=%41&b", "a;b", "%zz", "&&=&a=b=c", "k%5B%5D=%E2%82%AC"} {
		f.Add(s, "new value+%&=")
	}
	f.Fuzz(func(t *testing.T, body, repl string) {
		got, err := collectForm(body, nil)
		want, werr := url.ParseQuery(body)
		if werr != nil {
			if err == nil {
				t.Fatalf("accepted %q that ParseQuery refuses: %v", body, werr)
			}
			return
		}
		if err != nil {
			for k, vs := range want {
				if !utf8.ValidString(k) || slices.ContainsFunc(vs, func(v string) bool { return !utf8.ValidString(v) }) {
					return // refused for invalid UTF-8, which ParseQuery allows
				}
			}
			t.Fatalf("refused %q: %v", body, err)
		}
		have := url.Values{}
		for _, g := range got {
			have[g.Key] = append(have[g.Key], g.Value)
			if dec, err := url.QueryUnescape(body[g.Span.Start:g.Span.End]); err != nil || dec != g.Value {
				t.Fatalf("span %v decodes to %q, want %q", g.Span, dec, g.Value)
			}
		}
		if fmt.Sprint(have) != fmt.Sprint(want) {
			t.Fatalf("got %v, want %v", have, want)
		}
		// Rewriting every value yields a form that decodes to the new values.
		edits := make([]Edit, len(got))
		wantNew := url.Values{}
		for i, g := range got {
			edits[i] = Edit{g.Span, repl + g.Key}
			wantNew[g.Key] = append(wantNew[g.Key], repl+g.Key)
		}
		out := string(RewriteForm([]byte(body), edits))
		gotNew, err := url.ParseQuery(out)
		if err != nil {
			t.Fatalf("rewritten form %q: %v", out, err)
		}
		if fmt.Sprint(gotNew) != fmt.Sprint(wantNew) {
			t.Fatalf("rewritten form decodes to %v, want %v", gotNew, wantNew)
		}
		if len(edits) == 0 && out != body {
			t.Fatal("unchanged body differs")
		}
	})
}
