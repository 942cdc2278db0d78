package lettatokens

import (
	"os/exec"
	"strings"
	"testing"
)

// specLoaderDeps are the import-path prefixes of the spec loader and what
// it pulls in. The client reads no spec at run time (its one rule from the
// spec, the hostname pattern, is a constant), so a program that imports it
// must link none of them. The standard library's vendored copy of x/text
// (vendor/golang.org/x/text/…) is not matched: it starts with "vendor/".
var specLoaderDeps = []string{
	"github.com/getkin/kin-openapi",
	"go.yaml.in/yaml",
	"gopkg.in/yaml",
	"sigs.k8s.io/yaml",
	"github.com/santhosh-tekuri/jsonschema",
	"golang.org/x/text",
}

// TestClientDepsHoldNoSpecLoader: `go list -deps .` holds none of
// specLoaderDeps, and gen/server (which embeds the spec) does: the check
// looks at the right names.
func TestClientDepsHoldNoSpecLoader(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	deps := func(pkg string) []string {
		out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		return strings.Fields(string(out))
	}
	loaders := func(paths []string) (found []string) {
		for _, p := range paths {
			for _, prefix := range specLoaderDeps {
				if p == prefix || strings.HasPrefix(p, prefix+"/") {
					found = append(found, p)
				}
			}
		}
		return found
	}

	client := deps(".")
	if len(client) < 10 {
		t.Fatalf("go list listed only %d packages: %q", len(client), client)
	}
	for _, p := range loaders(client) {
		t.Errorf("the client links %s", p)
	}
	if len(loaders(deps("./gen/server"))) == 0 {
		t.Error("gen/server links no spec loader either: is specLoaderDeps out of date?")
	}
}
