package proxy

import (
	"fmt"
	"strings"
	"sync"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/redact"
)

// maxKeys bounds the distinct keys the proxy remembers in order to mask
// them. Past it, a key could be echoed unmasked, so every finding's text
// is withheld and recording stops (see mask and maskerIfAll).
const maxKeys = 256

// MaxAuthorizationBytes caps one Authorization value: a key is some tens
// of bytes, and masking a key costs memory and time in proportion to its
// length. A request with a longer value is answered 431 and not
// forwarded.
const MaxAuthorizationBytes = 8 << 10

// maxFindingText caps a finding's message or pointer after the proxy's
// masking, as the contract package caps it.
const maxFindingText = 4 * redact.MaxLine

// withheld replaces a finding's text once the proxy has seen more keys
// than it can mask.
var withheld = fmt.Sprintf("(text withheld: more than %d distinct keys seen in Authorization, which the proxy cannot all mask)", maxKeys)

// keySet is the keys seen in Authorization, each with what masks it,
// built once when the key is first seen: masking costs time and memory in
// proportion to a key's length, and is never rebuilt per exchange (nor
// for every key each time one is added).
type keySet struct {
	mu       sync.Mutex
	keys     map[string]bool
	list     []*seenKey // in the order seen
	overflow bool
	// recording: each seenKey also holds what a fixture masks it with.
	recording bool
	// shapes masks what no key is needed for (secret shapes), escapes
	// and caps: every finding's text passes it, keys seen or not.
	shapes *redact.Masker
}

// seenKey is one key and its maskers.
type seenKey struct {
	key    string
	masker *redact.Masker // this key, in every form redact knows
	// For a recording: the key whole, in the forms valueForms lists, by
	// removedKey; then the masker, leaving the fakes (shaped like tokens).
	replacer      *strings.Replacer
	fixtureMasker *redact.Masker
}

// newKeySet returns an empty keySet; recording says whether it also
// builds what a recording masks keys with.
func newKeySet(recording bool) *keySet {
	return &keySet{keys: make(map[string]bool), recording: recording, shapes: redact.NewMasker("")}
}

// add remembers key and builds its maskers, when it is new.
func (k *keySet) add(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys[key] || k.overflow {
		return
	}
	if len(k.keys) >= maxKeys {
		k.overflow = true
		return
	}
	k.keys[key] = true
	// The key alone: redact's masker knows every form a server can echo
	// it in (escaped, cut, behind another prefix).
	sk := &seenKey{key: key, masker: redact.NewMasker("").WithKeys(key)}
	if k.recording {
		var pairs []string
		if len(key) >= minKeyLen { // as redact does not mask a shorter one: it would replace ordinary words
			for _, form := range valueForms(key) {
				pairs = append(pairs, form, removedKey)
			}
		}
		sk.replacer = longestFirst(pairs)
		sk.fixtureMasker = sk.masker.AllowTokens()
	}
	k.list = append(k.list, sk)
}

// seenKeys is the keys seen up to some moment: an exchange is masked
// with the keys seen when its answer came, which are all the keys its
// upstream could have echoed, however long its validation waits.
type seenKeys struct {
	list []*seenKey
	ok   bool // false once there were more than the set holds
	k    *keySet
}

// seen is every key seen so far.
func (k *keySet) seen() seenKeys {
	k.mu.Lock()
	defer k.mu.Unlock()
	return seenKeys{k.list, !k.overflow, k}
}

func (k *keySet) secrets() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]string, len(k.list))
	for i, sk := range k.list {
		out[i] = sk.key
	}
	return out
}

// mask masks every key seen in each finding's text: a finding of an
// exchange made with one key may echo another (an upstream knows them
// all). Past maxKeys, the text is withheld.
func (keys seenKeys) mask(fs contract.Findings) contract.Findings {
	safe := func(s string) string {
		s = keys.k.shapes.Safe(s, maxFindingText)
		for _, sk := range keys.list {
			s = sk.masker.Safe(s, maxFindingText)
		}
		return s
	}
	out := make(contract.Findings, len(fs))
	for i, f := range fs {
		if !keys.ok {
			f.Message, f.Pointer = withheld, ""
		} else {
			f.Message, f.Pointer = safe(f.Message), safe(f.Pointer)
		}
		out[i] = f
	}
	return out
}

// maskFixture masks every key seen in a fixture's text, or reports false
// once there were more than the set holds.
func (keys seenKeys) maskFixture(text string) (string, bool) {
	if !keys.ok {
		return "", false
	}
	for _, sk := range keys.list {
		text = sk.fixtureMasker.Mask(sk.replacer.Replace(text))
	}
	return text, true
}
