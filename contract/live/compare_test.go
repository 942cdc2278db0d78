package live

import (
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
)

// fps builds fingerprints from small numbers: hand-built walks need
// distinct values, not real tokens.
func fps(ns ...int) []uint64 {
	out := make([]uint64, len(ns))
	for i, n := range ns {
		out[i] = uint64(n)
	}
	return out
}

func complete(limit int, ns ...int) walkResult {
	return walkResult{Limit: limit, Fingerprints: fps(ns...), Complete: true}
}

func truncated(limit int, ns ...int) walkResult {
	return walkResult{Limit: limit, Fingerprints: fps(ns...), Truncated: true}
}

// cutShort is a walk that a pagination finding stopped: neither Complete
// nor Truncated.
func cutShort(limit int, ns ...int) walkResult {
	return walkResult{Limit: limit, Fingerprints: fps(ns...)}
}

// wantFinding checks fs is exactly one breaking finding of check whose
// message holds each of parts; with no parts, that fs is empty.
func wantFinding(t *testing.T, name string, fs contract.Findings, check contract.Check, parts ...string) {
	t.Helper()
	if len(parts) == 0 {
		if len(fs) != 0 {
			t.Errorf("%s: findings %v, want none", name, fs)
		}
		return
	}
	if len(fs) != 1 || fs[0].Check != check || fs[0].Severity != contract.Breaking {
		t.Errorf("%s: findings %v, want one breaking %s finding", name, fs, check)
		return
	}
	for _, p := range parts {
		if !strings.Contains(fs[0].Message, p) {
			t.Errorf("%s: message %q, want it to hold %q", name, fs[0].Message, p)
		}
	}
}

// TestCompareWalksHandBuilt runs each case in both argument orders: the comparison
// must not depend on which walk is given first. A case's parts are what
// the finding must say (none: no finding); the limit each walk ran at
// names it in the message.
func TestCompareWalksHandBuilt(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a, b  walkResult
		parts []string
	}{
		{"same tokens, both ended", complete(1, 1, 2, 3), complete(50, 1, 2, 3), nil},
		{"one ended early", complete(1, 1, 2, 3), complete(50, 1, 2, 3, 4),
			[]string{"limit=1 yields 3 tokens", "limit=50 yields 4 tokens"}},
		{"first token differs", complete(1, 1, 2), complete(50, 9, 2),
			[]string{"differ at position 0"}},
		{"last token differs, one walk longer", complete(1, 1, 2, 3), truncated(50, 1, 2, 4, 5),
			[]string{"differ at position 2"}},
		{"a bound stopped the shorter walk", truncated(1, 1, 2), complete(50, 1, 2, 3, 4), nil},
		{"both stopped at their bound", truncated(1, 1, 2), truncated(50, 1, 2, 3), nil},
		{"the ended walk is shorter than what a bounded walk saw", complete(1, 1, 2), truncated(50, 1, 2, 3),
			[]string{"limit=1 yields 2 tokens", "limit=50 yields 3 tokens before its bound"}},
		{"a pagination finding cut one short", cutShort(1, 1, 7), complete(50, 1, 2, 3), nil},
		{"a pagination finding cut a bounded one short", cutShort(1, 5), truncated(50, 1, 2, 3), nil},
	} {
		wantFinding(t, tc.name, compareWalks(tc.a, tc.b), contract.CheckWalkConsistency, tc.parts...)
		wantFinding(t, tc.name+" (swapped)", compareWalks(tc.b, tc.a), contract.CheckWalkConsistency, tc.parts...)
	}
}

// agentWalk is an unfiltered walk that watched agent "agent-1", of whose
// tokens agentNs name it.
func agentWalk(w walkResult, agentNs ...int) walkResult {
	w.Agent = "agent-1"
	w.AgentTokens = fps(agentNs...)
	return w
}

// TestCompareFilteredHandBuilt covers each way the filtered walk can disagree with
// the unfiltered one, whichever of the two ended first.
func TestCompareFilteredHandBuilt(t *testing.T) {
	for _, tc := range []struct {
		name          string
		all, filtered walkResult
		agent         string
		parts         []string
	}{
		{"same tokens", agentWalk(complete(50, 1, 2, 3, 4), 1, 3), complete(50, 1, 3), "agent-1", nil},
		{"no token names the agent", agentWalk(complete(50, 1, 2)), complete(50), "agent-1", nil},
		{"extra token from the filter", agentWalk(complete(50, 1, 2, 3, 4), 1, 3), complete(50, 1, 3, 4), "agent-1",
			[]string{"returned 3 tokens", "has 2 naming that agent"}},
		{"filter ended early", agentWalk(complete(50, 1, 2, 3, 4), 1, 3), complete(50, 1), "agent-1",
			[]string{"returned 1 tokens", "has 2 naming that agent"}},
		{"filter ended early, the walk stopped at its bound", agentWalk(truncated(50, 1, 2, 3), 1, 3), complete(50, 1), "agent-1",
			[]string{"returned 1 tokens", "has 2 or more naming"}},
		{"first token differs", agentWalk(complete(50, 1, 2, 3), 1, 3), complete(50, 2, 3), "agent-1",
			[]string{"at position 0"}},
		{"the walk stopped at its bound, the filter saw more", agentWalk(truncated(50, 1, 2), 1), complete(50, 1, 3), "agent-1", nil},
		{"the filter stopped at its bound", agentWalk(complete(50, 1, 2, 3), 1, 3), truncated(50, 1), "agent-1", nil},
		{"the walk watched another agent", agentWalk(complete(50, 1, 2), 1), complete(50, 2, 9), "agent-2", nil},
		{"a pagination finding cut the walk short", agentWalk(cutShort(50, 1, 2), 1), complete(50, 1, 2, 3), "agent-1", nil},
		{"a pagination finding cut the filter short", agentWalk(complete(50, 1, 2, 3), 1, 3), cutShort(50, 9), "agent-1", nil},
	} {
		wantFinding(t, tc.name, compareFiltered(tc.all, tc.filtered, tc.agent), contract.CheckAgentFilter, tc.parts...)
	}
}
