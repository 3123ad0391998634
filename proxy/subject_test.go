package proxy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// subjectHooks records the subject of every chat request.
type subjectHooks struct {
	NopHooks
	mu   sync.Mutex
	seen []string
}

func (h *subjectHooks) Request(_ context.Context, req *ChatRequest) ([]byte, error) {
	h.mu.Lock()
	h.seen = append(h.seen, req.Exchange.Subject)
	h.mu.Unlock()
	return req.Body, nil
}

func TestSubjectCookie(t *testing.T) {
	t.Parallel()
	rc := &received{}
	up := newUpstream(t, rc)
	hooks := &subjectHooks{}
	veil := newVeil(t, testConfig(up.URL), hooks)

	post := func(cookie string) *http.Response {
		req, _ := http.NewRequest("POST", veil.URL+"/chat", strings.NewReader("hi"))
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	first := post("")
	var sid *http.Cookie
	for _, c := range first.Cookies() {
		if c.Name == SubjectCookie {
			sid = c
		}
	}
	if sid == nil || !sid.HttpOnly || !sid.Secure || sid.SameSite != http.SameSiteLaxMode || len(sid.Value) != 32 {
		t.Fatalf("subject cookie %+v", sid)
	}
	// The same cookie is the same subject; the bot's own cookies pass, Veil's never does.
	if res := post("theme=dark; " + SubjectCookie + "=" + sid.Value + "; lang=en"); len(res.Cookies()) != 0 {
		t.Errorf("a known subject got a new cookie")
	}
	// A forged value is not trusted: the browser gets a fresh id.
	post(SubjectCookie + "=../../etc/passwd")

	hooks.mu.Lock()
	seen := append([]string(nil), hooks.seen...)
	hooks.mu.Unlock()
	if seen[0] != "c"+sid.Value || seen[1] != seen[0] || seen[2] == seen[0] || !strings.HasPrefix(seen[2], "c") {
		t.Fatalf("subjects %q", seen)
	}
	_, hdrs := rc.snapshot()
	if got := hdrs[1].Get("Cookie"); got != "theme=dark; lang=en" {
		t.Errorf("bot got Cookie %q", got)
	}
	for i, h := range hdrs {
		if strings.Contains(h.Get("Cookie"), SubjectCookie) {
			t.Errorf("request %d: Veil's cookie reached the bot", i)
		}
	}
}

func TestSubjectFromHeader(t *testing.T) {
	t.Parallel()
	s := subjects{key: []byte("k1")}
	a := s.fromValue("header:X-User", "alice@example.com")
	if a != s.fromValue("header:X-User", "alice@example.com") {
		t.Fatal("not deterministic")
	}
	if a == s.fromValue("header:X-User", "bob@example.com") || a == (subjects{key: []byte("k2")}).fromValue("header:X-User", "alice@example.com") {
		t.Fatal("different identities or keys collide")
	}
	if strings.Contains(a, "alice") || len(a) != 33 {
		t.Fatalf("subject id %q", a)
	}

	hooks := &subjectHooks{}
	cfg := testConfig("http://127.0.0.1:1")
	cfg.Routes[0].Subject = SubjectSource{Header: "X-User"}
	p, err := New(cfg, Options{Hooks: hooks, SubjectKey: []byte("k1")})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/chat", strings.NewReader("hi"))
	req.Header.Set("X-User", "alice@example.com")
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, req)
	if len(hooks.seen) != 1 || hooks.seen[0] != a {
		t.Fatalf("subject %q, want %q", hooks.seen, a)
	}
	if rec.Header().Get("Set-Cookie") != "" {
		t.Error("header-identified route set a cookie")
	}
}
