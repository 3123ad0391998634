package vault

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veil-privacy/veil/redact"
	"github.com/veil-privacy/veil/store"
)

var testMaster = func() []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = byte(i + 1)
	}
	return k
}()

const day = 24 * time.Hour

func newVault(t testing.TB, b backend, master ...[]byte) *Vault {
	t.Helper()
	key := testMaster
	if len(master) > 0 {
		key = master[0]
	}
	kr, err := NewKeyring(key, master[min(1, len(master)):]...)
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(b.st, kr, Options{Now: b.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// forEachStore runs fn once per backend as a subtest.
func forEachStore(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range newStores(t) {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

func mustTokenize(t testing.TB, v *Vault, subject string, typ redact.Type, value string, f Format) string {
	t.Helper()
	tok, err := v.Tokenize(context.Background(), subject, typ, value, f, 30*day)
	if err != nil {
		t.Fatalf("Tokenize(%s, %s): %v", typ, f, err)
	}
	return tok
}

func mustReveal(t testing.TB, v *Vault, subject, token string) (string, bool) {
	t.Helper()
	val, ok, err := v.Reveal(context.Background(), subject, token)
	if err != nil {
		t.Fatalf("Reveal: %v", err)
	}
	return val, ok
}

// Independent validators, written from the specifications rather than shared with the code.

func luhnValid(s string) bool {
	sum, alt := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if alt {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		alt = !alt
	}
	return sum%10 == 0
}

func ibanValid(s string) bool {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(s))
	if len(s) < 15 {
		return false
	}
	r := s[4:] + s[:4]
	var digits strings.Builder
	for _, c := range r {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			fmt.Fprintf(&digits, "%d", c-'A'+10)
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// shape replaces letters with A and digits with 9, keeping everything else.
func shape(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return '9'
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			return 'A'
		}
		return r
	}, s)
}

var placeholderRe = regexp.MustCompile(`^\[[A-Z_]+_[0-9a-f]{6,}\]$`)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc  string
		typ   redact.Type
		value string
		check func(t *testing.T, tok string) // surrogate checks
	}{
		{desc: "email", typ: redact.Email, value: "Anna.Schmidt@Example.de", check: func(t *testing.T, tok string) {
			a, err := mail.ParseAddress(tok)
			if err != nil || a.Address != tok || !strings.HasSuffix(tok, "@"+SurrogateEmailDomain) {
				t.Errorf("email surrogate %q is not a plain address under %s (%v)", tok, SurrogateEmailDomain, err)
			}
		}},
		{desc: "card with spaces", typ: redact.CreditCard, value: "4111 1111 1111 1111", check: func(t *testing.T, tok string) {
			if !luhnValid(tok) || shape(tok) != "9999 9999 9999 9999" {
				t.Errorf("card surrogate %q: luhn %v, shape %q", tok, luhnValid(tok), shape(tok))
			}
		}},
		{desc: "amex with dashes", typ: redact.CreditCard, value: "3782-822463-10005", check: func(t *testing.T, tok string) {
			if !luhnValid(tok) || shape(tok) != "9999-999999-99999" || !strings.HasPrefix(tok, "37") {
				t.Errorf("amex surrogate %q", tok)
			}
		}},
		{desc: "card digits only", typ: redact.CreditCard, value: "5555555555554444", check: func(t *testing.T, tok string) {
			if !luhnValid(tok) || len(tok) != 16 || digitsOf(tok) != tok {
				t.Errorf("card surrogate %q", tok)
			}
		}},
		{desc: "german iban spaced", typ: redact.IBAN, value: "DE44 5001 0517 5407 3249 31", check: func(t *testing.T, tok string) {
			if !ibanValid(tok) || !strings.HasPrefix(tok, "DE") || shape(tok) != shape("DE44 5001 0517 5407 3249 31") {
				t.Errorf("iban surrogate %q: valid %v", tok, ibanValid(tok))
			}
		}},
		{desc: "british iban with bank letters", typ: redact.IBAN, value: "GB29NWBK60161331926819", check: func(t *testing.T, tok string) {
			if !ibanValid(tok) || !strings.HasPrefix(tok, "GB") || shape(tok) != shape("GB29NWBK60161331926819") {
				t.Errorf("iban surrogate %q: valid %v", tok, ibanValid(tok))
			}
		}},
		{desc: "lower-case iban", typ: redact.IBAN, value: "fr76 3000 6000 0112 3456 7890 189", check: func(t *testing.T, tok string) {
			if !ibanValid(tok) || !strings.HasPrefix(tok, "fr") || tok != strings.ToLower(tok) {
				t.Errorf("iban surrogate %q", tok)
			}
		}},
		{desc: "uk phone international", typ: redact.Phone, value: "+44 20 7946 0958", check: func(t *testing.T, tok string) {
			d := digitsOf(tok)
			if !strings.HasPrefix(d, "447700900") || len(d) != 12 || shape(tok) != "+99 99 9999 9999" {
				t.Errorf("phone surrogate %q", tok)
			}
		}},
		{desc: "german phone falls back to the UK drama range", typ: redact.Phone, value: "+49 30 1234567", check: func(t *testing.T, tok string) {
			if !strings.HasPrefix(tok, "+44 7700 900") || len(digitsOf(tok)) != 12 {
				t.Errorf("phone surrogate %q", tok)
			}
		}},
		{desc: "us phone", typ: redact.Phone, value: "+1 415-555-2671", check: func(t *testing.T, tok string) {
			d := digitsOf(tok)
			if len(d) != 11 || d[0] != '1' || d[4:9] != "55501" || shape(tok) != "+9 999-999-9999" {
				t.Errorf("phone surrogate %q", tok)
			}
		}},
		{desc: "french national phone", typ: redact.Phone, value: "06 12 34 56 78", check: func(t *testing.T, tok string) {
			if !strings.HasPrefix(tok, "06 39 98 ") || shape(tok) != "99 99 99 99 99" {
				t.Errorf("phone surrogate %q", tok)
			}
		}},
		{desc: "uk national phone", typ: redact.Phone, value: "07911 123456", check: func(t *testing.T, tok string) {
			if !strings.HasPrefix(tok, "07700 900") || shape(tok) != "99999 999999" {
				t.Errorf("phone surrogate %q", tok)
			}
		}},
		{desc: "person", typ: redact.Person, value: "Anna Schmidt", check: func(t *testing.T, tok string) {
			first, last, ok := strings.Cut(tok, " ")
			if !ok || !slices.Contains(givenNames, first) || !slices.Contains(surnames, last) {
				t.Errorf("person surrogate %q", tok)
			}
		}},
		{desc: "person upper-case one word", typ: redact.Person, value: "SCHMIDT", check: func(t *testing.T, tok string) {
			if strings.Contains(tok, " ") || tok != strings.ToUpper(tok) {
				t.Errorf("person surrogate %q", tok)
			}
		}},
		{desc: "national id has no surrogate", typ: redact.NationalID, value: "12345678901", check: func(t *testing.T, tok string) {
			if !placeholderRe.MatchString(tok) || !strings.HasPrefix(tok, "[NATIONAL_ID_") {
				t.Errorf("want a placeholder, got %q", tok)
			}
		}},
		{desc: "card too short for a surrogate", typ: redact.CreditCard, value: "123456789", check: func(t *testing.T, tok string) {
			if !placeholderRe.MatchString(tok) {
				t.Errorf("want a placeholder, got %q", tok)
			}
		}},
	}
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		for _, tc := range tests {
			t.Run(tc.desc, func(t *testing.T) {
				for _, f := range []Format{Placeholder, Surrogate} {
					tok := mustTokenize(t, v, "subj-rt", tc.typ, tc.value, f)
					if f == Placeholder || !HasSurrogate(tc.typ) {
						if !placeholderRe.MatchString(tok) || !strings.HasPrefix(tok, "["+tc.typ.String()+"_") {
							t.Errorf("placeholder %q", tok)
						}
					} else {
						tc.check(t, tok)
					}
					if strings.Contains(tok, tc.value) {
						t.Errorf("token %q contains the value", tok)
					}
					got, ok := mustReveal(t, v, "subj-rt", tok)
					if !ok || got != tc.value {
						t.Errorf("%s: Reveal(%q) = %q, %v; want the value back", f, tok, got, ok)
					}
				}
			})
		}
	})
}

