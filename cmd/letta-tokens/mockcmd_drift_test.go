package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// driftNamed is, for every drift the mock serves, the breaking finding by
// which check must name it: its check and JSON pointer, as
// contract/testdata/drift's catalogue names the same case.
var driftNamed = map[string]struct{ check, pointer string }{
	"missing-hasNextPage":        {"schema", "/hasNextPage"},
	"missing-tokens":             {"schema", "/tokens"},
	"missing-token-token":        {"schema", "/tokens/0/token"},
	"missing-token-hostname":     {"schema", "/tokens/0/hostname"},
	"missing-token-expiresAt":    {"schema", "/tokens/0/expiresAt"},
	"missing-token-policy":       {"schema", "/tokens/0/policy"},
	"missing-policy-version":     {"schema", "/tokens/0/policy/version"},
	"missing-policy-data":        {"schema", "/tokens/0/policy/data"},
	"missing-policy-data-type":   {"schema", "/tokens/0/policy/data/0/type"},
	"missing-policy-data-id":     {"schema", "/tokens/0/policy/data/0/id"},
	"missing-policy-data-access": {"schema", "/tokens/0/policy/data/0/access"},
	"renamed-expiresAt":          {"schema", "/tokens/0/expiresAt"},
	"wrong-type-hasNextPage":     {"schema", "/hasNextPage"},
	"wrong-type-tokens":          {"schema", "/tokens"},
	"wrong-type-token":           {"schema", "/tokens/0/token"},
	"wrong-type-access":          {"schema", "/tokens/0/policy/data/0/access"},
	"wrong-type-version":         {"schema", "/tokens/0/policy/version"},
	"wrong-type-data-id":         {"schema", "/tokens/0/policy/data/0/id"},
	"null-token":                 {"schema", "/tokens/0/token"},
	"null-tokens":                {"schema", "/tokens"},
	"null-hasNextPage":           {"schema", "/hasNextPage"},
	"null-policy":                {"schema", "/tokens/0/policy"},
	"null-expiresAt":             {"schema", "/tokens/0/expiresAt"},
	"unknown-enum-access":        {"schema", "/tokens/0/policy/data/0/access/4"}, // after the seed's 4 values
	"unknown-enum-version":       {"schema", "/tokens/0/policy/version"},
	"unknown-enum-type":          {"schema", "/tokens/0/policy/data/0/type"},
	"new-policy-type":            {"schema", "/tokens/0/policy/data/0/type"},
	"secret-in-enum-field":       {"schema", "/tokens/0/policy/data/0/type"},
	"envelope-renamed":           {"schema", "/tokens"},
	"envelope-bare-array":        {"schema", "/"},
	"html-body":                  {"content-type", "/"},
	"invalid-json-truncated":     {"json", "/"},
	"invalid-json-trailing":      {"json", "/"},
	"wrong-status-201":           {"status", "/"},
	"wrong-status-404":           {"status", "/"},
	"expires-at-not-rfc3339":     {"expires-at", "/tokens/0/expiresAt"},
	"expires-at-epoch-string":    {"expires-at", "/tokens/0/expiresAt"},
	"page-over-limit":            {"page-size", "/tokens"},
	"agent-filter-ignored":       {"agent-filter", "/tokens/1/policy/data"},
}

// TestMockDriftCheckNamesEveryCase: for every drift the mock lists, check
// against the drifting mock exits 1 and reports that drift as a breaking
// finding of the right check at the right place, and prints no token value
// (secret-in-enum-field puts one where an enum was).
func TestMockDriftCheckNamesEveryCase(t *testing.T) {
	var names []string
	for _, c := range mock.DriftCases() {
		names = append(names, c.Name)
	}
	for name := range driftNamed {
		if !slices.Contains(names, name) {
			t.Errorf("driftNamed has %q, which mock.DriftCases does not list", name)
		}
	}
	seeded := mock.SeedTokens(25)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, ok := driftNamed[name]
			if !ok {
				t.Fatalf("mock.DriftCases lists %q: add the finding check must report to driftNamed", name)
			}
			ts := newServer(t, mockHandler(t, mock.Options{SeedCount: 25, Drift: name}))
			r := runCLI(t, envFor(ts.URL), "check")
			if r.code != exitFailure {
				t.Fatalf("check exit %d, want 1; stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			line := regexp.MustCompile(`(?m)^breaking +` + regexp.QuoteMeta(want.check) + ` +` + regexp.QuoteMeta(want.pointer) + `: `)
			if !line.MatchString(r.stdout) {
				t.Errorf("check does not report breaking %s at %s:\n%s", want.check, want.pointer, r.stdout)
			}
			for _, tok := range seeded {
				if strings.Contains(r.stdout+r.stderr, tok.Token) {
					t.Fatalf("check printed a token value:\n%s", r.stdout)
				}
			}
		})
	}
}

// TestMockDriftList: --drift list prints every case, one a line with its
// description, and serves nothing; an unknown or empty name is a usage
// error naming it.
func TestMockDriftList(t *testing.T) {
	r := runCLI(t, nil, "mock", "--drift", "list")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	cases := mock.DriftCases()
	if len(lines) != len(cases) {
		t.Fatalf("%d lines for %d cases:\n%s", len(lines), len(cases), r.stdout)
	}
	for i, c := range cases {
		name, desc, _ := strings.Cut(lines[i], " ")
		if name != c.Name || strings.TrimSpace(desc) != c.Description || c.Description == "" {
			t.Errorf("line %d is %q, want %s and its description", i+1, lines[i], c.Name)
		}
	}
	for _, tt := range []struct{ arg, want string }{
		{"no-such-drift", `unknown --drift "no-such-drift"`},
		{"html-502", `unknown --drift "html-502"`},
		{"", "--drift needs a name"},
	} {
		r := runCLI(t, nil, "mock", "--addr", "127.0.0.1:0", "--drift", tt.arg)
		if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("--drift %q: exit %d, stdout %q, stderr %q; want 2 saying %q", tt.arg, r.code, r.stdout, r.stderr, tt.want)
		}
	}
}
