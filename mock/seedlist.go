package mock

import (
	"slices"
	"strconv"
	"strings"

	"github.com/letta-tokens/letta-tokens/gen"
)

// seedList is the first n seeded tokens, made when a page needs them: a
// token from its position (seedToken is a pure function of it), the agent
// filter by arithmetic on the seed's period. It holds nothing per token,
// so MaxSeedCount tokens cost the memory of 25.
type seedList int

func (n seedList) len() int           { return int(n) }
func (seedList) at(pos int) gen.Token { return seedToken(pos) }

// lookup finds a seeded value by the index it spells out
// (ck-let-mock-<index>-<hash>), then checks it is that token's value.
func (n seedList) lookup(value string) []int {
	rest, ok := strings.CutPrefix(value, seedValuePrefix)
	digits, _, ok2 := strings.Cut(rest, "-")
	if !ok || !ok2 || len(digits) > 10 {
		return nil
	}
	i, err := strconv.Atoi(digits)
	if err != nil || i < 0 || i >= int(n) || seedTokenValue(i) != value {
		return nil
	}
	return []int{i}
}

func (n seedList) filter(agentID string) positions {
	for agent := range seedAgentCount {
		if SeedAgentID(agent) == agentID {
			return seedPositions{residues: seedAgentResidues[agent], n: int(n)}
		}
	}
	return indexPositions(nil)
}

// seedPeriod is a period of seedAgentsOf, which depends on a token's
// position only through its remainders by seedAgentCount and
// seedSecondAgentEvery (TestSeedPeriod checks it).
const seedPeriod = seedAgentCount * seedSecondAgentEvery

// seedAgentResidues[a] is, ascending, the positions in [0, seedPeriod)
// whose token names agent a. Agent a's tokens are then exactly the
// positions p*seedPeriod + r, in order of p, then r.
var seedAgentResidues = func() [][]int {
	residues := make([][]int, seedAgentCount)
	for i := range seedPeriod {
		first, second, two := seedAgentsOf(i)
		residues[first] = append(residues[first], i)
		if two && second != first {
			residues[second] = append(residues[second], i)
		}
	}
	return residues // ascending: i only grows
}()

// seedPositions is one agent's positions among the first n seeded tokens.
// Every seeded agent has residues: it is the first agent of token a.
type seedPositions struct {
	residues []int
	n        int
}

// len counts the agent's tokens below n: residues per whole period, then
// those below the remainder. O(log seedPeriod).
func (p seedPositions) len() int {
	below, _ := slices.BinarySearch(p.residues, p.n%seedPeriod)
	return p.n/seedPeriod*len(p.residues) + below
}

// at is the position of the agent's rank-th token. O(1).
func (p seedPositions) at(rank int) int {
	return rank/len(p.residues)*seedPeriod + p.residues[rank%len(p.residues)]
}
