package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// readmeProxySection is the README's section on the proxy, whole.
func readmeProxySection(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Validate any client's traffic: the proxy\n")
	if !ok {
		t.Fatal("README.md has no section on the proxy")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	return section
}

// TestProxyReadmeFlags: every flag the README's proxy section names is a
// flag of letta-tokens proxy, and every flag of the proxy is named there.
func TestProxyReadmeFlags(t *testing.T) {
	help := runCLI(t, nil, "proxy", "--help")
	have := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  --([a-z-]+)`).FindAllStringSubmatch(help.stdout, -1) {
		have[m[1]] = true
	}
	if len(have) < 5 {
		t.Fatalf("proxy --help lists %d flags:\n%s", len(have), help.stdout)
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("`?--([a-z][a-z-]+)").FindAllStringSubmatch(readmeProxySection(t), -1) {
		named[m[1]] = true
		if !have[m[1]] {
			t.Errorf("README.md's proxy section names --%s, which letta-tokens proxy does not have", m[1])
		}
	}
	for f := range have {
		if !named[f] {
			t.Errorf("letta-tokens proxy has --%s, which README.md's proxy section does not name", f)
		}
	}
}

// readmeProxyJob returns the run script of the README's GitHub Actions job
// that runs an app's tests through the proxy.
func readmeProxyJob(t *testing.T) string {
	t.Helper()
	_, block, ok := strings.Cut(readmeProxySection(t), "```yaml\n")
	if !ok {
		t.Fatal("README.md's proxy section has no yaml block")
	}
	block, _, _ = strings.Cut(block, "```")
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(block), &wf); err != nil {
		t.Fatalf("README.md's proxy job is not YAML: %v", err)
	}
	for _, job := range wf.Jobs {
		for _, step := range job.Steps {
			if strings.Contains(step.Run, "letta-tokens proxy") {
				return step.Run
			}
		}
	}
	t.Fatal("README.md's proxy job has no step running letta-tokens proxy")
	return ""
}

// TestProxyReadmeJob runs the README's job script as Actions runs it
// (bash -eo pipefail), with the built command, against the mock instead
// of Letta, and `letta-tokens list` as the app's test suite: it passes
// against the mock, fails when the upstream drifts (with the proxy's
// annotation in its output), and fails when the app's tests fail.
func TestProxyReadmeJob(t *testing.T) {
	script := readmeProxyJob(t)
	for _, part := range []string{"https://api.letta.com", "npm test"} {
		if !strings.Contains(script, part) {
			t.Fatalf("the job's script no longer holds %q; update this test:\n%s", part, script)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the job's script with")
	}
	bin := buildCommand(t)
	for _, tt := range []struct {
		name, upstream, tests string
		fails                 bool
		output                string
	}{
		{"conformant", newMock(t, 5).URL, "letta-tokens list --limit 2", false, ""},
		// The app's tests pass (|| true): only the proxy can fail the job.
		{"drifting", renamingUpstream(t), "{ letta-tokens list --limit 2 || true; }", true, "::error title=letta-tokens proxy"},
		{"tests fail", newMock(t, 5).URL, "letta-tokens list --limit 2 && false", true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			run := strings.ReplaceAll(script, "https://api.letta.com", tt.upstream)
			run = strings.ReplaceAll(run, "npm test", tt.tests)
			// Port 0: several runs, and other tests, must not compete for 8284.
			run = strings.Replace(run, "letta-tokens proxy ", "letta-tokens proxy --addr 127.0.0.1:0 ", 1)
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", run)
			cmd.Dir = dir
			cmd.Env = []string{
				"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
				"HOME=" + dir,
				envAPIKey + "=" + proxyKey,
				envGitHubActions + "=true",
				envGitHubStepSummary + "=" + filepath.Join(dir, "summary.md"),
			}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			if (err != nil) != tt.fails {
				t.Errorf("job failed: %v, want failure %v; output:\n%s", err, tt.fails, out.String())
			}
			if !strings.Contains(out.String(), tt.output) {
				t.Errorf("output lacks %q:\n%s", tt.output, out.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "proxy.xml")); err != nil {
				t.Errorf("the job wrote no JUnit report: %v", err)
			}
			if strings.Contains(out.String(), proxyKey) {
				t.Error("the job's output holds the key")
			}
		})
	}
}
