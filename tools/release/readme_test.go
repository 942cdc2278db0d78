package main

import (
	"context"
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

const (
	// readmeVersion stands for a release in the README.
	readmeVersion = "v0.1.0"
	// releaseURL is where GitHub serves a release's files.
	releaseURL = "https://github.com/letta-tokens/letta-tokens/releases/download"
)

// readmeSection returns README.md's section on using letta-tokens without Go.
func readmeSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Without Go: archives, a container image, a GitHub Action\n")
	if !ok {
		t.Fatal("README.md has no section on using letta-tokens without Go")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	return section
}

// blocks returns the bodies of the fenced blocks of lang in text.
func blocks(text, lang string) []string {
	var out []string
	for _, part := range strings.Split(text, "```"+lang+"\n")[1:] {
		if body, _, ok := strings.Cut(part, "```"); ok {
			out = append(out, body)
		}
	}
	return out
}

// blockWith returns the block of lang in the README's section holding s.
func blockWith(t *testing.T, lang, s string) string {
	t.Helper()
	for _, b := range blocks(readmeSection(t), lang) {
		if strings.Contains(b, s) {
			return b
		}
	}
	t.Fatalf("README.md's section on using letta-tokens without Go has no %s block holding %q", lang, s)
	return ""
}

// serveRelease serves the release built here as GitHub serves a
// release's files, and returns the URL to use for releaseURL.
func serveRelease(t *testing.T, cfg config) string {
	t.Helper()
	srv := httptest.NewServer(http.StripPrefix("/"+testVersion, http.FileServer(http.Dir(cfg.out))))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestReadmeDownload runs the README's download commands against the
// release built here, served on loopback: the archive passes
// checksums.txt, and the binary names its version.
func TestReadmeDownload(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the README's download is of a linux archive")
	}
	for _, tool := range []string{"bash", "curl", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s to run the README's commands with", tool)
		}
	}
	cfg := builtRelease(t)
	script := blockWith(t, "sh", "checksums.txt")
	comment := regexp.MustCompile(`--version +# (.*)\n`).FindStringSubmatch(script)
	if comment == nil || !strings.HasPrefix(comment[1], "letta-tokens "+readmeVersion+" (go") {
		t.Fatalf("the README's --version line shows %q, want letta-tokens %s (go…)", comment, readmeVersion)
	}
	if !strings.Contains(script, releaseURL+"/"+readmeVersion+"/"+artifactName(config{version: readmeVersion}, platform{"linux", "amd64"})+".tar.gz") {
		t.Fatalf("the README downloads no archive named as tools/release names it:\n%s", script)
	}
	script = strings.ReplaceAll(script, releaseURL, serveRelease(t, cfg))
	script = strings.ReplaceAll(script, readmeVersion, testVersion)
	script = strings.ReplaceAll(script, "linux_amd64", "linux_"+runtime.GOARCH)
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), ": OK\n") || !strings.Contains(string(out), "letta-tokens "+testVersion+" (go") {
		t.Errorf("the README's download: %v\n%s", err, out)
	}
}

// TestReadmeDocker: each `docker run` of the README names the image the
// release pushes, publishes the port its command listens on, on 0.0.0.0,
// and gives the binary arguments it accepts (checked by running the
// image's binary with them and --help). Without a Docker daemon here, the
// image itself is tested by TestImage.
func TestReadmeDocker(t *testing.T) {
	cfg := builtRelease(t)
	block := blockWith(t, "sh", "docker run")
	image := defaultRepository + ":" + readmeVersion
	bin := filepath.Join(t.TempDir(), "letta-tokens")
	if err := os.WriteFile(bin, archiveEntries(t, cfg, hostLinux)[0].body, 0o755); err != nil {
		t.Fatal(err)
	}
	runs := 0
	for line := range strings.SplitSeq(block, "\n") {
		line, _, _ = strings.Cut(line, "   #")
		if !strings.HasPrefix(line, "docker run ") {
			continue
		}
		runs++
		before, args, ok := strings.Cut(line, " "+image)
		if !ok {
			t.Errorf("%q does not run %s", line, image)
			continue
		}
		argv := strings.Fields(args)
		if len(argv) == 0 {
			argv = imageCmd
		}
		port := regexp.MustCompile(`-p (\d+):(\d+)`).FindStringSubmatch(before)
		addr := regexp.MustCompile(`--addr 0\.0\.0\.0:(\d+)`).FindStringSubmatch(strings.Join(argv, " "))
		if port == nil || addr == nil || port[2] != addr[1] {
			t.Errorf("%q: publishes %q, listens on %q; want the port it listens on, on 0.0.0.0", line, port, addr)
		}
		if runtime.GOOS == "linux" {
			cmd := exec.Command(bin, append(argv, "--help")...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("letta-tokens %q --help: %v\n%s", argv, err, out)
			}
		}
	}
	if runs < 3 {
		t.Errorf("%d docker run lines in the README, want the mock (twice) and the proxy", runs)
	}
}

