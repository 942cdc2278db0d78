package redact

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"testing"
)

// How much of a secret survives redaction: its kind ("ck-let-" is a token,
// "sk-let-" a key) and, on a long token, its last characters, so that two
// tokens can be told apart in a table or a log ("ck-let-a…9f3c"). Far too
// little to use one. API keys keep the prefix only: there is one key in use,
// nothing to tell apart.
const (
	prefixLen = 8
	suffixLen = 4
	// minLenForSuffix: below this the kept characters would be a large share
	// of the token, so only the prefix is kept.
	minLenForSuffix = 24
	// minExtraLen: extra values shorter than this are not searched for, as
	// they would mask ordinary words.
	minExtraLen = 4
)

// Token returns a form of a client-side access token that is safe to print:
// a short prefix, an ellipsis, and on long tokens the last four characters.
// Values shorter than twice the prefix are hidden entirely.
func Token(secret string) string {
	if len(secret) >= minLenForSuffix {
		return cut(secret, prefixLen) + "…" + tail(secret, suffixLen)
	}
	return Key(secret)
}

// Key returns a form of an API key that is safe to print: its first eight
// bytes, or an ellipsis alone for a value shorter than 16 bytes, of which
// eight would be half.
func Key(secret string) string {
	switch {
	case secret == "":
		return ""
	case len(secret) < 2*prefixLen:
		return "…"
	}
	return cut(secret, prefixLen) + "…"
}

// cut returns at most the first n bytes of s, never splitting a UTF-8
// sequence, so the result stays valid text. s is longer than n (every
// caller cuts only what is over its length).
func cut(s string, n int) string {
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// tail returns at most the last n bytes of s, never splitting a UTF-8
// sequence. s is longer than n.
func tail(s string, n int) string {
	i := len(s) - n
	for i < len(s) && !isRuneStart(s[i]) {
		i++
	}
	return s[i:]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// keyBuilds counts, in a test binary only, the Maskers built for each API
// key, by the key's hash: see KeyBuilds.
var (
	keyBuilds    sync.Map // uint64 -> *atomic.Int64
	keyBuildSeed = maphash.MakeSeed()
)

// KeyBuilds reports how many Maskers were built for apiKey (by NewMasker
// or WithKeys) so far in this process, when it is a test binary; 0
// otherwise. Building one indexes every encoded form of the key: a run
// builds it once and hands it on, which a test checks with this count.
func KeyBuilds(apiKey string) int {
	n, ok := keyBuilds.Load(maphash.String(keyBuildSeed, apiKey))
	if !ok {
		return 0
	}
	return int(n.(*atomic.Int64).Load())
}

func countBuild(keys []string) {
	if !testing.Testing() {
		return
	}
	for _, k := range keys {
		n, _ := keyBuilds.LoadOrStore(maphash.String(keyBuildSeed, k), new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}
}
