package detect

// Helpers shared by the national-id validators: digit parsing and calendar dates.

// nidDigits reports whether b is non-empty and all ASCII digits.
func nidDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// nidNum returns the value of the ASCII digits b (the caller has checked them).
func nidNum(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// nidWeighted returns Σ w[i]·digit(b[i]) over the shorter of b and w.
func nidWeighted(b []byte, w []int) int {
	s := 0
	for i := 0; i < len(b) && i < len(w); i++ {
		s += int(b[i]-'0') * w[i]
	}
	return s
}

// nidDate reports whether y-m-d is a calendar date.
func nidDate(y, m, d int) bool {
	return m >= 1 && m <= 12 && d >= 1 && d <= nidDaysIn(y, m)
}

// nidDateAnyCentury reports whether yy-m-d is a date in some century (29 February is accepted
// whenever yy is divisible by four, as 2000 was a leap year).
func nidDateAnyCentury(yy, m, d int) bool { return nidDate(2000+yy, m, d) }

func nidDaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
