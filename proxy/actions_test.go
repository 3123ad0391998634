package proxy

import (
	"strings"
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestMaskValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		typ  redact.Type
		in   string
		want string
	}{
		{desc: "email", typ: redact.Email, in: "maria.rossi@example.com", want: "m****.*****@*******.com"},
		{desc: "phone keeps last four", typ: redact.Phone, in: "+49 30 1234567", want: "+** ** ***4567"},
		{desc: "card", typ: redact.CreditCard, in: "4111 1111 1111 1111", want: "**** **** **** 1111"},
		{desc: "short value reveals at most half", typ: redact.Phone, in: "123456", want: "***456"},
		{desc: "person initials", typ: redact.Person, in: "Maria van Rossi", want: "M**** v** R****"},
		{desc: "address hides everything", typ: redact.Address, in: "Hauptstraße 5", want: "*********** *"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := maskValue(tc.typ, tc.in); got != tc.want {
				t.Fatalf("maskValue(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHashValue(t *testing.T) {
	t.Parallel()
	a := hashValue([]byte("k"), redact.Email, "a@example.com")
	if a != hashValue([]byte("k"), redact.Email, "a@example.com") {
		t.Fatal("not deterministic")
	}
	if a == hashValue([]byte("k2"), redact.Email, "a@example.com") || a == hashValue([]byte("k"), redact.Email, "b@example.com") {
		t.Fatal("collision across keys or values")
	}
	if !strings.HasPrefix(a, "[EMAIL#") || strings.Contains(a, "example") {
		t.Fatalf("hash %q", a)
	}
}
