package main

import (
	"strings"
	"testing"
)

// TestOtherRowValueInFieldIsMasked: row B's hostname holds row A's value,
// a value not shaped ck-let- (so masking by shape cannot see it). list
// masks it in B's field, in the table and in --json, with and without
// --reveal (which shows each row's own value only). Found by an attack
// review; it printed A's value whole.
func TestOtherRowValueInFieldIsMasked(t *testing.T) {
	const value = "plainvalueAAAA1111bbbb2222"
	a := hostileToken(value, "https://x.example.com", "agent-1")
	b := hostileToken("ck-let-other-value-Zz9Yy8Xx7", "https://"+value+".example.com", "agent-1")
	list := servePage(t, []map[string]any{a, b})
	for _, args := range [][]string{{"list"}, {"list", "--json"}, {"list", "--reveal"}, {"list", "--json", "--reveal"}} {
		r := runCLI(t, envFor(list), args...)
		if r.code != exitOK {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		out := r.stdout + r.stderr
		reveal := len(args) > 1 && args[len(args)-1] == "--reveal"
		if n := strings.Count(out, value); reveal && n != 1 || !reveal && n != 0 {
			t.Errorf("%q: row A's value printed %d times, want %d (its own cell only with --reveal):\n%s", args, n, map[bool]int{true: 1}[reveal], r.stdout)
		}
	}
}
