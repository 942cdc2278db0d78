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
		if s.Len() != i+1 {
			t.Fatalf("Len = %d after %d tokens", s.Len(), i+1)
		}
	}
	for i := range n {
		if s.Add("ck-let-" + strconv.Itoa(i)) {
			t.Fatalf("token %d reported as new the second time", i)
		}
	}
	if s.Len() != n || s.n*4 > len(s.slots)*3 {
		t.Errorf("%d fingerprints in %d slots, want %d at most three quarters full", s.Len(), len(s.slots), n)
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
