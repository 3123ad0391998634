package demobot

import (
	"embed"
	"io/fs"
	"net/http"
)

// static holds the page and the widget: plain HTML, JS and CSS, no build step.
//
//go:embed static
var static embed.FS

// StrictCSP is the Content-Security-Policy sent for GET /?csp=strict. The page and the
// widget work under it: no inline script, style or event handler.
const StrictCSP = "default-src 'self'; script-src 'self'; style-src 'self'"

// handlePage serves the chat page at GET /.
func (b *Bot) handlePage(w http.ResponseWriter, r *http.Request) {
	page, err := static.ReadFile("static/index.html")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "page missing")
		return
	}
	h := w.Header()
	if r.URL.Query().Get("csp") == "strict" {
		h.Set("Content-Security-Policy", StrictCSP)
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.Write(page) //nolint:errcheck // the client is gone
}

// staticHandler serves /static/widget.js, /static/widget.css and the rest of static/.
func staticHandler() http.Handler {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}
