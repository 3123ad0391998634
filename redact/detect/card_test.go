package detect

import "testing"

func TestCreditCard(t *testing.T) {
	t.Parallel()
	runSpanCases(t, NewCreditCard(), []spanCase{
		{desc: "visa spaced", in: "card 4111 1111 1111 1111 exp 12/25", want: []string{"4111 1111 1111 1111"}},
		{desc: "visa dashed", in: "4111-1111-1111-1111", want: []string{"4111-1111-1111-1111"}},
		{desc: "mastercard compact", in: "5555555555554444", want: []string{"5555555555554444"}},
		{desc: "mastercard 2-series", in: "2223003122003222", want: []string{"2223003122003222"}},
		{desc: "amex 4-6-5", in: "3782 822463 10005", want: []string{"3782 822463 10005"}},
		{desc: "amex compact", in: "378282246310005", want: []string{"378282246310005"}},
		{desc: "diners 4-6-4", in: "3056 930902 5904", want: []string{"3056 930902 5904"}},
		{desc: "discover", in: "6011 1111 1111 1117", want: []string{"6011 1111 1111 1117"}},
		{desc: "jcb", in: "3530111333300000", want: []string{"3530111333300000"}},
		{desc: "unionpay 19", in: "6200 0000 0000 0000 000", want: []string{"6200 0000 0000 0000 000"}},
		{desc: "visa 13", in: "4222222222222", want: []string{"4222222222222"}},
		{desc: "security code after", in: "4111 1111 1111 1111 123", want: []string{"4111 1111 1111 1111"}},
		{desc: "luhn failing gift card", in: "gift 1234 5678 9012 3456", want: nil},
		{desc: "luhn failing visa", in: "4111 1111 1111 1112", want: nil},
		{desc: "luhn valid unknown IIN", in: "9999 9999 9999 9995", want: nil},
		{desc: "amex wrong length", in: "3782822463100050", want: nil},
		{desc: "mixed separators", in: "4111 1111-1111 1111", want: nil},
		{desc: "inside IBAN", in: "DE89 4111 1111 1111 1111 00", want: nil},
		{desc: "five groups of four", in: "4111 1111 1111 1111 1111", want: nil},
		{desc: "phone with plus", in: "+4111111111111111", want: nil},
		{desc: "decimal", in: "4111111111111111.50", want: nil},
	})
}

func FuzzCreditCard(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "3782 822463 10005", "4111-1111-", "0000 0000 0000 0000 000"} {
		f.Add(s)
	}
	d := NewCreditCard()
	f.Fuzz(func(t *testing.T, s string) { checkFindings(t, d, s, "0123456789") })
}

func BenchmarkCreditCard(b *testing.B) {
	benchDetector(b, NewCreditCard(), "Pay with 4111 1111 1111 1111 or 5555555555554444, order 302-4411873-0918273. ")
}