// TestReadmeReleaseCommand: the README makes the release with the tool's
// own defaults, and loads the image file the tool names.
func TestReadmeReleaseCommand(t *testing.T) {
	block := blockWith(t, "sh", "go -C tools/release run .")
	lines := strings.Split(strings.TrimSpace(block), "\n")
	describe := "$(git " + strings.ReplaceAll(strings.Join(describeArgs, " "), "v*", "'v*'") + ")"
	load := "docker load -i dist/" + artifactName(config{version: describe}, platform{"linux", "amd64"}) + ".image.tar"
	if len(lines) != 2 || lines[0] != "go -C tools/release run ." || lines[1] != load {
		t.Errorf("the README's release commands:\n%s\nwant:\ngo -C tools/release run .\n%s", block, load)
	}
}

// workflow is the part of a GitHub Actions workflow read here.
type workflow struct {
	Jobs map[string]struct {
		Steps []struct {
			ID   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
			Env  map[string]string `yaml:"env"`
			Run  string            `yaml:"run"`
			If   string            `yaml:"if"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestReadmeJobs runs the README's TypeScript jobs as a runner would, with
// the release built here: the action's step with the job's inputs, `npm
// test` played by a list of the tokens at LETTA_BASE_URL, and the stop
// step's script. Every other action is pinned by commit, every input given
// is one of the action's, and every output read is one it sets.
func TestReadmeJobs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the action's script is run here for a linux runner")
	}
	cfg := builtRelease(t)
	release := serveRelease(t, cfg)
	inputs, outputs, _ := readAction(t)
	jobs := blocks(readmeSection(t), "yaml")
	if len(jobs) != 2 {
		t.Fatalf("%d yaml blocks in the README's section, want the mock's job and the proxy's", len(jobs))
	}
	var mockURL string // the proxy's job runs against the mock the first one started
	for i, block := range jobs {
		var wf workflow
		if err := yaml.Unmarshal([]byte(block), &wf); err != nil {
			t.Fatalf("job %d is not YAML: %v", i, err)
		}
		if len(wf.Jobs) != 1 {
			t.Fatalf("job %d: %d jobs, want 1", i, len(wf.Jobs))
		}
		workspace := t.TempDir()
		outs := map[string]map[string]string{}
		tested := false
		for _, job := range wf.Jobs {
			for _, step := range job.Steps {
				env := map[string]string{}
				for k, v := range step.Env {
					if m := regexp.MustCompile(`^\$\{\{ steps\.([a-z]+)\.outputs\.([a-z-]+) \}\}$`).FindStringSubmatch(v); m != nil {
						if outs[m[1]] == nil || outputs[m[2]] == nil {
							t.Fatalf("job %d reads %s, which no earlier step of the action sets", i, v)
						}
						v = outs[m[1]][m[2]]
					}
					env[k] = v
				}
				switch {
				case strings.HasPrefix(step.Uses, "letta-tokens/letta-tokens@"):
					if ref := strings.TrimPrefix(step.Uses, "letta-tokens/letta-tokens@"); ref != step.With["version"] || ref != readmeVersion {
						t.Errorf("job %d uses the action at %s with version %q: want both %s", i, ref, step.With["version"], readmeVersion)
					}
					in := map[string]string{"release-url": release}
					for k, v := range step.With {
						if inputs[k] == nil {
							t.Errorf("job %d gives the action %q, which is not an input", i, k)
						}
						in[k] = strings.ReplaceAll(strings.ReplaceAll(v, readmeVersion, testVersion), "https://api.letta.com", mockURL)
					}
					o, err := runAction(t, workspace, in)
					if err != nil {
						t.Fatalf("job %d: the action failed: %v", i, err)
					}
					outs[step.ID] = o
				case step.Uses != "":
					if !pinnedUses.MatchString(step.Uses) {
						t.Errorf("job %d uses %q, want owner/repo@<40-hex commit>", i, step.Uses)
					}
				case step.Run == "npm test":
					tested = true
					if n := listTokens(t, env["LETTA_BASE_URL"]); n == 0 {
						t.Errorf("job %d: no tokens at LETTA_BASE_URL %q", i, env["LETTA_BASE_URL"])
					}
					if mockURL == "" {
						mockURL = env["LETTA_BASE_URL"]
					}
				case strings.Contains(step.Run, "STOP"):
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.Run)
					cmd.Dir = workspace
					for k, v := range env {
						cmd.Env = append(cmd.Env, k+"="+v)
					}
					cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"))
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("job %d's stop step: %v\n%s", i, err, out)
					}
					if _, err := os.Stat(filepath.Join(workspace, "proxy.xml")); err != nil {
						t.Errorf("job %d: the proxy wrote no JUnit report in the workspace: %v", i, err)
					}
				}
			}
		}
		if !tested || len(outs) == 0 {
			t.Errorf("job %d ran no npm test against the action's base URL", i)
		}
	}
}
