package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// pinnedUses is the only form of `uses:` allowed: an action named by the
// full commit of its repository, whose content a moved tag cannot change.
var pinnedUses = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$`)

// usesIn returns every value of a `uses` key anywhere in the YAML file.
func usesIn(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s is not YAML: %v", path, err)
	}
	var uses []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "uses" {
					uses = append(uses, n.Content[i+1].Value)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	return uses
}

// TestWorkflowsPinned: the release workflow and the action parse, and name
// only actions pinned by commit.
func TestWorkflowsPinned(t *testing.T) {
	files, _ := filepath.Glob("../../.github/workflows/*.yml")
	files = append(files, "../../action.yml")
	if len(files) < 2 {
		t.Fatalf("found %q, want the release workflow and action.yml", files)
	}
	n := 0
	for _, path := range files {
		for _, u := range usesIn(t, path) {
			n++
			if !pinnedUses.MatchString(u) {
				t.Errorf("%s: uses %q, want owner/repo@<40-hex commit>", path, u)
			}
		}
	}
	if n == 0 {
		t.Error("no uses: found at all; the walk is broken")
	}
}

// TestPinnedUsesRejects: the check refuses what a moved tag or branch
// could change.
func TestPinnedUsesRejects(t *testing.T) {
	for _, u := range []string{"actions/checkout@v4", "actions/checkout@main", "actions/checkout@11bd719", "./local", "docker://alpine:3",
		"actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"} {
		if pinnedUses.MatchString(u) {
			t.Errorf("%q passes as pinned", u)
		}
	}
}

// actionStep is the action's one step: its env and its script.
type actionStep struct {
	Env map[string]string `yaml:"env"`
	Run string            `yaml:"run"`
}

func readAction(t *testing.T) (inputs, outputs map[string]map[string]any, step actionStep) {
	t.Helper()
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs  map[string]map[string]any `yaml:"inputs"`
		Outputs map[string]map[string]any `yaml:"outputs"`
		Runs    struct {
			Using string       `yaml:"using"`
			Steps []actionStep `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" || len(action.Runs.Steps) != 1 {
		t.Fatalf("action.yml runs %q with %d steps, want one composite step", action.Runs.Using, len(action.Runs.Steps))
	}
	return action.Inputs, action.Outputs, action.Runs.Steps[0]
}

// runAction runs the action's script as the runner would, in workspace,
// its inputs given by in (and defaults), and returns its outputs.
func runAction(t *testing.T, workspace string, in map[string]string) (map[string]string, error) {
	t.Helper()
	inputs, _, step := readAction(t)
	if strings.Contains(step.Run, "${{") {
		t.Fatal("the action's script holds an expression: inputs must reach it as variables")
	}
	tmp := t.TempDir()
	output := filepath.Join(tmp, "output")
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	env := append(os.Environ(), "RUNNER_OS=Linux", "RUNNER_ARCH="+arch, "RUNNER_TEMP="+tmp, "GITHUB_OUTPUT="+output)
	for k, v := range step.Env {
		name, ok := strings.CutPrefix(v, "${{ inputs.")
		name, ok2 := strings.CutSuffix(name, " }}")
		if !ok || !ok2 || inputs[name] == nil {
			t.Fatalf("env %s=%q is not an input of the action", k, v)
		}
		value, given := in[name]
		if !given {
			value, _ = inputs[name]["default"].(string)
		}
		env = append(env, k+"="+value)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", step.Run)
	cmd.Env = env
	cmd.Dir = workspace
	// A background process left holding the step's output open would
	// hang a runner's step: here it fails the test instead.
	cmd.WaitDelay = 5 * time.Second
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	err := cmd.Run()
	t.Logf("action output:\n%s", log.String())
	outs := map[string]string{}
	if f, ferr := os.Open(output); ferr == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), "=")
			outs[k] = v
		}
		f.Close()
	}
	if outs["stop"] != "" {
		t.Cleanup(func() { exec.Command(outs["stop"]).Run() })
	}
	return outs, err
}

// TestAction runs action.yml's script against the release built here,
// served on loopback as GitHub serves a release's files: the mock, then
// the proxy in front of it, each answering at its base-url output, and
// each stopped by its stop script with exit 0.
func TestAction(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the action's script is run here for a linux runner")
	}
	for _, tool := range []string{"bash", "curl", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s to run the action's script with", tool)
		}
	}
	cfg := builtRelease(t)
	releases := httptest.NewServer(http.StripPrefix("/"+testVersion, http.FileServer(http.Dir(cfg.out))))
	t.Cleanup(releases.Close)

	mock, err := runAction(t, t.TempDir(), map[string]string{"version": testVersion, "args": "--tokens 4", "release-url": releases.URL})
	if err != nil {
		t.Fatalf("the action failed to start the mock: %v", err)
	}
	if n := listTokens(t, mock["base-url"]); n != 4 {
		t.Errorf("the mock at %q lists %d tokens, want 4", mock["base-url"], n)
	}
	proxy, err := runAction(t, t.TempDir(), map[string]string{"version": testVersion, "command": "proxy",
		"args": "--upstream " + mock["base-url"], "release-url": releases.URL})
	if err != nil {
		t.Fatalf("the action failed to start the proxy: %v", err)
	}
	if n := listTokens(t, proxy["base-url"]); n != 4 || proxy["base-url"] == mock["base-url"] {
		t.Errorf("the proxy at %q lists %d tokens, want the mock's 4", proxy["base-url"], n)
	}
	for name, outs := range map[string]map[string]string{"proxy": proxy, "mock": mock} {
		start := time.Now()
		out, err := exec.Command(outs["stop"]).CombinedOutput()
		t.Logf("stopping the %s took %v", name, time.Since(start))
		if err != nil {
			t.Errorf("stopping the %s: %v\n%s", name, err, out)
		}
	}
}

// TestActionRefusesBadChecksum: an archive that does not match the
// release's checksums.txt is not run.
func TestActionRefusesBadChecksum(t *testing.T) {
	cfg := builtRelease(t)
	releases := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/"+checksumsName) {
			sums, _ := os.ReadFile(filepath.Join(cfg.out, checksumsName))
			w.Write(regexp.MustCompile(`(?m)^[0-9a-f]`).ReplaceAll(sums, []byte("x")))
			return
		}
		http.StripPrefix("/"+testVersion, http.FileServer(http.Dir(cfg.out))).ServeHTTP(w, r)
	}))
	t.Cleanup(releases.Close)
	outs, err := runAction(t, t.TempDir(), map[string]string{"version": testVersion, "release-url": releases.URL})
	if err == nil || outs["base-url"] != "" {
		t.Errorf("the action ran an archive that does not match checksums.txt: %v, outputs %v", err, outs)
	}
}

func listTokens(t *testing.T, base string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/v1/client-side-access-tokens?limit=100", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer any-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Tokens []any `json:"tokens"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Errorf("%s: %v", resp.Status, err)
	}
	return len(page.Tokens)
}
