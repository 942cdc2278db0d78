package contract

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The module's layers, as import paths. An import only ever points down:
// the client (root) knows nothing of the contract kit; the validator
// (contract) stands on the spec alone, so that it can check any client's
// traffic and never inherits the client's rules by accident; the live
// runner (contract/live) drives the client; the mock serves through the
// validator and never runs live checks.
const (
	module     = "github.com/letta-tokens/letta-tokens"
	livePkg    = module + "/contract/live"
	contractPk = module + "/contract"
)

// layerRule is one directory's forbidden imports: an import path equal to
// one of exact, or under one of trees.
type layerRule struct {
	dir   string // relative to this package's directory
	what  string
	exact []string
	trees []string
}

var layerRules = []layerRule{
	{dir: ".", what: "the validator (contract)", exact: []string{module}, trees: []string{livePkg}},
	{dir: "../mock", what: "the mock", exact: []string{module}, trees: []string{livePkg}},
	{dir: "../mock/mocktest", what: "the mock's test helpers", exact: []string{module}, trees: []string{livePkg}},
	{dir: "..", what: "the client (root)", trees: []string{contractPk, module + "/mock", module + "/cmd"}},
}

func (r layerRule) forbids(path string) bool {
	for _, p := range r.exact {
		if path == p {
			return true
		}
	}
	for _, p := range r.trees {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// TestImportLayers fails when a non-test file imports a package above its
// layer (see layerRules). It reads the files' import clauses, so it needs
// no build.
func TestImportLayers(t *testing.T) {
	for _, rule := range layerRules {
		files, err := filepath.Glob(filepath.Join(rule.dir, "*.go"))
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
				if rule.forbids(path) {
					t.Errorf("%s: %s imports %s, a layer above it", name, rule.what, path)
				}
			}
		}
		if checked == 0 {
			t.Errorf("no Go files in %s: is the test running in the package directory?", rule.dir)
		}
	}
}

// TestImportLayerRulesCatch: each rule refuses what it is meant to, so that
// TestImportLayers cannot pass by matching nothing.
func TestImportLayerRulesCatch(t *testing.T) {
	cases := []struct {
		dir, path string
		want      bool
	}{
		{".", module, true},
		{".", livePkg, true},
		{".", module + "/gen/server", false},
		{"../mock", livePkg, true},
		{"../mock", module, true},
		{"../mock", contractPk, false},
		{"..", contractPk, true},
		{"..", livePkg, true},
		{"..", module + "/mock/mocktest", true},
		{"..", module + "/cmd/letta-tokens", true},
		{"..", module + "/gen", false},
		{"..", module + "/internal/prefetch", false},
	}
	for _, c := range cases {
		for _, rule := range layerRules {
			if rule.dir == c.dir && rule.forbids(c.path) != c.want {
				t.Errorf("%s importing %s: forbidden %v, want %v", rule.what, c.path, !c.want, c.want)
			}
		}
	}
}

// TestImportLayersDeps is TestImportLayers through every import, not only
// the direct ones: go list -deps of the validator holds neither the client
// nor the live runner, and the mock's holds no live runner.
func TestImportLayersDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	for _, c := range []struct {
		pkg    string
		denied []string
	}{
		{contractPk, []string{module, livePkg}},
		{module + "/mock", []string{module, livePkg}},
		{module + "/mock/mocktest", []string{module, livePkg}},
	} {
		out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", c.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", c.pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed only %d packages", c.pkg, len(deps))
		}
		for _, dep := range deps {
			for _, d := range c.denied {
				if dep == d {
					t.Errorf("%s depends on %s", c.pkg, d)
				}
			}
		}
	}
}
