package proxy

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/redact"
)

// maxKeys bounds the distinct keys the proxy remembers in order to mask
// them. Past it, a key could be echoed unmasked, so every finding's text
// is withheld instead (see mask).
const maxKeys = 256

// maxFindingText caps a finding's message or pointer after the proxy's
// masking, as the contract package caps it.
const maxFindingText = 4 * redact.MaxLine

// withheld replaces a finding's text once the proxy has seen more keys
// than it can mask.
var withheld = fmt.Sprintf("(text withheld: more than %d distinct keys seen in Authorization, which the proxy cannot all mask)", maxKeys)

// keySet is the keys seen in Authorization, and a validator that masks
// every one of them in its findings: a validator masks before it cuts a
// string, so no part of a key survives a cut.
type keySet struct {
	mu       sync.Mutex
	keys     map[string]bool
	list     []string // the keys, in the order seen; redact knows their forms
	overflow bool
	v        atomic.Pointer[contract.Validator]
}

func newKeySet() (*keySet, error) {
	v, err := contract.NewValidator()
	if err != nil {
		return nil, err
	}
	k := &keySet{keys: make(map[string]bool)}
	k.v.Store(v)
	return k, nil
}

// add remembers key, and builds the validator anew when it is new.
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
	// The spec is loaded once per process: a validator is cheap to build.
	if v, err := contract.NewValidator(contract.WithSecrets(k.list...)); err == nil {
		k.v.Store(v)
	}
}

func (k *keySet) validator() *contract.Validator { return k.v.Load() }

func (k *keySet) secrets() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.list...)
}

// mask masks every key seen in each finding's text, again: a finding of
// an exchange made with one key may echo another (an upstream knows them
// all). Past maxKeys, the text is withheld.
func (k *keySet) mask(fs contract.Findings) contract.Findings {
	k.mu.Lock()
	keys, overflow := k.list, k.overflow
	k.mu.Unlock()
	out := make(contract.Findings, len(fs))
	for i, f := range fs {
		if overflow {
			f.Message, f.Pointer = withheld, ""
		} else {
			f.Message = redact.Safe(f.Message, maxFindingText, keys...)
			f.Pointer = redact.Safe(f.Pointer, maxFindingText, keys...)
		}
		out[i] = f
	}
	return out
}
