package demobot

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestPage(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	tests := []struct {
		desc    string
		path    string
		wantCSP string
	}{
		{desc: "no CSP by default", path: "/"},
		{desc: "strict CSP on request", path: "/?csp=strict", wantCSP: StrictCSP},
		{desc: "other csp values are ignored", path: "/?csp=off"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			res, body := do(t, http.MethodGet, srv.URL+tc.path, "", nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if got := res.Header.Get("Content-Security-Policy"); got != tc.wantCSP {
				t.Errorf("Content-Security-Policy = %q, want %q", got, tc.wantCSP)
			}
			page := string(body)
			for _, want := range []string{
				"<html", "<head>", "</head>", "<body>", "</body>", "</html>",
				"<title>Demo Bot</title>",
				`id="chat-log"`, `id="chat-input"`, `id="chat-send"`, `id="chat-channel"`,
				`value="rest"`, `value="openai"`, `value="ws"`,
				`src="/static/widget.js"`, `href="/static/widget.css"`,
				`aria-live="polite"`, `aria-label="Message"`,
			} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %s", want)
				}
			}
		})
	}
}

// TestPageStrictCSPCompatible checks what a strict CSP would block: inline scripts,
// inline styles, event handler attributes and assets from elsewhere.
func TestPageStrictCSPCompatible(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	_, body := do(t, http.MethodGet, srv.URL+"/", "", nil)
	page := string(body)
	checks := []struct {
		desc string
		re   *regexp.Regexp
	}{
		{desc: "inline script", re: regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)},
		{desc: "inline style element", re: regexp.MustCompile(`<style`)},
		{desc: "style attribute", re: regexp.MustCompile(`\sstyle=`)},
		{desc: "event handler attribute", re: regexp.MustCompile(`\son[a-z]+=`)},
		{desc: "external asset", re: regexp.MustCompile(`(?:src|href)="(?:https?:)?//`)},
	}
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(tag, ` src="/static/`) {
			t.Errorf("script tag %q does not load a same-origin file", tag)
		}
	}
	for _, c := range checks {
		if m := c.re.FindString(page); m != "" {
			t.Errorf("page has %s: %q", c.desc, m)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	tests := []struct {
		desc     string
		path     string
		wantType string
		contains []string
	}{
		{
			desc: "widget script", path: "/static/widget.js", wantType: "text/javascript",
			contains: []string{"textContent", "/webhooks/rest/webhook", "/v1/chat/completions", "/ws", "bot-msg", "user-msg", "addEventListener"},
		},
		{desc: "widget style", path: "/static/widget.css", wantType: "text/css", contains: []string{".bot-msg", ".user-msg"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			res, body := do(t, http.MethodGet, srv.URL+tc.path, "", nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.wantType) {
				t.Errorf("Content-Type = %q, want %s", ct, tc.wantType)
			}
			for _, want := range tc.contains {
				if !strings.Contains(string(body), want) {
					t.Errorf("%s lacks %q", tc.path, want)
				}
			}
		})
	}
	if _, body := do(t, http.MethodGet, srv.URL+"/static/widget.js", "", nil); strings.Contains(string(body), "innerHTML") {
		t.Error("widget.js uses innerHTML; replies must be rendered as text")
	}
}

func TestUnknownPath(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	if res, _ := do(t, http.MethodGet, srv.URL+"/nope", "", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("status = %d, want 404", res.StatusCode)
	}
}
