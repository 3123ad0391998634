package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/veil-privacy/veil/store/redistest"
)

// TestConsentBanner loads the demo bot's page through Veil in a real browser, with and without a
// strict Content-Security-Policy: the banner appears with the optional purposes off, accepting it
// records consent (visible through /.veil/consent and as consent.granted in the audit stream in
// Redis), and the widget then chats.
func TestConsentBanner(t *testing.T) {
	for _, page := range []string{"/", "/?csp=strict"} {
		t.Run(strings.TrimPrefix(page, "/"), func(t *testing.T) {
			srv := redistest.Start(t)
			b := startBot(t, false)
			v := startVeil(t, fmt.Sprintf(veilConfig, b.URL)+redisConfig(t, srv, ""))
			if page != "/" {
				res, err := v.client.Get(v.publicURL + page)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				csp := res.Header.Get("Content-Security-Policy")
				if !strings.Contains(csp, "script-src 'self' 'sha256-") || strings.Contains(csp, "unsafe-inline") {
					t.Fatalf("CSP through Veil: %q", csp)
				}
			}
			ctx := newBrowser(t)
			err := chromedp.Do(ctx,
				chromedp.Navigate(v.publicURL+page),
				chromedp.WaitVisible(chromedp.CSS(`#veil-consent`)),
			)
			if err != nil {
				screenshot(t, ctx, "banner-missing")
				t.Fatalf("banner: %v", err)
			}
			marketing, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('veil-purpose-marketing').checked`))
			if err != nil || marketing {
				t.Fatalf("marketing toggle checked=%v (%v), want off by default", marketing, err)
			}
			label, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('veil-consent').getAttribute('aria-labelledby')`))
			if label != "veil-consent-title" {
				t.Errorf("banner aria-labelledby %q", label)
			}
			// The script ran (the banner exists); the inline style was allowed too (under a strict
			// CSP a blocked style would leave the banner unpositioned).
			pos, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById('veil-consent')).position`))
			if pos != "fixed" {
				t.Errorf("banner style not applied: position %q", pos)
			}
			focused, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
			if focused != "veil-accept" {
				t.Errorf("keyboard focus on %q, want the accept button", focused)
			}
			screenshot(t, ctx, "banner")
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(`#veil-accept`)),
				chromedp.WaitNotPresent(chromedp.CSS(`#veil-consent`)),
			); err != nil {
				t.Fatalf("accepting: %v", err)
			}
			// The browser's consent, seen through Veil's API with the browser's own cookie.
			granted, err := chromedp.Run(ctx, chromedp.Evaluate[string](
				`fetch('/.veil/consent').then(r => r.json()).then(j => j.purposes.filter(p => p.granted).map(p => p.name).join(','))`,
				chromedp.EvalAwaitPromise))
			if err != nil || granted != "support" {
				t.Fatalf("granted purposes %q (%v), want support only", granted, err)
			}
			// The audit trail in Redis has the grant.
			xs, err := srv.Client().XRange(context.Background(), "veil:stream:veil:audit", "-", "+").Result()
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, x := range xs {
				if x.Values["type"] == "consent.granted" {
					found = true
				}
			}
			if !found {
				t.Fatalf("no consent.granted event among %d audit events", len(xs))
			}
			// And the widget chats.
			reply, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => {
				if (!window.__sent) { window.__sent = true;
				  document.getElementById('chat-input').value = 'hello after consent';
				  document.getElementById('chat-send').click(); }
				for (const e of document.querySelectorAll('#chat-log .bot-msg[data-state="done"]'))
				  if (e.textContent.endsWith('hello after consent')) return e.textContent;
				return null; })()`))
			if err != nil || reply != "You said: hello after consent" {
				t.Fatalf("chat after consent: %q (%v)", reply, err)
			}
			screenshot(t, ctx, "after-consent")
		})
	}
}
