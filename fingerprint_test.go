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
		if f.n != i+1 || f.n*4 > len(f.slots)*3 {
			return strconv.Itoa(f.n) + " fingerprints in " + strconv.Itoa(len(f.slots)) + " slots after " + strconv.Itoa(i+1) + " adds, want as many, at most three quarters full"
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
	return ""
}
