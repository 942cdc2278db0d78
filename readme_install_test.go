package lettatokens_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestLicense: the module says under which terms it may be used.
func TestLicense(t *testing.T) {
	b, err := os.ReadFile("LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"MIT License\n", "Copyright (c) 2026 The letta-tokens authors\n", `THE SOFTWARE IS PROVIDED "AS IS"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("LICENSE lacks %q", want)
		}
	}
}

// TestReadmeInstallSection: the README's install section names go.mod's
// module path and says that go install puts the command in
// $(go env GOPATH)/bin, which must be on PATH; and it does put it there.
func TestReadmeInstallSection(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	path := regexp.MustCompile(`(?m)^module (\S+)$`).FindSubmatch(mod)
	if path == nil {
		t.Fatal("go.mod has no module line")
	}
	_, section, ok := strings.Cut(readme(t), "\n## Install\n")
	section, _, _ = strings.Cut(section, "\n## ")
	if !ok {
		t.Fatal("README.md has no ## Install section")
	}
	for _, want := range []string{"`" + string(path[1]) + "`", "go install " + string(path[1]) + "/cmd/letta-tokens@latest",
		`$(go env GOPATH)/bin`, "PATH", "go get " + string(path[1]) + "@latest"} {
		if !strings.Contains(section, want) {
			t.Errorf("README.md's install section lacks %q", want)
		}
	}
	if testing.Short() {
		return
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	gopath := t.TempDir()
	cmd := exec.Command(goTool, "install", "./cmd/letta-tokens")
	cmd.Env = append(os.Environ(), "GOPATH="+gopath, "GOBIN=", "GOFLAGS=", "GOPROXY=off")
	if modcache, err := exec.Command(goTool, "env", "GOMODCACHE").Output(); err == nil {
		cmd.Env = append(cmd.Env, "GOMODCACHE="+strings.TrimSpace(string(modcache)))
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install ./cmd/letta-tokens: %v\n%s", err, out)
	}
	exe := "letta-tokens"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	if _, err := os.Stat(filepath.Join(gopath, "bin", exe)); err != nil {
		t.Errorf("go install did not put the command in $(go env GOPATH)/bin: %v", err)
	}
}
