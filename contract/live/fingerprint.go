package live

import (
	"hash/maphash"
)

// fingerprint stands for one token value in a walk: 8 bytes instead of the
// token (and its policy), so that a walk of a million tokens keeps 8 MB of
// fingerprints rather than the account. Two walks of one process can be
// compared by their fingerprints; fingerprints are not stable across
// processes and reveal nothing of the token.
type fingerprint uint64

// fingerprintSeed is random per process: a server cannot craft two token
// values that collide, to fake or hide a duplicate.
var fingerprintSeed = maphash.MakeSeed()

// fingerprintOf returns the fingerprint of a token value. Distinct values
// collide with probability 2⁻⁶⁴ per pair: for a million tokens, about one
// chance in 3×10⁷ that a walk reports a duplicate that is not.
func fingerprintOf(token string) fingerprint {
	return fingerprint(maphash.String(fingerprintSeed, token))
}
