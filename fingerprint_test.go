package lettatokens

import (
	"strconv"
	"testing"
)

func TestFingerprints(t *testing.T) {
	f := newFingerprints()
	const n = 5000 // several doublings of the table
	for i := range n {
		if !f.add("ck-let-" + strconv.Itoa(i)) {
			t.Fatalf("token %d reported as seen before", i)
		}
	}
	for i := range n {
		if f.add("ck-let-" + strconv.Itoa(i)) {
			t.Fatalf("token %d reported as new the second time", i)
		}
	}
	if f.n != n || f.n*4 > len(f.slots)*3 {
		t.Errorf("%d fingerprints in %d slots, want %d at most three quarters full", f.n, len(f.slots), n)
	}
	if g := newFingerprints(); !g.add("ck-let-0") {
		t.Error("a new walk's set remembered a token of another walk")
	}
}
