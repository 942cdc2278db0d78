package contract

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rootPackage is the client package. Only the live runner (live*.go) drives
// the client; everything else in package contract (validator, transport,
// checks) stands on the spec alone, so that it can check any client's
// traffic and never inherits the client's rules by accident.
const rootPackage = "github.com/letta-tokens/letta-tokens"

// TestOnlyLiveRunnerImportsTheClient fails when a non-test file outside the
// live runner (live*.go) imports the root package.
func TestOnlyLiveRunnerImportsTheClient(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if path == rootPackage && !strings.HasPrefix(name, "live") {
				t.Errorf("%s imports %s; only the live runner (live*.go) may", name, rootPackage)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("parsed %d files; is the test running in the package directory?", checked)
	}
}
