package consent

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"strings"
)

//go:embed banner/banner.js
var bannerJS string

//go:embed banner/banner.css
var bannerCSS string

// Banner is the consent banner injected into the widget's HTML pages: one inline <style> and one
// inline <script>, allowed under a page's Content-Security-Policy by their hashes.
type Banner struct {
	snippet    []byte
	ScriptHash string // 'sha256-…' of the script, for script-src
	StyleHash  string // 'sha256-…' of the style, for style-src
}

// Snippet is the HTML to insert before </body>.
func (b *Banner) Snippet() []byte { return b.snippet }

// NewBanner builds the snippet and its CSP hashes.
func NewBanner() *Banner {
	return &Banner{
		snippet:    []byte("<style id=\"veil-consent-style\">" + bannerCSS + "</style><script>" + bannerJS + "</script>"),
		ScriptHash: cspHash(bannerJS),
		StyleHash:  cspHash(bannerCSS),
	}
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// AllowInCSP returns a Content-Security-Policy header value that also allows the banner, without
// weakening anything: the banner's hashes are added to the directive that governs inline scripts
// (script-src-elem, script-src, or default-src) and styles likewise. A directive that already
// allows inline code ('unsafe-inline' without nonces or hashes) is left alone, since adding a hash
// would switch inline code off for the page. A 'none' directive becomes the hash alone.
func (b *Banner) AllowInCSP(policy string) string {
	if strings.TrimSpace(policy) == "" {
		return policy
	}
	dirs := parseCSP(policy)
	add := func(hash string, names ...string) {
		for _, n := range names {
			for i := range dirs {
				if dirs[i].name == n {
					dirs[i].sources = withSource(dirs[i].sources, hash)
					return
				}
			}
		}
	}
	add(b.ScriptHash, "script-src-elem", "script-src", "default-src")
	add(b.StyleHash, "style-src-elem", "style-src", "default-src")
	parts := make([]string, len(dirs))
	for i, d := range dirs {
		parts[i] = strings.TrimSpace(d.name + " " + strings.Join(d.sources, " "))
	}
	return strings.Join(parts, "; ")
}

type cspDirective struct {
	name    string
	sources []string
}

func parseCSP(policy string) []cspDirective {
	var out []cspDirective
	for _, part := range strings.Split(policy, ";") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		out = append(out, cspDirective{name: strings.ToLower(f[0]), sources: f[1:]})
	}
	return out
}

func withSource(sources []string, hash string) []string {
	inline, hashed := false, false
	for _, s := range sources {
		ls := strings.ToLower(s)
		switch {
		case ls == "'unsafe-inline'":
			inline = true
		case strings.HasPrefix(ls, "'nonce-"), strings.HasPrefix(ls, "'sha"), ls == "'strict-dynamic'":
			hashed = true
		}
	}
	if inline && !hashed {
		return sources // inline code is already allowed; a hash would disable it
	}
	if len(sources) == 1 && strings.EqualFold(sources[0], "'none'") {
		return []string{hash}
	}
	return append(sources, hash)
}