func TestDeterministicWithinSubject(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		a := mustTokenize(t, v, "s1", redact.Email, "anna@example.de", Placeholder)
		tests := []struct {
			desc  string
			typ   redact.Type
			value string
			f     Format
			same  bool
		}{
			{desc: "same spelling", typ: redact.Email, value: "anna@example.de", f: Placeholder, same: true},
			{desc: "case and spaces", typ: redact.Email, value: "  ANNA@Example.DE ", f: Placeholder, same: true},
			{desc: "other format", typ: redact.Email, value: "anna@example.de", f: Surrogate},
			{desc: "other value", typ: redact.Email, value: "anne@example.de", f: Placeholder},
		}
		for _, tc := range tests {
			got := mustTokenize(t, v, "s1", tc.typ, tc.value, tc.f)
			if (got == a) != tc.same {
				t.Errorf("%s: token %q vs %q, want same=%v", tc.desc, got, a, tc.same)
			}
		}
		// Separators and spacing of cards and phones do not matter either.
		c1 := mustTokenize(t, v, "s1", redact.CreditCard, "4111 1111 1111 1111", Surrogate)
		c2 := mustTokenize(t, v, "s1", redact.CreditCard, "4111-1111-1111-1111", Surrogate)
		if c1 != c2 {
			t.Errorf("card spellings got %q and %q", c1, c2)
		}
		// A fresh vault on the same store (another replica) agrees.
		if got := mustTokenize(t, newVault(t, b), "s1", redact.Email, "anna@example.de", Placeholder); got != a {
			t.Errorf("second replica got %q, want %q", got, a)
		}
	})
}

