package fingerprint

import (
	"strconv"
	"testing"
)

func TestSet(t *testing.T) {
	var s Set
	const n = 5000 // several doublings of the table
	for i := range n {
		if !s.Add("ck-let-" + strconv.Itoa(i)) {
			t.Fatalf("token %d reported as seen before", i)
		}
		// As many fingerprints as adds, in a table at most three quarters
		// full and grown only as needed: at least three eighths full past
		// its first 256 slots. A table that fills up, or doubles on every
		// add, fails here at once rather than by hanging.
		if s.n != i+1 || s.n*4 > len(s.slots)*3 || len(s.slots) > max(256, 3*s.n) {
			t.Fatalf("%d fingerprints in %d slots after %d adds, want as many, between three eighths and three quarters full", s.n, len(s.slots), i+1)
		}
	}
	for i := range n {
		if s.Add("ck-let-" + strconv.Itoa(i)) {
			t.Fatalf("token %d reported as new the second time", i)
		}
	}
	if s.n != n || s.n*4 > len(s.slots)*3 {
		t.Errorf("%d fingerprints in %d slots, want %d at most three quarters full", s.n, len(s.slots), n)
	}
	// The type's promise: at most 21 bytes a token, so that a million
	// tokens cost 16 MB, not 100.
	if perToken := 8 * len(s.slots) / n; perToken > 21 {
		t.Errorf("%d slots for %d fingerprints: %d bytes a token, want at most 21", len(s.slots), n, perToken)
	}
	var other Set
	if !other.Add("ck-let-0") {
		t.Error("a new set remembered a token of another set")
	}
}

func TestOf(t *testing.T) {
	if Of("ck-let-a") != Of("ck-let-a") {
		t.Error("Of is not stable within a process")
	}
	if Of("ck-let-a") == Of("ck-let-b") {
		t.Error("two tokens share a fingerprint")
	}
	if Of("") == 0 {
		t.Error("Of returned 0, which marks an empty slot")
	}
}

// TestZeroFingerprint: a token whose hash is 0 is stored as 1 and still
// found again, rather than lost in an "empty" slot.
func TestZeroFingerprint(t *testing.T) {
	var s Set
	s.grow()
	if !s.insert(1) || s.insert(1) {
		t.Error("fingerprint 1 not recorded once")
	}
}
