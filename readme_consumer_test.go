package lettatokens_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeContractRunsHaveATimeout: every command of the README that
// runs the contract suite passes -timeout. Without one, go test kills a
// long live run at 10 minutes with a panic, and a seeded run's tokens go
// unnamed.
func TestReadmeContractRunsHaveATimeout(t *testing.T) {
	runs := 0
	for _, lang := range []string{"sh", "yaml"} {
		for _, block := range codeBlocks(readme(t), lang) {
			for _, line := range strings.Split(block, "\n") {
				if !strings.Contains(line, "contract") || !strings.Contains(line, "go test") && !strings.Contains(line, "gotestsum") {
					continue
				}
				runs++
				if !strings.Contains(line, " -timeout ") {
					t.Errorf("README.md runs the contract suite without -timeout: %s", strings.TrimSpace(line))
				}
			}
		}
	}
	if runs < 4 {
		t.Errorf("found %d runs of the contract suite in README.md's blocks: the pattern is stale", runs)
	}
}

// TestReadmeConsumerCommandsRunInCI: the README shows a consumer module's
// commands (the suite by import path, the command as a go tool), and CI
// runs those commands in testdata/consumer, a module that requires this
// one through a replace.
func TestReadmeConsumerCommandsRunInCI(t *testing.T) {
	const suite = "go test -count=1 -timeout 1h -v github.com/letta-tokens/letta-tokens/contract\n"
	text := readme(t)
	for _, want := range []string{suite, "go tool letta-tokens check", "go get -tool github.com/letta-tokens/letta-tokens/cmd/letta-tokens@latest",
		"go run github.com/letta-tokens/letta-tokens/cmd/letta-tokens@latest check", "testdata/consumer"} {
		if !strings.Contains(text, want) {
			t.Errorf("README.md does not show %q", want)
		}
	}
	mod, err := os.ReadFile("testdata/consumer/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"require github.com/letta-tokens/letta-tokens v0.0.0", "replace github.com/letta-tokens/letta-tokens => ../..",
		"tool github.com/letta-tokens/letta-tokens/cmd/letta-tokens"} {
		if !strings.Contains(string(mod), want+"\n") {
			t.Errorf("testdata/consumer/go.mod lacks %q", want)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cd testdata/consumer", "-v github.com/letta-tokens/letta-tokens/contract\n", "go tool letta-tokens check --mock",
		"go run github.com/letta-tokens/letta-tokens/cmd/letta-tokens check --mock", "--- SKIP: TestLiveAPI"} {
		if !strings.Contains(string(ci), want) {
			t.Errorf(".ci/run does not run %q in the consumer module", want)
		}
	}
	// The live end-to-end step runs the promised command, go test ./contract.
	if !strings.Contains(string(ci), "go test -count=1 -timeout 5m -v ./contract >") {
		t.Error(".ci/run's live step does not run go test ./contract")
	}
}

// TestReadmeLeavesNoKeyExported: a shell block of the README that exports
// LETTA_* does it inside a subshell, so that following the walkthrough
// does not turn a later go test ./... into a live run (seeded, with
// LETTA_CONTRACT_SEED=1) against whatever they point at.
func TestReadmeLeavesNoKeyExported(t *testing.T) {
	exports := 0
	for _, block := range codeBlocks(readme(t), "sh") {
		depth := 0
		for _, line := range strings.Split(block, "\n") {
			trimmed := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(trimmed, "("):
				depth++
			case strings.HasPrefix(trimmed, ")"):
				depth--
			case strings.HasPrefix(trimmed, "export ") && strings.Contains(trimmed, "LETTA_"):
				exports++
				if depth == 0 {
					t.Errorf("README.md exports LETTA_* in the reader's shell: %s", trimmed)
				}
			}
		}
	}
	if exports == 0 {
		t.Log("README.md exports no LETTA_* variable")
	}
}
