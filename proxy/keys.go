package proxy

import (
	"fmt"
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

// keySet is the keys seen in Authorization, with a masker and a validator
// that mask every one of them: a validator masks before it cuts a string,
// so no part of a key survives a cut. Both are built when a key is first
// seen, never per exchange.
type keySet struct {
	mu       sync.Mutex
	keys     map[string]bool
	list     []string // the keys, in the order seen; redact knows their forms
	overflow bool
	masker   *redact.Masker
	v        *contract.Validator
	// rec is for a recording (nil without one).
	rec *recordKeys
}

// newKeySet returns an empty keySet; recording says whether it also
// builds what a recording masks keys with.
func newKeySet(recording bool) (*keySet, error) {
	v, err := contract.NewValidator()
	if err != nil {
		return nil, err
	}
	k := &keySet{keys: make(map[string]bool), v: v, masker: redact.NewMasker("")}
	if recording {
		k.rec = newRecordKeys(nil, k.masker)
	}
	return k, nil
}

// add remembers key, and builds the masker and the validator anew when it
// is new.
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
	// The key alone: redact's masker knows every form a server can
	// echo it in (escaped, cut, behind another prefix).
	k.list = append(k.list, key)
	k.masker = k.masker.WithKeys(key)
	if k.rec != nil {
		k.rec = newRecordKeys(k.list, k.masker)
	}
	// The spec is loaded once per process: a validator is cheap to build.
	if v, err := contract.NewValidator(contract.WithSecrets(k.list...)); err == nil {
		k.v = v
	}
}

func (k *keySet) validator() *contract.Validator {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.v
}

// maskerIfAll is the masker of every key seen, or nil once there were
// more keys than it holds.
func (k *keySet) maskerIfAll() *redact.Masker {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.overflow {
		return nil
	}
	return k.masker
}

// recordKeys is what a recording masks every key seen with, or nil once
// there were more keys than it holds.
func (k *keySet) recordKeys() *recordKeys {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.overflow {
		return nil
	}
	return k.rec
}

func (k *keySet) secrets() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.list...)
}

// mask masks every key seen in each finding's text, again: a finding of
// an exchange made with one key may echo another (an upstream knows them
// all). Past maxKeys, the text is withheld.
func (k *keySet) mask(fs contract.Findings) contract.Findings {
	m := k.maskerIfAll()
	out := make(contract.Findings, len(fs))
	for i, f := range fs {
		if m == nil {
			f.Message, f.Pointer = withheld, ""
		} else {
			f.Message = m.Safe(f.Message, maxFindingText)
			f.Pointer = m.Safe(f.Pointer, maxFindingText)
		}
		out[i] = f
	}
	return out
}
