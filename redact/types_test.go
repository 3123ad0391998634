package redact

import (
	"encoding/json"
	"testing"
)

func TestParseType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc    string
		in      string
		want    Type
		wantErr bool
	}{
		{desc: "upper", in: "EMAIL", want: Email},
		{desc: "lower", in: "credit_card", want: CreditCard},
		{desc: "dash", in: "date-of-birth", want: DateOfBirth},
		{desc: "unknown", in: "SHOE_SIZE", wantErr: true},
		{desc: "empty", in: "", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseType(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("%s: ParseType(%q) = %v, %v", tc.desc, tc.in, got, err)
		}
	}
	for _, typ := range AllTypes() {
		got, err := ParseType(typ.String())
		if err != nil || got != typ {
			t.Errorf("round trip of %v: %v, %v", typ, got, err)
		}
	}
}

func TestParseTypeSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc    string
		in      string
		want    TypeSet
		wantErr bool
	}{
		{desc: "empty means all", in: " ", want: AllTypeSet},
		{desc: "two", in: "EMAIL, phone", want: NewTypeSet(Email, Phone)},
		{desc: "trailing comma", in: "IBAN,", want: NewTypeSet(IBAN)},
		{desc: "unknown", in: "EMAIL,NOPE", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseTypeSet(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("%s: ParseTypeSet(%q) = %v, %v", tc.desc, tc.in, got, err)
		}
	}
}

func TestTypeSet(t *testing.T) {
	t.Parallel()
	if len(AllTypeSet.Types()) != len(AllTypes()) {
		t.Errorf("AllTypeSet has %d types, want %d", len(AllTypeSet.Types()), len(AllTypes()))
	}
	for _, typ := range AllTypes() {
		if !AllTypeSet.Has(typ) {
			t.Errorf("AllTypeSet lacks %v", typ)
		}
	}
	if AllTypeSet.Has(0) || AllTypeSet.Has(numTypes) || AllTypeSet.Has(255) {
		t.Error("AllTypeSet has an invalid type")
	}
	if NewTypeSet(0, 200) != 0 {
		t.Error("NewTypeSet kept invalid types")
	}
	s := NewTypeSet(Phone, Email)
	if s.String() != "EMAIL,PHONE" {
		t.Errorf("String = %q", s.String())
	}
	back, err := ParseTypeSet(s.String())
	if err != nil || back != s {
		t.Errorf("round trip = %v, %v", back, err)
	}
}

func TestTypeText(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(map[string]Type{"t": CreditCard})
	if err != nil || string(b) != `{"t":"CREDIT_CARD"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var m map[string]Type
	if err := json.Unmarshal([]byte(`{"t":"iban"}`), &m); err != nil || m["t"] != IBAN {
		t.Fatalf("Unmarshal = %v, %v", m, err)
	}
	if _, err := json.Marshal(Type(0)); err == nil {
		t.Error("Marshal of the zero Type succeeded")
	}
	if Type(99).String() != "Type(99)" || Type(0).Valid() {
		t.Error("invalid type handling")
	}
}
