package main

import "github.com/letta-tokens/letta-tokens/redact"

// newMasker is the row masker a run builds for apiKey, for tests of the
// views on their own.
func newMasker(apiKey string, reveal bool) masker {
	return masker{key: redact.NewMasker(apiKey), reveal: reveal}
}
