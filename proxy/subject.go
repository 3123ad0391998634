package proxy

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// SubjectCookie is Veil's first-party cookie holding a browser's pseudonymous subject id. The bot
// never sees it: Veil removes it from requests before forwarding.
const SubjectCookie = "veil_sid"

// subjectCookieMaxAge is how long a browser keeps its subject id (Chrome's cap for cookies).
const subjectCookieMaxAge = 400 * 24 * time.Hour

// SubjectSource says where a route takes the data subject's identity from. By default (both empty)
// it is Veil's own cookie.
type SubjectSource struct {
	// Header names a request header set by an upstream session layer (e.g. "X-User-Id").
	Header string `yaml:"header"`
	// JSONField is a dot path into chat request bodies (e.g. "sender" for Rasa REST).
	JSONField string `yaml:"json_field"`
}

// subjects derives pseudonymous subject ids. Ids from headers and JSON fields are keyed HMACs of
// the value, so an e-mail address used as a sender id never becomes a storage key or a log field.
type subjects struct {
	key []byte
}

// fromValue returns the subject id for an identity value taken from a header or a JSON field.
func (s subjects) fromValue(source, value string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(source))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return "h" + hex.EncodeToString(m.Sum(nil)[:16])
}

// fromCookie returns the subject id carried by the request's Veil cookie, or a new one with the
// cookie to set. An unknown or malformed cookie value is replaced, never trusted.
func (s subjects) fromCookie(r *http.Request) (id string, set *http.Cookie) {
	if c, err := r.Cookie(SubjectCookie); err == nil && validCookieID(c.Value) {
		return "c" + c.Value, nil
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	v := hex.EncodeToString(b[:])
	return "c" + v, &http.Cookie{
		Name: SubjectCookie, Value: v, Path: "/", MaxAge: int(subjectCookieMaxAge.Seconds()),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode,
	}
}

func validCookieID(v string) bool {
	if len(v) != 32 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// stripSubjectCookie removes Veil's cookie from an outbound Cookie header, keeping the others
// byte-for-byte.
func stripSubjectCookie(h http.Header) {
	vals := h.Values("Cookie")
	if len(vals) == 0 {
		return
	}
	out := vals[:0:0]
	for _, v := range vals {
		parts := strings.Split(v, ";")
		kept := parts[:0]
		for _, p := range parts {
			name, _, _ := strings.Cut(strings.TrimSpace(p), "=")
			if name != SubjectCookie {
				kept = append(kept, p)
			}
		}
		if len(kept) > 0 {
			out = append(out, strings.TrimSpace(strings.Join(kept, ";")))
		}
	}
	h.Del("Cookie")
	for _, v := range out {
		h.Add("Cookie", v)
	}
}
