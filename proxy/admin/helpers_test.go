package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/store"
)

// memStore is an in-memory Store; it keeps expiry but leaves enforcing it to the code under test
// (whose clock is fake), except that Get and List drop records expired by the fake clock.
type memStore struct {
	mu    sync.Mutex
	m     map[string]store.Record
	clock func() time.Time
	ops   []string // "<method> <kind>", in order
}

func (s *memStore) op(method, kind string) { s.ops = append(s.ops, method+" "+kind) }

// takeOps returns and forgets the operations so far.
func (s *memStore) takeOps() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ops := s.ops
	s.ops = nil
	return ops
}

func newMemStore(clock func() time.Time) *memStore {
	return &memStore{m: map[string]store.Record{}, clock: clock}
}

func memKey(subject, kind, key string) string { return subject + "\x00" + kind + "\x00" + key }

func (s *memStore) live(r store.Record) bool {
	return r.ExpiresAt.IsZero() || s.clock().Before(r.ExpiresAt)
}

func (s *memStore) Put(_ context.Context, r store.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.op("Put", r.Kind)
	r.Value = bytes.Clone(r.Value)
	s.m[memKey(r.Subject, r.Kind, r.Key)] = r
	return nil
}

func (s *memStore) PutIfAbsent(_ context.Context, r store.Record) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.op("PutIfAbsent", r.Kind)
	k := memKey(r.Subject, r.Kind, r.Key)
	if old, ok := s.m[k]; ok && s.live(old) {
		return false, nil
	}
	r.Value = bytes.Clone(r.Value)
	s.m[k] = r
	return true, nil
}

func (s *memStore) Get(_ context.Context, subject, kind, key string) (store.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.op("Get", kind)
	r, ok := s.m[memKey(subject, kind, key)]
	if !ok || !s.live(r) {
		return store.Record{}, store.ErrNotFound
	}
	return r, nil
}

func (s *memStore) List(_ context.Context, subject, kind string) ([]store.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.op("List", kind)
	var out []store.Record
	for _, r := range s.m {
		if r.Subject == subject && r.Kind == kind && s.live(r) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (s *memStore) Delete(_ context.Context, subject, kind, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.op("Delete", kind)
	k := memKey(subject, kind, key)
	if r, ok := s.m[k]; !ok || !s.live(r) {
		return store.ErrNotFound
	}
	delete(s.m, k)
	return nil
}

// fakeAuditor records events as given (with Subject raw: the real one pseudonymizes it).
type fakeAuditor struct {
	mu     sync.Mutex
	events []audit.Event
	fail   error
}

func (f *fakeAuditor) Record(_ context.Context, ev audit.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.events = append(f.events, ev)
	return nil
}

func (f *fakeAuditor) Pseudonym(subject string) string { return "p-" + subject }

func (f *fakeAuditor) all() []audit.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]audit.Event(nil), f.events...)
}

func (f *fakeAuditor) ofType(t audit.Type) []audit.Event {
	var out []audit.Event
	for _, e := range f.all() {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// cheapArgon keeps tests fast; production parameters are tested once in TestPasswordHash.
var cheapArgon = argonParams{Time: 1, MemoryKiB: 64, Threads: 1}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a configured admin server over fakes.
type env struct {
	t       *testing.T
	srv     *Server
	http    *httptest.Server
	store   *memStore
	auditor *fakeAuditor
	clock   *fakeClock
	logs    *syncBuffer
	reloads int
	mu      sync.Mutex
}

type envOption func(*Config, *Deps)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, clock: &fakeClock{t: time.Now().UTC()}, auditor: &fakeAuditor{}, logs: &syncBuffer{}}
	e.store = newMemStore(e.clock.now)
	cfg := Config{Listen: "127.0.0.1:0"}
	deps := Deps{
		Store: e.store, Auditor: e.auditor, SecretKey: bytes.Repeat([]byte{7}, 32), Clock: e.clock.now,
		Logger:       zerolog.New(e.logs),
		Reload:       func(context.Context) error { e.mu.Lock(); e.reloads++; e.mu.Unlock(); return nil },
		PolicyStatus: func() any { return map[string]string{"revision": "rev-1"} },
		RotateKeys:   func(context.Context) (any, error) { return map[string]int{"rewrapped": 3}, nil },
		AuditReader:  &fakeReader{},
	}
	for _, o := range opts {
		o(&cfg, &deps)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e.srv = NewServer(prometheus.NewRegistry())
	e.srv.SetCheck("test", func() error { return nil })
	if err := e.srv.Configure(cfg, deps); err != nil {
		t.Fatal(err)
	}
	e.srv.Accounts().setArgon(cheapArgon)
	e.http = httptest.NewServer(e.srv)
	t.Cleanup(e.http.Close)
	return e
}

// fakeReader is an empty audit stream.
type fakeReader struct{}

func (fakeReader) Range(context.Context, string, string, string, int) ([]store.Entry, error) {
	return nil, nil
}

// token issues a token for role directly through the accounts.
func (e *env) token(role Role) IssuedToken {
	e.t.Helper()
	tok, err := e.srv.Accounts().IssueToken(context.Background(), role, time.Hour, "", "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// identity creates an identity with MFA and returns its credentials.
func (e *env) identity(name string, role Role) Credentials {
	e.t.Helper()
	c, err := e.srv.Accounts().CreateIdentity(context.Background(), NewIdentity{Name: name, Role: role}, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// code returns the TOTP code of secret at the fake clock's time, offset by steps.
func (e *env) code(secret string, steps int) string {
	e.t.Helper()
	c, err := totp.GenerateCode(secret, e.clock.now().Add(time.Duration(steps)*totpPeriod*time.Second))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

type req struct {
	method, path string
	body         any
	token        string
	cookie       string
	header       map[string]string
}

type resp struct {
	status int
	body   string
	res    *http.Response
}

func (e *env) do(r req) resp {
	e.t.Helper()
	var body io.Reader
	if r.body != nil {
		switch b := r.body.(type) {
		case string:
			body = strings.NewReader(b)
		default:
			j, _ := json.Marshal(b)
			body = bytes.NewReader(j)
		}
	}
	hr, err := http.NewRequest(r.method, e.http.URL+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if r.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.cookie != "" {
		hr.AddCookie(&http.Cookie{Name: SessionCookie, Value: r.cookie})
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, body: string(b), res: res}
}

// login signs in and returns the session cookie value ("" on failure) and the response.
func (e *env) login(lr LoginRequest) (string, resp) {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/admin/v1/login", body: lr})
	for _, c := range r.res.Cookies() {
		if c.Name == SessionCookie {
			return c.Value, r
		}
	}
	return "", r
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
}