func TestUnlinkableAcrossSubjects(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		for _, f := range []Format{Placeholder, Surrogate} {
			a := mustTokenize(t, v, "alice", redact.Email, "shared@example.de", f)
			bt := mustTokenize(t, v, "bob", redact.Email, "shared@example.de", f)
			if a == bt {
				t.Errorf("%s: both subjects got %q", f, a)
			}
			if val, ok := mustReveal(t, v, "bob", a); ok {
				t.Errorf("%s: bob revealed alice's token to %q", f, val)
			}
			if val, ok := mustReveal(t, v, "alice", bt); ok {
				t.Errorf("%s: alice revealed bob's token to %q", f, val)
			}
		}
	})
}

func TestLookAlikesAreNotRevealed(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		tok := mustTokenize(t, v, "s", redact.Email, "anna@example.de", Placeholder)
		for _, s := range []string{
			"[EMAIL_000000]", "[EMAIL_" + tok[7:10] + "]", strings.ToUpper(tok), tok + " ", tok[:len(tok)-1],
			"user-00000000@example.net", "", strings.Repeat("x", 1000),
		} {
			if s == tok {
				continue // an all-digit tag has no case to change
			}
			if val, ok := mustReveal(t, v, "s", s); ok {
				t.Errorf("Reveal(%q) = %q, want not found", s, val)
			}
		}
		if _, ok := mustReveal(t, v, "nobody", tok); ok {
			t.Error("a subject without a data key revealed a token")
		}
	})
}

