package policy

import (
	"context"
	"testing"

	"github.com/veil-privacy/veil/policies"
)

// TestDefaultPack runs the default pack's Rego tests as part of go test.
func TestDefaultPack(t *testing.T) {
	t.Parallel()
	p, err := LoadPack(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	results, err := p.Test(context.Background(), TestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) == 0 {
		t.Fatal("the default pack has no tests")
	}
	for _, r := range results {
		if r.Pass() || r.Skip {
			continue
		}
		if r.Error != nil {
			t.Errorf("%s.%s: error: %v", r.Package, r.Name, r.Error)
		} else {
			t.Errorf("%s.%s: FAIL (%s)", r.Package, r.Name, r.Location)
		}
	}
	if _, err := p.compile(context.Background()); err != nil {
		t.Fatal(err)
	}
}
