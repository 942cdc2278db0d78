package mock

import (
	"slices"

	"github.com/letta-tokens/letta-tokens/gen"
)

// tokenList is an account's fixed tokens (seeded or loaded) in serving
// order, read by position. It never changes once built: creates and
// deletes are the account's (see account.go), kept beside it.
type tokenList interface {
	// len is the number of tokens.
	len() int
	// at is the token at pos, 0 <= pos < len(). It is the caller's to
	// encode, not to modify: it may share slices with the list.
	at(pos int) gen.Token
	// filter is the positions of the tokens whose policy names agentID,
	// in serving order. A token naming the agent twice is there once.
	filter(agentID string) positions
	// lookup is the positions of the tokens whose value is value, in
	// serving order: none, or one unless a loaded file repeats a value.
	lookup(value string) []int
}

// positions is an ascending sequence of positions in a tokenList, read by
// rank: an agent's view of the list without materialising it.
type positions interface {
	len() int
	at(rank int) int
}

// allPositions is every position of a list of that many tokens.
type allPositions int

func (n allPositions) len() int      { return int(n) }
func (allPositions) at(rank int) int { return rank }

// indexPositions is positions held in a slice.
type indexPositions []int

func (p indexPositions) len() int        { return len(p) }
func (p indexPositions) at(rank int) int { return p[rank] }

// sliceList holds the tokens it was given (Options.Tokens): their memory
// is the caller's choice. byAgent holds positions, not token copies.
type sliceList struct {
	tokens  []gen.Token
	byAgent map[string]indexPositions
	byValue map[string][]int
}

func newSliceList(tokens []gen.Token) *sliceList {
	l := &sliceList{
		tokens:  make([]gen.Token, len(tokens)),
		byAgent: make(map[string]indexPositions),
		byValue: make(map[string][]int, len(tokens)),
	}
	for i, t := range tokens {
		t = cloneToken(t) // the caller keeps its slices; ours stay fixed
		l.tokens[i] = t
		l.byValue[t.Token] = append(l.byValue[t.Token], i)
		for j, p := range t.Policy.Data {
			if namedEarlier(t.Policy.Data[:j], p.Id) {
				continue // a token appears once per agent, however often named
			}
			l.byAgent[p.Id] = append(l.byAgent[p.Id], i)
		}
	}
	return l
}

func (l *sliceList) len() int                        { return len(l.tokens) }
func (l *sliceList) at(pos int) gen.Token            { return l.tokens[pos] }
func (l *sliceList) filter(agentID string) positions { return l.byAgent[agentID] }
func (l *sliceList) lookup(value string) []int       { return l.byValue[value] }

func namedEarlier(policies []gen.AgentPolicy, agentID string) bool {
	return slices.ContainsFunc(policies, func(p gen.AgentPolicy) bool { return p.Id == agentID })
}

// cloneToken copies t deeply enough that no slice is shared with it.
func cloneToken(t gen.Token) gen.Token {
	data := make([]gen.AgentPolicy, len(t.Policy.Data))
	for i, p := range t.Policy.Data {
		p.Access = slices.Clone(p.Access)
		if p.Access == nil {
			p.Access = []gen.AgentAccess{}
		}
		data[i] = p
	}
	t.Policy.Data = data
	return t
}