// tamper applies fn to every record of the subject and kind.
func tamper(t *testing.T, st Store, subject, kind string, fn func(*store.Record)) {
	t.Helper()
	ctx := context.Background()
	recs, err := st.List(ctx, subject, kind)
	if err != nil || len(recs) == 0 {
		t.Fatalf("List(%s): %d records, %v", kind, len(recs), err)
	}
	for _, r := range recs {
		fn(&r)
		if err := st.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTamperIsAnError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	flipLast := func(r *store.Record) { r.Value[len(r.Value)-1] ^= 1 }
	tests := []struct {
		desc string
		kind string
		fn   func(*store.Record)
		op   string // reveal or tokenize
	}{
		{desc: "token ciphertext", kind: KindToken, fn: flipLast, op: "reveal"},
		{desc: "token truncated", kind: KindToken, fn: func(r *store.Record) { r.Value = r.Value[:10] }, op: "reveal"},
		{desc: "index ciphertext", kind: KindIndex, fn: flipLast, op: "tokenize"},
		{desc: "wrapped data key", kind: KindKey, fn: flipLast, op: "reveal"},
		{desc: "data key of another master key", kind: KindKey, fn: func(r *store.Record) { r.Value[1] ^= 1 }, op: "reveal"},
	}
	forEachStore(t, func(t *testing.T, b backend) {
		for _, tc := range tests {
			t.Run(tc.desc, func(t *testing.T) {
				subject := "tamper-" + strings.ReplaceAll(tc.desc, " ", "-")
				v := newVault(t, b)
				tok := mustTokenize(t, v, subject, redact.Email, "anna@example.de", Placeholder)
				tamper(t, b.st, subject, tc.kind, tc.fn)
				v = newVault(t, b) // no cached data key
				var err error
				var got string
				if tc.op == "reveal" {
					got, _, err = v.Reveal(ctx, subject, tok)
				} else {
					got, err = v.Tokenize(ctx, subject, redact.Email, "anna@example.de", Placeholder, day)
				}
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnknownMasterKey) {
					t.Errorf("got %q, %v; want ErrCorrupt or ErrUnknownMasterKey", got, err)
				}
				if got != "" {
					t.Errorf("returned %q from a tampered record", got)
				}
			})
		}
		t.Run("record copied to another subject", func(t *testing.T) {
			v := newVault(t, b)
			tok := mustTokenize(t, v, "victim", redact.Email, "anna@example.de", Placeholder)
			mustTokenize(t, v, "thief", redact.Email, "thief@example.de", Placeholder)
			vr, _ := b.st.List(ctx, "victim", KindToken)
			tr, _ := b.st.List(ctx, "thief", KindToken)
			// Put the victim's ciphertext where the thief's key expects this token's record.
			dk, err := v.dataKey(ctx, "thief", false)
			if err != nil {
				t.Fatal(err)
			}
			_ = tr
			if err := b.st.Put(ctx, store.Record{Subject: "thief", Kind: KindToken, Key: dk.tokenKey(tok), Value: vr[0].Value, ExpiresAt: vr[0].ExpiresAt}); err != nil {
				t.Fatal(err)
			}
			val, ok, err := v.Reveal(ctx, "thief", tok)
			if ok || val != "" {
				t.Errorf("thief revealed %q (err %v)", val, err)
			}
		})
	})
}

func TestEraseSubject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		replica := newVault(t, b) // holds the data key in its cache too
		tok := mustTokenize(t, v, "gone", redact.Email, "anna@example.de", Placeholder)
		sur := mustTokenize(t, v, "gone", redact.CreditCard, "4111 1111 1111 1111", Surrogate)
		keep := mustTokenize(t, v, "stays", redact.Email, "anna@example.de", Placeholder)
		if _, ok := mustReveal(t, replica, "gone", tok); !ok {
			t.Fatal("replica cannot reveal before the erasure")
		}
		oldKey, err := b.st.Get(ctx, "gone", KindKey, dataKeyRecord)
		if err != nil {
			t.Fatal(err)
		}

		rc, err := v.EraseSubject(ctx, "gone")
		if err != nil {
			t.Fatalf("EraseSubject: %v", err)
		}
		if !rc.KeyDestroyed || rc.Records != 4 || rc.Subject != "gone" {
			t.Errorf("receipt %+v: want the key destroyed and 4 records (2 tokens, 2 index entries)", rc)
		}
		for _, s := range []string{tok, sur} {
			if _, ok := mustReveal(t, v, "gone", s); ok {
				t.Errorf("token %q still revealed after erasure", s)
			}
		}
		if recs, _ := b.st.List(ctx, "gone", ""); len(recs) != 0 {
			t.Errorf("%d records left after erasure", len(recs))
		}
		if got, _ := v.ExportSubject(ctx, "gone"); len(got) != 0 {
			t.Errorf("export after erasure: %v", got)
		}
		if r, _ := v.Restorer(ctx, "gone"); r.Len() != 0 {
			t.Errorf("restorer after erasure knows %d tokens", r.Len())
		}
		if _, ok := mustReveal(t, v, "stays", keep); !ok {
			t.Error("erasing one subject broke another")
		}

		// A new Tokenize makes a new data key; its tokens are unlinkable to the old ones.
		again := mustTokenize(t, v, "gone", redact.Email, "anna@example.de", Placeholder)
		if again == tok {
			t.Errorf("same token %q after erasure", again)
		}
		newKey, err := b.st.Get(ctx, "gone", KindKey, dataKeyRecord)
		if err != nil || string(newKey.Value) == string(oldKey.Value) {
			t.Errorf("data key not replaced (%v)", err)
		}
		// The replica whose cache still held the old key does not write under it: its next new
		// value re-reads the key.
		other := mustTokenize(t, replica, "gone", redact.Phone, "+44 20 7946 0958", Placeholder)
		if val, ok := mustReveal(t, v, "gone", other); !ok || val != "+44 20 7946 0958" {
			t.Errorf("token made by the replica after erasure is unreadable: %q, %v", val, ok)
		}
		// Erasing again (and erasing a subject never seen) is fine.
		if _, err := v.EraseSubject(ctx, "never-seen"); err != nil {
			t.Errorf("erasing an unknown subject: %v", err)
		}
	})
}

