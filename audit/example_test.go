package audit_test

import (
	"fmt"

	"github.com/veil-privacy/veil/audit"
)

func ExampleFormatCounts() {
	fmt.Println(audit.FormatCounts(map[string]int{"PHONE": 1, "EMAIL": 2, "IBAN": 0}))
	// Output: EMAIL=2;PHONE=1
}

func ExamplePseudonymizer_Pseudonym() {
	p, err := audit.NewPseudonymizer([]byte("example key, use 32 random bytes"))
	if err != nil {
		panic(err)
	}
	first := p.Pseudonym("visitor-3f9a2c7b")
	fmt.Println(first)
	fmt.Println(p.Pseudonym("visitor-3f9a2c7b") == first)
	// Output:
	// b5e851dbf6f42abeea1c03967258494d
	// true
}

func ExampleCanonical() {
	fmt.Printf("%s\n", audit.Canonical(map[string]string{"type": "consent.granted", "id": "e1", "hash": "ignored", "note": "a\"b"}))
	// Output: {"id":"e1","note":"a\"b","type":"consent.granted"}
}
