package lettatokens

import "hash/maphash"

// fingerprints remembers every token a walk has listed, as a 64-bit hash
// rather than the token itself, in an open-addressing table that is at
// most three quarters full: 11 to 21 bytes per token, so that the default
// bound of a million tokens costs 16 MB (24 MB for a moment while the table
// doubles), where keeping the 40-byte token strings would cost hundreds. A
// Go map[uint64]struct{} would take about twice that: its slots are padded
// to 16 bytes.
//
// Two distinct tokens may share a fingerprint. Among n tokens the chance of
// any such collision is at most n²/2⁶⁵: about 3 in 100 million at the
// default bound of a million, 3 in 10,000 at a hundred million. A collision
// can only end an honest walk early with a *PaginationError (never yield a
// token twice, nor hide one silently), and the seed is random per walk, so
// it does not repeat when the walk is run again, and a server cannot aim
// for one.
type fingerprints struct {
	seed  maphash.Seed
	slots []uint64 // length a power of two; 0 marks an empty slot
	n     int      // slots in use
}

func newFingerprints() *fingerprints {
	return &fingerprints{seed: maphash.MakeSeed(), slots: make([]uint64, 256)}
}

// add records token and reports whether it was new.
func (f *fingerprints) add(token string) bool {
	h := maphash.String(f.seed, token)
	if h == 0 {
		h = 1 // 0 marks an empty slot; this merges two of 2⁶⁴ values
	}
	if (f.n+1)*4 > len(f.slots)*3 {
		f.grow()
	}
	if !f.insert(h) {
		return false
	}
	f.n++
	return true
}

// insert puts h in its slot, probing linearly from the slot its low bits
// name (maphash spreads them evenly), and reports whether it was absent.
func (f *fingerprints) insert(h uint64) bool {
	mask := uint64(len(f.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch f.slots[i] {
		case 0:
			f.slots[i] = h
			return true
		case h:
			return false
		}
	}
}

// grow doubles the table.
func (f *fingerprints) grow() {
	old := f.slots
	f.slots = make([]uint64, 2*len(old))
	for _, h := range old {
		if h != 0 {
			f.insert(h)
		}
	}
}
