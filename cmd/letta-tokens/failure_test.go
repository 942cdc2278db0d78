package main

import (
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
)

// TestExitStatus: only drift is 1; no failure is 0; every other kind,
// and a Kind no constant names, is 2.
func TestExitStatus(t *testing.T) {
	for k := lettatokens.KindNone - 1; k <= lettatokens.KindInvalid+1; k++ {
		want := exitUsage
		switch k {
		case lettatokens.KindNone:
			want = exitOK
		case lettatokens.KindUndocumented:
			want = exitFailure
		}
		if got := exitStatus(k); got != want {
			t.Errorf("exitStatus(%s (%d)) = %d, want %d", k, int(k), got, want)
		}
	}
}
