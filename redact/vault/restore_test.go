package vault

import (
	"context"
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestRestorer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		email := mustTokenize(t, v, "r", redact.Email, "anna@example.de", Placeholder)
		phone := mustTokenize(t, v, "r", redact.Phone, "+44 20 7946 0958", Placeholder)
		mailSur := mustTokenize(t, v, "r", redact.Email, "anna@example.de", Surrogate)
		card := mustTokenize(t, v, "r", redact.CreditCard, "4111 1111 1111 1111", Surrogate)
		name := mustTokenize(t, v, "r", redact.Person, "Anna Schmidt", Surrogate)
		foreign := mustTokenize(t, v, "someone-else", redact.Email, "bob@example.de", Placeholder)

		r, err := v.Restorer(ctx, "r")
		if err != nil {
			t.Fatal(err)
		}
		if r.Len() != 5 {
			t.Errorf("Len = %d, want 5", r.Len())
		}
		wantMax := 0
		for _, tok := range []string{email, phone, mailSur, card, name} {
			wantMax = max(wantMax, len(tok))
		}
		if r.MaxTokenLen() != wantMax {
			t.Errorf("MaxTokenLen = %d, want %d", r.MaxTokenLen(), wantMax)
		}
		tests := []struct {
			desc, in, want string
			n              int
		}{
			{desc: "no tokens", in: "Hello, how can I help?", want: "Hello, how can I help?"},
			{desc: "empty", in: "", want: ""},
			{desc: "several tokens", in: "Dear " + name + ", we wrote to " + email + " and will call " + phone + ".",
				want: "Dear Anna Schmidt, we wrote to anna@example.de and will call +44 20 7946 0958.", n: 3},
			{desc: "adjacent and at both ends", in: email + phone, want: "anna@example.de+44 20 7946 0958", n: 2},
			{desc: "surrogates", in: "card " + card + ", mail <" + mailSur + ">", want: "card 4111 1111 1111 1111, mail <anna@example.de>", n: 2},
			{desc: "look-alikes stay", in: "[EMAIL_000000] [EMAIL_" + email[7:13] + "0] [email_" + email[7:13] + "]",
				want: "[EMAIL_000000] [EMAIL_" + email[7:13] + "0] [email_" + email[7:13] + "]"},
			{desc: "another subject's token stays", in: "see " + foreign, want: "see " + foreign},
			{desc: "surrogate inside a longer number stays", in: "9" + card + "9", want: "9" + card + "9"},
			{desc: "surrogate inside a longer address stays", in: "x" + mailSur, want: "x" + mailSur},
			{desc: "truncated token stays", in: email[:len(email)-1], want: email[:len(email)-1]},
			{desc: "non-ASCII around", in: "é" + email + "ü", want: "éanna@example.deü", n: 1},
			{desc: "name next to a letter stays", in: name + "s", want: name + "s"},
		}
		for _, tc := range tests {
			got, n := r.Restore(tc.in)
			if got != tc.want || n != tc.n {
				t.Errorf("%s: Restore = %q, %d; want %q, %d", tc.desc, got, n, tc.want, tc.n)
			}
		}
		empty, err := v.Restorer(ctx, "never-seen")
		if err != nil || empty.Len() != 0 || empty.MaxTokenLen() != 0 {
			t.Errorf("restorer of an unknown subject: %v, %v", empty, err)
		}
		if out, n := empty.Restore(email); out != email || n != 0 {
			t.Errorf("empty restorer changed the text")
		}
	})
}

func TestRestoreWithoutTokensDoesNotAllocate(t *testing.T) {
	r := newRestorer([]pair{{token: "[EMAIL_7f3a2c]", value: "a@b.de"}, {token: "user-12345678@example.net", value: "c@d.de"}})
	text := strings.Repeat("No personal data here, only [brackets] and user names. ", 20)
	if allocs := testing.AllocsPerRun(100, func() { r.Restore(text) }); allocs != 0 {
		t.Errorf("Restore allocated %v times on text without tokens", allocs)
	}
	one := text + "[EMAIL_7f3a2c]"
	if allocs := testing.AllocsPerRun(100, func() { r.Restore(one) }); allocs > 1 {
		t.Errorf("Restore allocated %v times for one replacement, want 1", allocs)
	}
}

// naiveRestore is the reference: at each position, the longest token that matches with its word
// boundaries; then continue after it.
func naiveRestore(pairs []pair, text string) (string, int) {
	var b strings.Builder
	n := 0
	for i := 0; i < len(text); {
		best := -1
		for k, p := range pairs {
			if !strings.HasPrefix(text[i:], p.token) {
				continue
			}
			if isAlnum(p.token[0]) && wordRuneBefore(text, i) || isAlnum(p.token[len(p.token)-1]) && wordRuneAt(text, i+len(p.token)) {
				continue
			}
			if best < 0 || len(p.token) > len(pairs[best].token) {
				best = k
			}
		}
		if best < 0 {
			b.WriteByte(text[i])
			i++
			continue
		}
		b.WriteString(pairs[best].value)
		i += len(pairs[best].token)
		n++
	}
	return b.String(), n
}

func FuzzRestore(f *testing.F) {
	for _, s := range []string{"", "[EMAIL_7f3a2c]", "x[EMAIL_7f3a2c]y", "4000 0012 3456 7899", "14000 0012 3456 7899",
		"call +44 7700 900123 now", "Robin Ashworth", "Robin Ashworths", "[EMAIL_7f3a2c][EMAIL_7f3a2c0]", "\xff[", "é[EMAIL_7f3a2c]"} {
		f.Add(s, "[PHONE_abcdef]")
	}
	f.Add("ab abc", "ab")
	f.Fuzz(func(t *testing.T, text, extra string) {
		pairs := []pair{
			{token: "[EMAIL_7f3a2c]", value: "anna@example.de"},
			{token: "[EMAIL_7f3a2c0]", value: "other@example.de"},
			{token: "4000 0012 3456 7899", value: "4111 1111 1111 1111"},
			{token: "+44 7700 900123", value: "+44 20 7946 0958"},
			{token: "Robin Ashworth", value: "Anna Schmidt"},
		}
		if extra != "" && len(extra) <= 64 {
			dup := false
			for _, p := range pairs {
				dup = dup || p.token == extra
			}
			if !dup {
				pairs = append(pairs, pair{token: extra, value: "<" + extra + ">"})
			}
		}
		want, wantN := naiveRestore(pairs, text)
		r := newRestorer(append([]pair(nil), pairs...))
		got, n := r.Restore(text)
		if got != want || n != wantN {
			t.Fatalf("Restore(%q) = %q, %d; reference %q, %d", text, got, n, want, wantN)
		}
		if n == 0 && got != text {
			t.Fatalf("no replacement but the text changed")
		}
		contains := false
		for _, p := range pairs {
			contains = contains || strings.Contains(text, p.token)
		}
		if !contains && got != text {
			t.Fatalf("text without tokens changed")
		}
	})
}
