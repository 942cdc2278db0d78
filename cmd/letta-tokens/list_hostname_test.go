package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestListHostname: --hostname keeps the tokens whose hostname is the
// value, or starts with it when it ends in "/", over every page with
// --all and over the one page without; a prefix that is not a whole path
// never matches another host.
func TestListHostname(t *testing.T) {
	ts := newMock(t, 30) // hostnames https://app-N.example.com
	env := envFor(ts.URL)
	runA := live.SeedHostname + "runa"
	for _, h := range []string{runA, runA, live.SeedHostname + "runb", "https://letta-tokens-contract.invalid.evil.org/runa", "https://app-1.example.com.evil.org"} {
		args := []string{"create", "--hostname", h, "--agent-id", mock.SeedAgentID(0), "--access", "read_messages"}
		if r := runCLI(t, env, args...); r.code != exitOK {
			t.Fatalf("create %s: exit %d %s", h, r.code, r.stderr)
		}
	}
	hostnames := func(t *testing.T, args ...string) []string {
		t.Helper()
		r := runCLI(t, env, append([]string{"list", "--json"}, args...)...)
		if r.code != exitOK {
			t.Fatalf("list %q: exit %d %s", args, r.code, r.stderr)
		}
		var toks []gen.Token
		if err := json.Unmarshal([]byte(r.stdout), &toks); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tok := range toks {
			out = append(out, tok.Hostname)
		}
		return out
	}
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"--all", "--limit", "7", "--hostname", runA}, 2},
		{[]string{"--all", "--hostname", live.SeedHostname}, 3},
		{[]string{"--all", "--concurrency", "1", "--hostname", "https://app-1.example.com"}, 8}, // 30 seeded over 4 hosts; not the .evil.org one
		{[]string{"--all", "--hostname", "https://nowhere.example.com"}, 0},
		{[]string{"--limit", "10", "--hostname", "https://app-1.example.com"}, 3}, // one page of 10: three of app-1
		{[]string{"--all"}, 35},
	} {
		got := hostnames(t, tt.args...)
		if len(got) != tt.want {
			t.Errorf("list %q: %d tokens %q, want %d", tt.args, len(got), got, tt.want)
		}
		if want := tt.args[len(tt.args)-1]; len(tt.args) > 1 && tt.args[len(tt.args)-2] == "--hostname" {
			for _, h := range got {
				if h != want && !(strings.HasSuffix(want, "/") && strings.HasPrefix(h, want)) {
					t.Errorf("list %q printed a token of %s", tt.args, h)
				}
			}
		}
	}
	r := runCLI(t, env, "list", "--hostname", runA)
	if r.code != exitOK || !strings.HasSuffix(r.stdout, "0 tokens (more: --offset 10)\n") {
		t.Errorf("table of one page: exit %d\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, nil, "list", "--help"); !strings.Contains(r.stdout, "--hostname") || !strings.Contains(r.stdout, "list --all --hostname "+live.SeedHostname) {
		t.Errorf("list --help does not document --hostname:\n%s", r.stdout)
	}
}
