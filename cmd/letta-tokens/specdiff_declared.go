package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// normalizeCollapseOneOf is the one rewrite a declarations file can ask
// for: see collapseSingleBranchOneOf.
const normalizeCollapseOneOf = "collapse-single-branch-oneof"

// declarations are the deliberate differences between our spec and
// upstream's, read from the file next to openapi.yaml.
type declarations struct {
	Normalize   []string             `yaml:"normalize"`
	Differences []declaredDifference `yaml:"differences"`
}

// declaredDifference is one oasdiff change that we make on purpose. It
// matches a change exactly: same rule id, operation and message.
type declaredDifference struct {
	ID        string `yaml:"id"`
	Operation string `yaml:"operation"` // "GET /v1/client-side-access-tokens"
	Text      string `yaml:"text"`
	Why       string `yaml:"why"`
}

func (d declaredDifference) key() string {
	return d.ID + "\x00" + d.Operation + "\x00" + d.Text
}

// errDeclarations marks a declarations file that cannot be used.
var errDeclarations = errors.New("invalid declarations")

// maxDeclarationsBytes bounds the declarations file: it is ours and small,
// but a wrong --declared must not read a disk image into memory.
const maxDeclarationsBytes = 1 << 20

// parseDeclarations reads a declarations file strictly: unknown keys, an
// unknown rewrite, an entry without a reason and a duplicate entry are
// errors, so that a typo cannot silently declare nothing.
func parseDeclarations(r io.Reader) (*declarations, error) {
	data, err := readCapped(r, maxDeclarationsBytes)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, fmt.Errorf("%w: larger than %d bytes", errDeclarations, maxDeclarationsBytes)
	case err != nil:
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var d declarations
	if err := dec.Decode(&d); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %v", errDeclarations, err)
	}
	for _, n := range d.Normalize {
		if n != normalizeCollapseOneOf {
			return nil, fmt.Errorf("%w: unknown normalize rule %q (known: %s)", errDeclarations, n, normalizeCollapseOneOf)
		}
	}
	seen := map[string]bool{}
	for i, diff := range d.Differences {
		var missing []string
		for _, f := range []struct{ name, value string }{
			{"id", diff.ID}, {"operation", diff.Operation}, {"text", diff.Text}, {"why", diff.Why},
		} {
			if strings.TrimSpace(f.value) == "" {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("%w: difference %d (%s) lacks %s", errDeclarations, i+1, diff.ID, strings.Join(missing, ", "))
		}
		if seen[diff.key()] {
			return nil, fmt.Errorf("%w: difference %d (%s %s) is declared twice", errDeclarations, i+1, diff.ID, diff.Operation)
		}
		seen[diff.key()] = true
	}
	return &d, nil
}
