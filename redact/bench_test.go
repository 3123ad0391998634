//go:build unix

package redact

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkTextReset measures building the normalized view (normalize, fold, tokenize) on its own.
func BenchmarkTextReset(b *testing.B) {
	inputs := []struct{ name, text string }{
		{"ascii", strings.Repeat("Hello, I would like to know when my order 4711 will arrive. ", 17)},
		{"ascii-lower", strings.Repeat("hello, i would like to know when my order 4711 will arrive. ", 17)},
		{"accented", strings.Repeat("Grüße aus Kraków, Mădălina Ionescu wohnt in der Königstraße. ", 17)},
		{"polish", strings.Repeat("Dzień dobry, chciałbym zapytać o możliwość zwrotu butów. ", 18)},
		{"combining", strings.Repeat("Jose\u0301 Garci\u0301a vive en la calle Mayor. ", 24)},
		{"fullwidth", strings.Repeat("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ ４１１１\u00a0", 16)},
		{"zero-width", strings.Repeat("test@exam\u200bple.com and more text here. ", 26)},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			var t Text
			b.ReportAllocs()
			b.SetBytes(int64(len(in.text)))
			cpu := cpuTime()
			for b.Loop() {
				t.Reset(in.text)
			}
			reportCPU(b, cpu, len(in.text))
		})
	}
}

// cpuTime returns the CPU time this process has used. On a shared machine it measures the work
// better than the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds CPU-time metrics since start: cpu-ns/op and cpu-MB/s (run with -cpu 1).
func reportCPU(b *testing.B, start time.Duration, bytesPerOp int) {
	d := cpuTime() - start
	if d <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	if bytesPerOp > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/d.Seconds()/1e6, "cpu-MB/s")
	}
}
