package live

import (
	"fmt"

	"github.com/letta-tokens/letta-tokens/contract"
)

// compareWalks checks that two walks at different page sizes saw the same
// tokens in the same order: no gap at a page boundary, no silent truncation
// that depends on the page size. A walk that stopped at its bound
// (Truncated) is compared on the tokens it saw: the shorter walk must be a
// prefix of the longer, and only a walk that ended (Complete) may be
// shorter than the other. Walks that ended with a pagination finding are
// not compared: their own findings explain them.
func compareWalks(a, b walkResult) contract.Findings {
	if !comparable(a) || !comparable(b) {
		return nil
	}
	if i := firstDifference(a.Fingerprints, b.Fingerprints); i >= 0 {
		return contract.Findings{breaking(contract.CheckWalkConsistency, "/tokens", "walks at limit=%d and limit=%d differ at position %d", a.Limit, b.Limit, i)}
	}
	if a.Complete && a.Tokens() < b.Tokens() || b.Complete && b.Tokens() < a.Tokens() {
		return contract.Findings{breaking(contract.CheckWalkConsistency, "/tokens",
			"walk at limit=%d yields %s, walk at limit=%d yields %s", a.Limit, count(a), b.Limit, count(b))}
	}
	return nil
}

// compareFiltered checks a walk with agentId against an unfiltered walk
// whose watched agent (walkResult.Agent) is agentID: the filter must return
// exactly the tokens whose policy names the agent, in the same order. Walks
// that stopped at their bound are compared on what they saw, as in
// compareWalks. An unfiltered walk that watched another agent cannot
// tell, and yields no finding.
func compareFiltered(all, filtered walkResult, agentID string) contract.Findings {
	if !comparable(all) || !comparable(filtered) || all.Agent != agentID {
		return nil
	}
	want, got := all.AgentTokens, filtered.Fingerprints
	if i := firstDifference(want, got); i >= 0 {
		return contract.Findings{breaking(contract.CheckAgentFilter, "/tokens", "agentId filter differs from the unfiltered walk at position %d", i)}
	}
	if len(got) < len(want) && filtered.Complete || len(want) < len(got) && all.Complete {
		more := ""
		if all.Truncated {
			more = " or more"
		}
		return contract.Findings{breaking(contract.CheckAgentFilter, "/tokens",
			"agentId filter returned %d tokens; the unfiltered walk has %d%s naming that agent", len(got), len(want), more)}
	}
	return nil
}

// breaking is a breaking finding of the run's own, its message formatted
// as by fmt.Sprintf.
func breaking(check contract.Check, pointer, format string, args ...any) contract.Finding {
	return contract.Finding{Check: check, Severity: contract.Breaking, Pointer: pointer, Message: fmt.Sprintf(format, args...)}
}

func comparable(w walkResult) bool { return w.Complete || w.Truncated }

func count(w walkResult) string {
	if w.Truncated {
		return fmt.Sprintf("%d tokens before its bound", len(w.Fingerprints))
	}
	return fmt.Sprintf("%d tokens", len(w.Fingerprints))
}

// firstDifference is the first position where a and b differ within their
// common length, or -1.
func firstDifference(a, b []uint64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}