func TestRotateMaster(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	newMaster := GenerateKey()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		want := map[[2]string]string{}
		for i := range 5 {
			subject := fmt.Sprintf("rot-%d", i)
			val := fmt.Sprintf("user%d@example.de", i)
			want[[2]string{subject, mustTokenize(t, v, subject, redact.Email, val, Surrogate)}] = val
		}
		oldID := v.MasterKeyID()
		n, err := v.RotateMaster(ctx, newMaster)
		if err != nil || n != 5 {
			t.Fatalf("RotateMaster = %d, %v; want 5 data keys", n, err)
		}
		if v.MasterKeyID() == oldID {
			t.Error("master key id unchanged")
		}
		// During and after the rotation the rotating vault reads everything.
		for k, val := range want {
			if got, ok := mustReveal(t, v, k[0], k[1]); !ok || got != val {
				t.Errorf("rotating vault: %v = %q, %v", k, got, ok)
			}
		}
		// A vault with only the new key reads everything.
		onlyNew := newVault(t, b, newMaster)
		for k, val := range want {
			if got, ok := mustReveal(t, onlyNew, k[0], k[1]); !ok || got != val {
				t.Errorf("new key only: %v = %q, %v", k, got, ok)
			}
		}
		// A vault with only the old key reads nothing, and says why.
		if _, _, err := newVault(t, b).Reveal(ctx, "rot-0", "x"); !errors.Is(err, ErrUnknownMasterKey) {
			t.Errorf("old key only: %v, want ErrUnknownMasterKey", err)
		}
		// New subjects are wrapped under the new key; a second pass has nothing to do.
		mustTokenize(t, v, "rot-new", redact.Email, "new@example.de", Placeholder)
		if n, err := v.RotateMaster(ctx, newMaster); err != nil || n != 0 {
			t.Errorf("second rotation = %d, %v; want 0", n, err)
		}
	})
}

// TestRotateRacingErase interleaves an erasure between the rotation's read of a data key and its
// write: the rotation must not bring the destroyed key back.
func TestRotateRacingErase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newStores(t)[0].clock
	ms := newMemStore(clock.Now)
	b := backend{name: "memory", st: ms, clock: clock}
	v := newVault(t, b)
	tok := mustTokenize(t, v, "racer", redact.Email, "anna@example.de", Placeholder)
	eraser := newVault(t, b)
	var once sync.Once
	ms.before = func(op string, r store.Record) {
		if op == "put" && r.Kind == KindKey {
			once.Do(func() {
				if _, err := eraser.EraseSubject(ctx, "racer"); err != nil {
					t.Errorf("erase: %v", err)
				}
			})
		}
	}
	if _, err := v.RotateMaster(ctx, GenerateKey()); err != nil {
		t.Fatalf("RotateMaster: %v", err)
	}
	ms.before = nil
	if _, err := ms.Get(ctx, "racer", KindKey, dataKeyRecord); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the erased data key is back: %v", err)
	}
	v.cache.evict("racer", nil)
	if _, ok := mustReveal(t, v, "racer", tok); ok {
		t.Error("erased token revealed")
	}
	if again := mustTokenize(t, v, "racer", redact.Email, "anna@example.de", Placeholder); again == tok {
		t.Error("old token issued again after erasure")
	}
}

