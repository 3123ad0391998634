package proxy

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/veil-privacy/veil/policy"
	"github.com/veil-privacy/veil/redact"
)

// TestTokenizeAll: each distinct value of a message is tokenized once, values the decision does
// not tokenize are left alone, and one failure fails the whole message.
func TestTokenizeAll(t *testing.T) {
	t.Parallel()
	text := "write to a@example.com or b@example.com, again a@example.com, or call +49 30 12345678"
	newMessage := func(subject string) *message {
		m := &message{ex: &Exchange{Subject: subject, Route: &Route{Name: "chat"}},
			decision: policy.Decision{Allow: true, Actions: map[string]policy.Action{"EMAIL": policy.ActionTokenize, "*": policy.ActionRedact}}}
		m.fields = []field{{source: fromBody, path: "message", value: text}}
		m.fields[0].findings = testScanner.Scan(text)
		return m
	}
	tests := []struct {
		desc    string
		subject string
		fail    string // the value whose Tokenize fails
		calls   []string
		want    map[string]string // value → token
		err     bool
	}{
		{desc: "distinct values once", subject: "s1", calls: []string{"a@example.com", "b@example.com"},
			want: map[string]string{"a@example.com": "tok:a@example.com", "b@example.com": "tok:b@example.com"}},
		{desc: "no subject, no tokens", subject: ""},
		{desc: "one failure fails all", subject: "s1", fail: "a@example.com", calls: []string{"a@example.com"}, err: true},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			calls := map[string]int{}
			v := &fakeVault{tokenize: func(subject string, typ redact.Type, value string) (string, error) {
				mu.Lock()
				calls[value]++
				mu.Unlock()
				if typ != redact.Email || subject != tc.subject {
					t.Errorf("Tokenize(%q, %v)", subject, typ)
				}
				if value == tc.fail {
					return "", errors.New("store down")
				}
				return "tok:" + value, nil
			}}
			p := &Pipeline{PipelineDeps: PipelineDeps{Vault: v}}
			got, err := p.tokenizeAll(context.Background(), newMessage(tc.subject))
			if tc.err {
				if !errors.Is(err, ErrPrivacyUnavailable) || got != nil {
					t.Fatalf("got %v, %v; want ErrPrivacyUnavailable and no tokens", got, err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(calls) != len(tc.calls) {
				t.Errorf("Tokenize calls %v, want one each for %v", calls, tc.calls)
			}
			for _, v := range tc.calls {
				if calls[v] != 1 {
					t.Errorf("%s tokenized %d times, want once", v, calls[v])
				}
			}
			if tc.err {
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("tokens %v, want %v", got, tc.want)
			}
			for k, tok := range got {
				if tc.want[k.value] != tok {
					t.Errorf("token of %s = %q, want %q", k.value, tok, tc.want[k.value])
				}
			}
		})
	}
}
