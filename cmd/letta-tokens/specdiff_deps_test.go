package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLibraryDoesNotImportOasdiff: oasdiff is the command's dependency,
// never the library's.
// A program that imports the client, the contract kit or the mock must not
// compile it.
func TestLibraryDoesNotImportOasdiff(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	const module = "github.com/letta-tokens/letta-tokens"
	pkgs := []string{module, module + "/contract", module + "/contract/live", module + "/mock", module + "/gen", module + "/gen/server", module + "/redact"}
	out, err := exec.Command(goTool, append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, pkgs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list listed only %d packages: %s", len(deps), out)
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "github.com/oasdiff/") {
			t.Errorf("a library package depends on %s", dep)
		}
	}

	// The command does import it: the test would pass vacuously otherwise.
	out, err = exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/oasdiff/oasdiff/checker\n") {
		t.Error("the command does not depend on oasdiff's checker: is the test looking at the right thing?")
	}
}
