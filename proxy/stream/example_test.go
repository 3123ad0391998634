package stream_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/veil-privacy/veil/proxy/stream"
)

func ExampleJSONStrings() {
	doc := []byte(`{"model":"bot","messages":[{"role":"user","content":"mail me: jane@example.com"}]}`)
	var edits []stream.Edit
	err := stream.JSONStrings(doc, stream.NewPaths([]string{"messages.content"}), func(path, value string, span stream.Span) error {
		fmt.Printf("%s: %q\n", path, value)
		edits = append(edits, stream.Edit{Span: span, Value: strings.ReplaceAll(value, "jane@example.com", "<EMAIL>")})
		return nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(stream.RewriteJSON(doc, edits)))
	// Output:
	// messages.content: "mail me: jane@example.com"
	// {"model":"bot","messages":[{"role":"user","content":"mail me: \u003cEMAIL\u003e"}]}
}

func ExampleFormFields() {
	body := []byte("message=call+me+at+%2B49+30+1234567&lang=de")
	var edits []stream.Edit
	_ = stream.FormFields(body, stream.NewPaths([]string{"message"}), func(key, value string, span stream.Span) error {
		edits = append(edits, stream.Edit{Span: span, Value: strings.ReplaceAll(value, "+49 30 1234567", "[PHONE]")})
		return nil
	})
	fmt.Println(string(stream.RewriteForm(body, edits)))
	// Output: message=call+me+at+%5BPHONE%5D&lang=de
}

func ExampleTextStream() {
	restore := stream.NewReplacer(map[string]string{"[EMAIL_7f3a2c]": "jane@example.com"})
	s := stream.NewTextStream(restore, 0)
	for _, piece := range []string{"Hi, I wrote", " to [EM", "AIL_7f3", "a2c] tod", "ay."} {
		fmt.Printf("%q\n", s.Write(piece))
	}
	fmt.Printf("%q\n", s.Close())
	// Output:
	// "Hi, I wrote"
	// " to "
	// ""
	// "jane@example.com tod"
	// "ay."
	// ""
}

func ExampleOpenAIChunks() {
	upstream := strings.NewReader(
		`data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi [NA"},"finish_reason":null}]}` + "\n\n" +
			`data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"ME_aa]!"},"finish_reason":null}]}` + "\n\n" +
			"data: [DONE]\n\n")
	restore := stream.NewReplacer(map[string]string{"[NAME_aa]": "Zoë"})
	body := stream.NewSSERewriter(upstream, stream.NewOpenAIChunks(restore, 0), 0)
	_, _ = io.Copy(os.Stdout, body)
	// Output:
	// data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi "},"finish_reason":null}]}
	//
	// data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Zoë!"},"finish_reason":null}]}
	//
	// data: [DONE]
}

func ExampleHTMLInjector() {
	page := strings.NewReader("<html><body><h1>Shop</h1></body></html>")
	_, _ = io.Copy(os.Stdout, stream.NewHTMLInjector(page, []byte(`<script src="/.veil/notice.js"></script>`)))
	// Output: <html><body><h1>Shop</h1><script src="/.veil/notice.js"></script></body></html>
}
