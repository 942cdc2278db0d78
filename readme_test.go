package lettatokens_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeExampleCompiles keeps the README's Go example identical to
// examples/list/main.go, which go vet and go build compile: the README
// cannot show code that does not build.
func TestReadmeExampleCompiles(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("examples/list/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+string(example)+"```") {
		t.Error("README.md's example differs from examples/list/main.go: copy the file into the README's ```go block")
	}
}

// TestReadmeNamesTheTwoCommands keeps the README promise: one command runs
// the main job without an account, one runs all tests.
func TestReadmeNamesTheTwoCommands(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"go run ./cmd/letta-tokens check --mock", "go test -race ./..."} {
		if !strings.Contains(string(readme), cmd) {
			t.Errorf("README.md does not show %q", cmd)
		}
	}
}