func TestConcurrentTokenize(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b backend) {
		replicas := []*Vault{newVault(t, b), newVault(t, b), newVault(t, b)}
		for _, f := range []Format{Placeholder, Surrogate} {
			const n = 24
			toks := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					tok, err := replicas[i%len(replicas)].Tokenize(context.Background(), "busy", redact.CreditCard, "4111 1111 1111 1111", f, day)
					if err != nil {
						t.Errorf("Tokenize: %v", err)
					}
					toks[i] = tok
				})
			}
			wg.Wait()
			slices.Sort(toks)
			if toks = slices.Compact(toks); len(toks) != 1 {
				t.Errorf("%s: %d different tokens for one value: %q", f, len(toks), toks)
			}
		}
		keys, _ := b.st.List(context.Background(), "busy", KindKey)
		if len(keys) != 1 {
			t.Errorf("%d data keys", len(keys))
		}
	})
}

func TestRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		short, err := v.Tokenize(ctx, "ret", redact.Email, "short@example.de", Placeholder, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		long, err := v.Tokenize(ctx, "ret", redact.Email, "long@example.de", Placeholder, 10*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		reused, err := v.Tokenize(ctx, "ret", redact.Email, "reused@example.de", Placeholder, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(50 * time.Minute)
		// Tokenizing a value again pushes its expiry back.
		if again, err := v.Tokenize(ctx, "ret", redact.Email, "reused@example.de", Placeholder, time.Hour); err != nil || again != reused {
			t.Fatalf("re-tokenize = %q, %v; want %q", again, err, reused)
		}
		b.clock.Advance(20 * time.Minute) // 70 minutes in
		if _, ok := mustReveal(t, v, "ret", short); ok {
			t.Error("expired token revealed")
		}
		if _, ok := mustReveal(t, v, "ret", long); !ok {
			t.Error("live token not revealed")
		}
		if _, ok := mustReveal(t, v, "ret", reused); !ok {
			t.Error("token whose retention was extended has expired")
		}
		exp, err := v.ExportSubject(ctx, "ret")
		if err != nil || len(exp) != 2 {
			t.Errorf("export after expiry: %d entries, %v", len(exp), err)
		}
		r, err := v.Restorer(ctx, "ret")
		if err != nil {
			t.Fatal(err)
		}
		if out, _ := r.Restore(short); out != short {
			t.Errorf("restorer restored an expired token to %q", out)
		}
		if b.realTTL {
			return
		}
		// The store itself no longer has the expired records.
		recs, err := b.st.List(ctx, "ret", KindToken)
		if err != nil || len(recs) != 2 {
			t.Errorf("store holds %d token records, want 2 (%v)", len(recs), err)
		}
	})
}

