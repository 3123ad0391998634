package demobot

import "unicode/utf8"

// Sizes of the pieces a streamed reply is cut into. A value in the reply is always
// split across events, which is what a streaming rewriter must cope with.
const (
	minPiece = 3
	maxPiece = 8
)

// pieceTargets is the repeating sequence of preferred piece sizes: varied, but the
// same for the same text so a failing test replays exactly.
var pieceTargets = [...]int{3, 5, 8, 4, 7, 6}

// splitPieces cuts s into pieces of minPiece..maxPiece bytes without splitting a UTF-8
// sequence. Only a text shorter than minPiece yields a shorter (single) piece. s must be
// valid UTF-8 (JSON decoding guarantees it).
//
// It works because a rune is at most 4 bytes: any 4 consecutive offsets hold a rune
// boundary, and while more than maxPiece bytes remain the allowed cut range
// [minPiece, min(maxPiece, rest-minPiece)] spans at least 4 offsets.
func splitPieces(s string) []string {
	var out []string
	for i := 0; len(s) > 0; i++ {
		if len(s) <= maxPiece {
			return append(out, s)
		}
		lo, hi := minPiece, min(maxPiece, len(s)-minPiece)
		target := pieceTargets[i%len(pieceTargets)]
		cut := 0
		for c := min(target, hi); c >= lo; c-- { // largest boundary at or below target
			if utf8.RuneStart(s[c]) {
				cut = c
				break
			}
		}
		for c := target + 1; cut == 0 && c <= hi; c++ { // else the smallest above it
			if utf8.RuneStart(s[c]) {
				cut = c
			}
		}
		if cut == 0 { // unreachable for valid UTF-8; never loop forever on invalid input
			cut = hi
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return out
}
