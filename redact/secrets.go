package redact

import (
	"slices"
	"sync/atomic"
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

// Secrets rewrites every Letta secret found in text, and every occurrence of
// the extra values given (such as the API key in use, whatever its shape),
// with its redacted form, in every form [Masker.Mask] knows: escaped, cut
// to any run of [MinWindow] characters, behind another prefix. Use it on
// any text that may echo a server's body or a request: error messages,
// validation reports, logs. It is idempotent.
func Secrets(text string, extra ...string) string {
	return maskerFor(extra).Mask(text)
}

// Contains reports whether text holds any secret Secrets would mask.
func Contains(text string, extra ...string) bool {
	return maskerFor(extra).Holds(text)
}

// lastMasker is the Masker the package functions built last: callers pass
// the same key call after call, and indexing it once is most of the cost
// on short texts.
var lastMasker atomic.Pointer[cachedMasker]

// shapesOnly masks shapes only: the package functions without extras.
var shapesOnly = &Masker{}

type cachedMasker struct {
	extra []string
	m     *Masker
}

// maskerFor returns a Masker whose keys are extra (masked by [Key], as the
// package functions always have).
func maskerFor(extra []string) *Masker {
	if len(extra) == 0 {
		return shapesOnly
	}
	if c := lastMasker.Load(); c != nil && slices.Equal(c.extra, extra) {
		return c.m
	}
	m := newMasker(extra, nil)
	lastMasker.Store(&cachedMasker{extra: slices.Clone(extra), m: m})
	return m
}
