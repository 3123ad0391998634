package vault

import (
	"html"
	"testing"
)

func TestRestorerEscaped(t *testing.T) {
	t.Parallel()
	r := newRestorer([]pair{{token: "[PERSON_1a2b3c]", value: `<img src=x onerror="alert(1)">`}})
	got, n := r.Escaped(html.EscapeString).Restore("Hello [PERSON_1a2b3c]!")
	if n != 1 || got != "Hello &lt;img src=x onerror=&#34;alert(1)&#34;&gt;!" {
		t.Fatalf("Restore = %q, %d", got, n)
	}
	if raw, _ := r.Restore("[PERSON_1a2b3c]"); raw != `<img src=x onerror="alert(1)">` {
		t.Fatal("Escaped changed the original restorer")
	}
}
