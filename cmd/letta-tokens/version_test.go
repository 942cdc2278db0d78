package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// --version prints the version stamped by the release build (-ldflags
// "-X main.version=…", tools/release) whatever the build info says, else
// the module version the go command recorded, and "(devel)" when it
// recorded none.
func TestVersion(t *testing.T) {
	for _, tt := range []struct {
		name    string
		stamped string
		info    *debug.BuildInfo
		ok      bool
		want    string
	}{
		{"stamped", "v1.2.3", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true, "letta-tokens v1.2.3 (go1.26.8)\n"},
		{"released", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/letta-tokens/letta-tokens", Version: "v1.2.3"}}, true, "letta-tokens v1.2.3 (go1.26.8)\n"},
		{"clone", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261130120000-abcdef123456+dirty"}}, true, "letta-tokens v0.0.0-20261130120000-abcdef123456+dirty\n"},
		{"no version recorded", "", &debug.BuildInfo{GoVersion: "go1.26.8"}, true, "letta-tokens (devel) (go1.26.8)\n"},
		{"no build info", "", nil, false, "letta-tokens (devel)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			savedInfo, savedVersion := readBuildInfo, version
			t.Cleanup(func() { readBuildInfo, version = savedInfo, savedVersion })
			readBuildInfo = func() (*debug.BuildInfo, bool) { return tt.info, tt.ok }
			version = tt.stamped
			for _, arg := range []string{"--version", "version"} {
				r := runCLI(t, nil, arg)
				if r.code != exitOK || r.stdout != tt.want || r.stderr != "" {
					t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 0, stdout %q", arg, r.code, r.stdout, r.stderr, tt.want)
				}
			}
		})
	}
}

// The real build info of the test binary gives a line too.
func TestVersionOfThisBuild(t *testing.T) {
	r := runCLI(t, nil, "--version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "letta-tokens ") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}
