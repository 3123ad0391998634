package detect

import (
	"testing"

	"github.com/veil-privacy/veil/redact"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	runCtxCases(t, NewHealth(), redact.Health, []ctxCase{
		{"en diabetes", "I have type 2 diabetes.", []string{"diabetes"}},
		{"en dose", "I take Metformin 500 mg twice a day", []string{"Metformin 500 mg"}},
		{"en dose glued", "sertraline 50mg since May", []string{"sertraline 50mg"}},
		{"en decimal dose", "Warfarin 2,5 mg", []string{"Warfarin 2,5 mg"}},
		{"en HIV", "I am HIV positive", []string{"HIV"}},
		{"en pregnant", "I'm pregnant, can I change seats?", []string{"pregnant"}},
		{"de", "Ich bin Diabetiker und brauche Insulin", []string{"Diabetiker", "Insulin"}},
		{"de schwanger", "Meine Frau ist schwanger", []string{"schwanger"}},
		{"fr", "Je suis sous chimiothérapie pour un cancer", []string{"chimiothérapie", "cancer"}},
		{"it", "soffro di epilessia e depressione", []string{"epilessia", "depressione"}},
		{"es", "tengo asma y estoy embarazada", []string{"asma", "embarazada"}},
		{"nl", "ik heb astma en ben zwanger", []string{"astma", "zwanger"}},
		{"pl", "mam cukrzycę i depresję", []string{"cukrzycę", "depresję"}},
		{"ro", "am diabet și sunt însărcinată", []string{"diabet", "însărcinată"}},
		{"aids lower case is a verb", "this aids the process", nil},
		{"nothing", "Where is my parcel?", nil},
	})
}

func FuzzHealth(f *testing.F) {
	for _, s := range []string{"Metformin 500 mg", "insulin 2,5", "diabète", "HIV", "x 5"} {
		f.Add(s)
	}
	d := NewHealth()
	f.Fuzz(func(t *testing.T, s string) {
		checkCtxFindings(t, d, s)
	})
}

func BenchmarkHealth(b *testing.B) {
	benchCtx(b, NewHealth())
}
