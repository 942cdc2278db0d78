package lettatokens_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// consumerCommands are the README's commands for a consumer module, in
// order: the go get lines of the block after "In your own Go module", and
// the go commands its GitHub Actions job runs.
func consumerCommands(t *testing.T) []string {
	t.Helper()
	text := readme(t)
	_, after, ok := strings.Cut(text, "In your own Go module")
	if !ok {
		t.Fatal(`README.md has no "In your own Go module" section`)
	}
	var cmds []string
	for _, line := range strings.Split(codeBlocks(after, "sh")[0], "\n") {
		if line, _, _ = strings.Cut(line, "#"); strings.HasPrefix(line, "go ") {
			cmds = append(cmds, strings.TrimSpace(line))
		}
	}
	for _, line := range strings.Split(codeBlocks(after, "yaml")[0], "\n") {
		if cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "- run: go "); ok {
			cmds = append(cmds, "go "+cmd)
		}
	}
	if len(cmds) != 4 || !strings.HasPrefix(cmds[2], "go test ") || !strings.HasPrefix(cmds[3], "go tool letta-tokens check") {
		t.Fatalf("README.md's consumer commands are not two go get lines, go test and go tool letta-tokens check: %q", cmds)
	}
	return cmds
}

// TestReadmeConsumerCommandsInAFreshModule runs the README's consumer
// commands, as written, in a new module with an empty go.sum, against a
// loopback mock: the suite by import path runs the live test, and the
// command passes through go tool.
//
// It works offline: the module is this checkout (a replace, as a consumer
// of a published version has none: the test must check this code, and
// v0.0.0 is not on any proxy), every other module comes from the module
// cache (GOPROXY=off; go mod download fills it, as .ci/run does first),
// and GOSUMDB=off since the checksum database is not reachable (the
// cache's hashes were checked when it was filled). GOFLAGS is emptied, so
// that -mod=mod cannot mend a go.sum the commands leave incomplete.
func TestReadmeConsumerCommandsInAFreshModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the suite and the command in a new module")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	checkout, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(30), APIKey: "sk-let-fresh-consumer-key-0123456789"})
	dir := t.TempDir()
	env := []string{"GOPROXY=off", "GOSUMDB=off", "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local",
		"LETTA_API_KEY=sk-let-fresh-consumer-key-0123456789", "LETTA_BASE_URL=" + srv.URL, "LETTA_REQUIRE_LIVE=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LETTA_") && !strings.HasPrefix(kv, "GOFLAGS=") {
			env = append(env, kv)
		}
	}
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in a fresh module: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("mod", "init", "example.com/fresh-consumer")
	goCmd("mod", "edit", "-replace", "github.com/letta-tokens/letta-tokens="+checkout)
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, line := range consumerCommands(t) {
		outs = append(outs, goCmd(strings.Fields(line)[1:]...))
	}
	if !strings.Contains(outs[2], "--- PASS: TestLiveAPI") {
		t.Errorf("%s did not run the live test:\n%s", consumerCommands(t)[2], outs[2])
	}
	if !strings.Contains(outs[3], "no breaking drift") {
		t.Errorf("%s:\n%s", consumerCommands(t)[3], outs[3])
	}
}
