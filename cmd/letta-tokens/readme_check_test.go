package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeText returns the ```text block of README.md that starts with first,
// whole.
func readmeText(t *testing.T, first string) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```text\n"+first)
	if !ok {
		t.Fatalf("README.md has no text block starting %q", first)
	}
	block, _, _ = strings.Cut(block, "```")
	return first + block
}

// comparable makes two reports of check comparable: a loopback port, and
// the count of exchanges, which pages fetched ahead and discarded make vary
// from run to run, are masked.
func comparable(report string) string {
	report = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(report, "127.0.0.1:PORT")
	return regexp.MustCompile(`: \d+ exchanges,`).ReplaceAllString(report, ": N exchanges,")
}

// TestReadmeCheckReports keeps the README's two check reports the real
// output: check --mock, and check against the README's drifting mock,
// started as the README starts it (letta-tokens mock --drift NAME, with its
// default tokens).
func TestReadmeCheckReports(t *testing.T) {
	clean := runCLI(t, nil, "check", "--mock")
	if want := readmeText(t, "checking in-process mock"); comparable(clean.stdout) != comparable(want) {
		t.Errorf("README.md shows:\n%s\ncheck --mock prints:\n%s", want, clean.stdout)
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?m)^letta-tokens mock --drift ([a-zA-Z-]+) &.*\n(?:LETTA_[A-Z_]+=\\S+ )+letta-tokens check\n").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no block running `letta-tokens mock --drift NAME &`, then `letta-tokens check`")
	}
	base, stop := startMock(t, "--addr", "127.0.0.1:0", "--drift", string(m[1]))
	drift := runCLI(t, envFor(base), "check")
	if _, stderr := stop(); !strings.Contains(stderr, "mock: drifting from the spec: "+string(m[1])+"\n") {
		t.Errorf("the mock's banner does not name the drift:\n%s", stderr)
	}
	if want := readmeText(t, "checking http://127.0.0.1:PORT against openapi.yaml\nbreaking"); comparable(drift.stdout) != comparable(want) || drift.code != exitFailure {
		t.Errorf("exit %d; README.md shows:\n%s\ncheck against mock --drift %s prints:\n%s", drift.code, want, m[1], drift.stdout)
	}
}

// The README says how to install the command from a clone, with a path
// that is this command's.
func TestReadmeInstallFromClone(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "\ngo install ./cmd/letta-tokens ") {
		t.Error("README.md does not show go install ./cmd/letta-tokens for a clone")
	}
	if _, err := os.Stat("../../cmd/letta-tokens/main.go"); err != nil {
		t.Errorf("the README's install path is not the command's: %v", err)
	}
}
