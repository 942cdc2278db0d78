package lettatokens

import (
	"strconv"
	"testing"
	"time"
)

// TestFingerprints adds enough tokens for several doublings of the table.
// A broken count or growth fills the table, and the probe for a free slot
// then never ends: the adds run under a short deadline, and the count and
// the load are checked after each add, so such a regression fails at once.
func TestFingerprints(t *testing.T) {
	f := newFingerprints()
	const n = 5000
	failure := make(chan string, 1)
	go func() {
		failure <- fillFingerprints(f, n)
	}()
	select {
	case msg := <-failure:
		if msg != "" {
			t.Fatal(msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("adding %d tokens did not end within 10s: the table filled up", n)
	}
	if g := newFingerprints(); !g.add("ck-let-0") {
		t.Error("a new walk's set remembered a token of another walk")
	}
}

// fillFingerprints adds n tokens twice and returns what went wrong, if
// anything.
func fillFingerprints(f *fingerprints, n int) string {
	for i := range n {
		if !f.add("ck-let-" + strconv.Itoa(i)) {
			return "token " + strconv.Itoa(i) + " reported as seen before"
		}
		// As many fingerprints as adds, in a table at most three quarters
		// full, and grown only as needed: at least three eighths full
		// past its first 256 slots.
		if f.n != i+1 || f.n*4 > len(f.slots)*3 || len(f.slots) > max(256, 3*f.n) {
			return strconv.Itoa(f.n) + " fingerprints in " + strconv.Itoa(len(f.slots)) + " slots after " + strconv.Itoa(i+1) + " adds, want as many, between three eighths and three quarters full"
		}
	}
	for i := range n {
		if f.add("ck-let-" + strconv.Itoa(i)) {
			return "token " + strconv.Itoa(i) + " reported as new the second time"
		}
	}
	if f.n != n {
		return strconv.Itoa(f.n) + " fingerprints after adding each token twice, want " + strconv.Itoa(n)
	}
	// The promise of the type's doc: at most 21 bytes a token (a table at
	// least three eighths full, as a table that doubles only when three
	// quarters full is), so that a million tokens cost 16 MB, not 100.
	if perToken := 8 * len(f.slots) / n; perToken > 21 {
		return strconv.Itoa(len(f.slots)) + " slots for " + strconv.Itoa(n) + " fingerprints: " + strconv.Itoa(perToken) + " bytes a token, want at most 21"
	}
	return ""
}
