package detect

import (
	"embed"
	"strings"
)

// The name gazetteer: common given names and surnames of the EU languages Veil supports, embedded in
// the binary and loaded once. See names/README.md for its source and licence.

//go:embed names/given.txt names/surnames.txt
var nameFiles embed.FS

var (
	givenNames = loadNames("names/given.txt")
	surnames   = withFeminineForms(loadNames("names/surnames.txt"))
)

// withFeminineForms adds the feminine form of Polish adjectival surnames (Kowalski → Kowalska,
// Nowicki → Nowicka) so that both spellings are found with one lookup.
func withFeminineForms(s wordSet) wordSet {
	add := make([]string, 0, 64)
	for w := range s {
		if strings.HasSuffix(w, "ski") || strings.HasSuffix(w, "cki") || strings.HasSuffix(w, "dzki") {
			add = append(add, w[:len(w)-1]+"a")
		}
	}
	for _, w := range add {
		s[w] = struct{}{}
	}
	return s
}

// loadNames reads one gazetteer file into a lower-case set.
func loadNames(path string) wordSet {
	b, err := nameFiles.ReadFile(path)
	if err != nil {
		panic("detect: reading embedded " + path + ": " + err.Error())
	}
	s := make(wordSet)
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		for _, w := range strings.Fields(line) {
			s[strings.ToLower(w)] = struct{}{}
		}
	}
	return s
}

// ambiguousGiven are given names that are also everyday words, months or places. Without context
// they count as a given name only when a known surname follows.
var ambiguousGiven = newWordSet(
	"will may june april august mark bill rose grace hope joy faith summer autumn amber ruby jade",
	"art guy max frank dean page lane ray rich pat sue don jack miles victoria florence paris",
	"sofia lucia santiago jordan chase hunter carter mason cooper piper rory sky star crystal",
	"angel ángel angela dolores mercedes rosario soledad consuelo remedios pilar nieves gloria",
	"trinidad milagros estrella inmaculada concepción concepcion asunción lourdes guadalupe",
	"fortuna marina lima",
	"roma milano napoli franco bruno nico leon león georgia virginia carolina",
	"emma ella ava noa alma mia lea lena liv eva ida pia",
	"christian holly daisy poppy violet ivy lily willow hazel iris rosa luz paz amparo rocío rocio aurora",
	"marine claire pierre olivier victoire constance prudence ambre capucine maja pola doina florin dan ion",
	"bianca serena felice violeta flora hugo",
)
