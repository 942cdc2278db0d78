// Package fingerprint remembers which tokens a walk has listed, as 64-bit
// hashes rather than the tokens themselves: a walk over a million tokens
// must notice a token listed twice (lying pagination) without holding a
// million secrets.
package fingerprint

import "hash/maphash"

// seed is random per process, so that the fingerprints (and any collision
// between two tokens) do not repeat from one run to the next, and a server
// cannot aim for a collision.
var seed = maphash.MakeSeed()

// Of returns token's fingerprint: never 0, which Set keeps for an empty
// slot (merging two of 2⁶⁴ values).
func Of(token string) uint64 {
	h := maphash.String(seed, token)
	if h == 0 {
		h = 1
	}
	return h
}

// Set is a set of fingerprints in an open-addressing table that is at most
// three quarters full: 11 to 21 bytes per token, so that a million tokens
// cost 16 MB (24 MB for a moment while the table doubles), where keeping
// the 40-byte token strings would cost hundreds. A Go map[uint64]struct{}
// would take about twice that: its slots are padded to 16 bytes.
//
// Two distinct tokens may share a fingerprint. Among n tokens the chance of
// any such collision is at most n²/2⁶⁵: about 3 in 100 million at a
// million, 3 in 10,000 at a hundred million. For a walk, a collision can
// only end an honest walk early with a pagination error (never yield a
// token twice, nor hide one silently).
//
// The zero Set is empty and ready to use. A Set is not safe for concurrent
// use.
type Set struct {
	slots []uint64 // length a power of two; 0 marks an empty slot
	n     int      // slots in use
}

// Add records token and reports whether it was new.
func (s *Set) Add(token string) bool {
	h := Of(token)
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	if !s.insert(h) {
		return false
	}
	s.n++
	return true
}

// insert puts h in its slot, probing linearly from the slot its low bits
// name (maphash spreads them evenly), and reports whether it was absent.
func (s *Set) insert(h uint64) bool {
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			return true
		case h:
			return false
		}
	}
}

// grow doubles the table (to 256 slots at first).
func (s *Set) grow() {
	old := s.slots
	s.slots = make([]uint64, max(2*len(old), 256))
	for _, h := range old {
		if h != 0 {
			s.insert(h)
		}
	}
}
