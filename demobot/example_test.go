package demobot_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/veil-privacy/veil/demobot"
)

// The bot is an http.Handler: run it with httptest (or http.Server) and read back
// exactly what reached it.
func Example() {
	bot := demobot.New(demobot.Config{})
	srv := httptest.NewServer(bot)
	defer srv.Close()

	res, err := http.Post(srv.URL+"/webhooks/rest/webhook", "application/json",
		strings.NewReader(`{"sender":"alice","message":"hello"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	reply, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Print(string(reply))
	fmt.Println(bot.Received()[0].Body)
	// Output:
	// [{"recipient_id":"alice","text":"You said: hello"}]
	// {"sender":"alice","message":"hello"}
}

// HoldAfter keeps a chat completion stream open after its first event until the
// test says so, which proves a proxy forwards events without buffering them.
func ExampleHoldAfter() {
	release := make(chan struct{})
	bot := demobot.New(demobot.Config{StreamGate: demobot.HoldAfter(1, release)})
	srv := httptest.NewServer(bot)
	defer srv.Close()

	res, err := http.Post(srv.URL+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	first := make([]byte, len("data: "))
	if _, err := io.ReadFull(res.Body, first); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("first event started: %q\n", first) // the rest is not produced yet
	close(release)
	rest, _ := io.ReadAll(res.Body)
	fmt.Println(strings.HasSuffix(string(rest), "data: [DONE]\n\n"))
	// Output:
	// first event started: "data: "
	// true
}