// TestRetentionRedisExpires checks that Redis itself drops expired entries (real time: it polls
// until they are gone, with no bound but the test's timeout).
func TestRetentionRedisExpires(t *testing.T) {
	t.Parallel()
	st := redisStore(t)
	if st == nil {
		t.Skip("redis-server not installed")
	}
	ctx := context.Background()
	kr, _ := NewKeyring(testMaster)
	v, err := New(st, kr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Tokenize(ctx, "ttl", redact.Email, "a@example.de", Placeholder, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	for {
		recs, err := st.List(ctx, "ttl", KindToken)
		if err != nil {
			t.Fatal(err)
		}
		idx, _ := st.List(ctx, "ttl", KindIndex)
		if len(recs) == 0 && len(idx) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestExportSubject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		start := b.clock.Now()
		t1 := mustTokenize(t, v, "exp", redact.Email, "anna@example.de", Placeholder)
		b.clock.Advance(time.Second)
		t2 := mustTokenize(t, v, "exp", redact.IBAN, "DE44 5001 0517 5407 3249 31", Surrogate)
		mustTokenize(t, v, "other", redact.Email, "x@example.de", Placeholder)
		got, err := v.ExportSubject(ctx, "exp")
		if err != nil {
			t.Fatal(err)
		}
		want := []Exported{
			{Type: redact.Email, Format: Placeholder, Token: t1, Value: "anna@example.de", CreatedAt: start, ExpiresAt: start.Add(30 * day)},
			{Type: redact.IBAN, Format: Surrogate, Token: t2, Value: "DE44 5001 0517 5407 3249 31", CreatedAt: start.Add(time.Second), ExpiresAt: start.Add(time.Second + 30*day)},
		}
		if len(got) != len(want) {
			t.Fatalf("export has %d entries, want %d: %+v", len(got), len(want), got)
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.Type != w.Type || g.Format != w.Format || g.Token != w.Token || g.Value != w.Value ||
				!g.CreatedAt.Equal(w.CreatedAt.Truncate(time.Millisecond)) || !g.ExpiresAt.Equal(w.ExpiresAt.Truncate(time.Millisecond)) {
				t.Errorf("entry %d = %+v, want %+v", i, g, w)
			}
		}
		if none, err := v.ExportSubject(ctx, "nobody"); err != nil || none == nil || len(none) != 0 {
			t.Errorf("export of an unknown subject = %v, %v; want empty", none, err)
		}
	})
}

func TestRectify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, b backend) {
		v := newVault(t, b)
		ph := mustTokenize(t, v, "rect", redact.Email, "old@example.de", Placeholder)
		sur := mustTokenize(t, v, "rect", redact.Email, "old@example.de", Surrogate)
		if err := v.Rectify(ctx, "rect", redact.Email, "OLD@example.de", "new@example.de"); err != nil {
			t.Fatalf("Rectify: %v", err)
		}
		for _, tok := range []string{ph, sur} {
			if got, ok := mustReveal(t, v, "rect", tok); !ok || got != "new@example.de" {
				t.Errorf("Reveal(%q) after rectify = %q, %v", tok, got, ok)
			}
		}
		if got := mustTokenize(t, v, "rect", redact.Email, "new@example.de", Placeholder); got != ph {
			t.Errorf("new value got %q, want the kept token %q", got, ph)
		}
		if got := mustTokenize(t, v, "rect", redact.Email, "old@example.de", Placeholder); got == ph {
			t.Error("old value still maps to the rectified token")
		}
		if err := v.Rectify(ctx, "rect", redact.Email, "unknown@example.de", "x@example.de"); !errors.Is(err, ErrNotFound) {
			t.Errorf("rectifying an unknown value: %v, want ErrNotFound", err)
		}
		if err := v.Rectify(ctx, "nobody", redact.Email, "a@example.de", "b@example.de"); !errors.Is(err, ErrNotFound) {
			t.Errorf("rectifying for an unknown subject: %v, want ErrNotFound", err)
		}
	})
}

func TestTokenizeRejects(t *testing.T) {
	t.Parallel()
	b := newStores(t)[0]
	v := newVault(t, b)
	ctx := context.Background()
	tests := []struct {
		desc    string
		subject string
		typ     redact.Type
		value   string
		f       Format
		ttl     time.Duration
	}{
		{desc: "empty subject", subject: "", typ: redact.Email, value: "a@b.c", ttl: day},
		{desc: "reserved subject", subject: "_vault", typ: redact.Email, value: "a@b.c", ttl: day},
		{desc: "invalid type", subject: "s", typ: 0, value: "a@b.c", ttl: day},
		{desc: "invalid format", subject: "s", typ: redact.Email, value: "a@b.c", f: 9, ttl: day},
		{desc: "no ttl", subject: "s", typ: redact.Email, value: "a@b.c"},
		{desc: "empty value", subject: "s", typ: redact.Email, value: "  ", ttl: day},
		{desc: "huge value", subject: "s", typ: redact.Email, value: strings.Repeat("a", MaxValueLen+1), ttl: day},
	}
	for _, tc := range tests {
		if tok, err := v.Tokenize(ctx, tc.subject, tc.typ, tc.value, tc.f, tc.ttl); err == nil {
			t.Errorf("%s: got token %q, want an error", tc.desc, tok)
		} else if strings.Contains(err.Error(), "a@b.c") {
			t.Errorf("%s: error %q contains the value", tc.desc, err)
		}
	}
}
