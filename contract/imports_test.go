package contract

import (
	"os/exec"
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

// layerRule is one package's forbidden dependencies: an import path equal
// to one of exact, or under one of trees.
type layerRule struct {
	pkg   string
	exact []string
	trees []string
}

var layerRules = []layerRule{
	{pkg: contractPk, exact: []string{module}, trees: []string{livePkg}},       // the validator
	{pkg: module + "/mock", exact: []string{module}, trees: []string{livePkg}}, // the mock
	{pkg: module + "/mock/mocktest", exact: []string{module}, trees: []string{livePkg}},
	{pkg: module, trees: []string{contractPk, module + "/mock", module + "/cmd"}}, // the client
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

// TestImportLayers fails when a package depends on one above its layer
// (see layerRules), directly or through another: go list -deps, which
// leaves test files out.
func TestImportLayers(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	for _, rule := range layerRules {
		out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", rule.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", rule.pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed only %d packages", rule.pkg, len(deps))
		}
		for _, dep := range deps {
			if rule.forbids(dep) {
				t.Errorf("%s depends on %s, a layer above it", rule.pkg, dep)
			}
		}
	}
}

// TestImportLayerRulesCatch: each rule refuses what it is meant to, so that
// TestImportLayers cannot pass by matching nothing.
func TestImportLayerRulesCatch(t *testing.T) {
	cases := []struct {
		pkg, path string
		want      bool
	}{
		{contractPk, module, true},
		{contractPk, livePkg, true},
		{contractPk, module + "/gen/server", false},
		{module + "/mock", livePkg, true},
		{module + "/mock", module, true},
		{module + "/mock", contractPk, false},
		{module, contractPk, true},
		{module, livePkg, true},
		{module, module + "/mock/mocktest", true},
		{module, module + "/cmd/letta-tokens", true},
		{module, module + "/gen", false},
		{module, module + "/internal/prefetch", false},
	}
	for _, c := range cases {
		for _, rule := range layerRules {
			if rule.pkg == c.pkg && rule.forbids(c.path) != c.want {
				t.Errorf("%s importing %s: forbidden %v, want %v", rule.pkg, c.path, !c.want, c.want)
			}
		}
	}
}
