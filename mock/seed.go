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
	// The first seedHourlyTokens tokens expire seedExpiryStep apart, as
	// they always have; later ones seedLateExpiryStep apart, so that even
	// token MaxSeedCount-1 expires before year 10000, past which
	// toISOString's shape (and RFC 3339) has no room for the year.
	seedHourlyTokens   = 2_500_000
	seedLateExpiryStep = time.Minute + 137*time.Millisecond
)

// MaxSeedCount is the largest [Options].SeedCount: the most tokens a mock
// can seed with every expiresAt a valid RFC 3339 time in a four-digit year.
// Memory does not limit it, since seeded tokens are made on demand.
const MaxSeedCount = 1_000_000_000

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
//
// The slice costs memory in proportion to n (about 300 bytes a token); a
// mock of a large account should use [Options].SeedCount, which serves the
// same tokens without holding them.
func SeedTokens(n int) []gen.Token {
	tokens := make([]gen.Token, 0, max(n, 0))
	for i := range max(n, 0) {
		tokens = append(tokens, seedToken(i))
	}
	return tokens
}

// seedToken is the i-th seeded token, a pure function of i: a lazily
// seeded store makes any token on demand from its position alone.
func seedToken(i int) gen.Token {
	first, second, two := seedAgentsOf(i)
	data := []gen.AgentPolicy{seedPolicy(first, i)}
	if two {
		data = append(data, seedPolicy(second, i+1))
	}
	return gen.Token{
		Token:     seedTokenValue(i),
		Hostname:  fmt.Sprintf("https://app-%d.example.com", i%seedHostCount+1),
		ExpiresAt: formatExpiresAt(seedExpiresAt(i)),
		Policy:    gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: data},
	}
}

// seedAgentsOf is the agents (as SeedAgentID indices) that token i names,
// in policy order. The agent filter of a seeded store is derived from this
// function, so the two cannot disagree.
func seedAgentsOf(i int) (first, second int, two bool) {
	return i % seedAgentCount, (i + 1) % seedAgentCount, i%seedSecondAgentEvery == seedSecondAgentEvery-1
}

// seedExpiresAt is token i's expiry. It counts in milliseconds: a
// time.Duration of i steps overflows for i above about 2.5 million.
func seedExpiresAt(i int) time.Time {
	steps, late := int64(i)+1, int64(0)
	if i >= seedHourlyTokens {
		steps, late = seedHourlyTokens, int64(i-seedHourlyTokens)+1
	}
	ms := steps*seedExpiryStep.Milliseconds() + late*seedLateExpiryStep.Milliseconds()
	return time.UnixMilli(seedEpoch.UnixMilli() + ms).UTC()
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

// seedValuePrefix starts every seeded token value.
const seedValuePrefix = "ck-let-mock-"

// seedTokenValue is the i-th token value: its index, for readers, then
// hex that looks like key material but is a hash of the index.
func seedTokenValue(i int) string {
	sum := sha256.Sum256([]byte("letta-tokens mock seed " + strconv.Itoa(i)))
	return fmt.Sprintf("%s%06d-%s", seedValuePrefix, i, hex.EncodeToString(sum[:12]))
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
