package gcpolicy

import (
	"runtime/debug"
	"testing"
)

func TestServe(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tc := range []struct {
		name, gogc, memlimit string
		want                 int
	}{
		{"defaults", "", "", ServePercent},
		{"GOGC set", "150", "", 100},
		{"GOMEMLIMIT set", "", "1GiB", 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.memlimit)
			debug.SetGCPercent(100)
			Serve()
			if got := debug.SetGCPercent(100); got != tc.want {
				t.Fatalf("GC percent %d, want %d", got, tc.want)
			}
		})
	}
}
