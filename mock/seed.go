package mock

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// Shape of the synthetic account SeedTokens builds.
const (
	// seedAgentCount agents own the tokens, so filters have something to do.
	seedAgentCount = 5
	// Every seedSecondAgentEvery-th token names a second agent, so an
	// agentId filter must look past a token's first policy.
	seedSecondAgentEvery = 3
	seedHostCount        = 4
	// seedExpiryStep spaces expiries apart. The odd milliseconds keep the
	// fractional part of expiresAt visible.
	seedExpiryStep = time.Hour + 137*time.Millisecond
)

// seedEpoch anchors expiresAt. It is fixed, not time.Now, so that seeded
// output is identical on every run, and far enough ahead that no seeded
// token shows as expired.
var seedEpoch = time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)

// seedAccessSets are the non-empty subsets of the access values, the full
// set first so that even a one-token seed shows every value.
var seedAccessSets = nonEmptySubsets([]gen.AgentAccess{
	gen.AgentAccessReadMessages,
	gen.AgentAccessWriteMessages,
	gen.AgentAccessReadAgent,
	gen.AgentAccessWriteAgent,
})

// SeedTokens returns n synthetic tokens, the same n on every call: a few
// agents, every access value, token values shaped like Letta's but
// obviously fake ("ck-let-mock-..."), hostnames under example.com, and
// expiresAt in Cloud's format (RFC 3339 UTC with milliseconds, as
// JavaScript's Date.toISOString writes it). n <= 0 gives no tokens.
func SeedTokens(n int) []gen.Token {
	tokens := make([]gen.Token, 0, max(n, 0))
	for i := range max(n, 0) {
		tokens = append(tokens, seedToken(i))
	}
	return tokens
}

func seedToken(i int) gen.Token {
	data := []gen.AgentPolicy{seedPolicy(i%seedAgentCount, i)}
	if i%seedSecondAgentEvery == seedSecondAgentEvery-1 {
		data = append(data, seedPolicy((i+1)%seedAgentCount, i+1))
	}
	return gen.Token{
		Token:     seedTokenValue(i),
		Hostname:  fmt.Sprintf("https://app-%d.example.com", i%seedHostCount+1),
		ExpiresAt: formatExpiresAt(seedEpoch.Add(time.Duration(i+1) * seedExpiryStep)),
		Policy:    gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: data},
	}
}

func seedPolicy(agent, accessSet int) gen.AgentPolicy {
	access := seedAccessSets[accessSet%len(seedAccessSets)]
	return gen.AgentPolicy{
		Type:   gen.AgentPolicyTypeAgent,
		Id:     SeedAgentID(agent),
		Access: append([]gen.AgentAccess(nil), access...),
	}
}

// SeedAgentID is the ID of the i-th agent that SeedTokens uses (i from 0),
// shaped like Letta's agent IDs ("agent-" and a UUID) but obviously fake.
func SeedAgentID(i int) string {
	return fmt.Sprintf("agent-00000000-0000-4000-8000-%012d", i+1)
}

// seedTokenValue is the i-th token value: its index, for readers, then
// hex that looks like key material but is a hash of the index.
func seedTokenValue(i int) string {
	sum := sha256.Sum256([]byte("letta-tokens mock seed " + strconv.Itoa(i)))
	return fmt.Sprintf("ck-let-mock-%06d-%s", i, hex.EncodeToString(sum[:12]))
}

// formatExpiresAt writes t as JavaScript's Date.toISOString does.
func formatExpiresAt(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// nonEmptySubsets lists the non-empty subsets of values, largest first,
// each keeping values' order.
func nonEmptySubsets(values []gen.AgentAccess) [][]gen.AgentAccess {
	var sets [][]gen.AgentAccess
	for mask := 1<<len(values) - 1; mask > 0; mask-- {
		var set []gen.AgentAccess
		for bit, v := range values {
			if mask&(1<<bit) != 0 {
				set = append(set, v)
			}
		}
		sets = append(sets, set)
	}
	return sets
}
