package admin

import (
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings: RFC 6238 defaults every authenticator app supports (SHA-1, 6 digits, 30 s), a
// 160-bit secret, and one step of clock skew either way.
const (
	totpIssuer = "Veil"
	totpPeriod = 30
	totpSkew   = 1
)

// newTOTP enrolls a fresh secret for name and returns it (base32) with its otpauth:// URL.
func newTOTP(name string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: name, Period: totpPeriod})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// totpStep is the time step t falls in.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// checkTOTP returns the time step code is valid for at now (within the skew), or -1. It generates
// each candidate code and compares in constant time; every candidate is compared.
func checkTOTP(secret, code string, now time.Time) int64 {
	step := totpStep(now)
	found := int64(-1)
	for _, s := range []int64{step - totpSkew, step, step + totpSkew} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
		})
		if err == nil && len(code) == len(want) && equal([]byte(code), []byte(want)) {
			found = s
		}
	}
	return found
}
