package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium; the test fails in CI without it and skips elsewhere.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (test/run installs it)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// newBrowser starts a headless Chromium for one test. Veil's development CA is not in the
// browser's trust store, so certificate errors are ignored: the TLS itself is tested elsewhere.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// screenshot saves the page in the test's artifact directory (kept with go test -artifacts).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	p := filepath.Join(t.ArtifactDir(), name+".png")
	if err := os.WriteFile(p, png, 0o644); err == nil {
		t.Logf("screenshot: %s", p)
	}
}

// TestWidgetThroughVeil loads the demo bot's page through Veil in a real browser and chats on each
// of the widget's channels.
func TestWidgetThroughVeil(t *testing.T) {
	b := startBot(t, false)
	v := startVeil(t, fmt.Sprintf(veilConfig, b.URL))
	ctx := newBrowser(t)
	// The page comes with Veil's consent banner; the person accepts it first.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(v.publicURL+"/"),
		chromedp.WaitReady(chromedp.CSS(`html[data-widget="ready"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#veil-accept`)),
		chromedp.Click(chromedp.CSS(`#veil-accept`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#veil-consent`)),
	); err != nil {
		screenshot(t, ctx, "widget-load")
		t.Fatalf("loading the page: %v", err)
	}
	for _, ch := range []string{"rest", "openai", "ws"} {
		msg := "hello over " + ch
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#chat-channel`), ch),
			chromedp.SendKeys(chromedp.CSS(`#chat-input`), msg),
			chromedp.Click(chromedp.CSS(`#chat-send`)),
		)
		// Wait for the finished bot reply to this message and read it.
		var reply string
		if err == nil {
			reply, err = chromedp.Run(ctx, chromedp.Poll[string](fmt.Sprintf(
				`(() => { for (const e of document.querySelectorAll('#chat-log .bot-msg[data-state="done"]')) {
				     if (e.textContent.endsWith(%q)) return e.dataset.state + ':' + e.textContent; }
				   return null; })()`, msg)))
		}
		if err != nil {
			screenshot(t, ctx, "widget-"+ch)
			t.Fatalf("channel %s: %v", ch, err)
		}
		if !strings.HasSuffix(reply, "You said: "+msg) {
			t.Fatalf("channel %s: reply %q", ch, reply)
		}
	}
	// Consent was given in the banner, so no in-chat notice: every bot message is a reply.
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#chat-log .bot-msg').length`))
	if err != nil || n != 3 {
		t.Errorf("%d bot messages (%v), want 3 replies and no notice", n, err)
	}
	screenshot(t, ctx, "widget")
}
