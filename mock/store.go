package mock

import (
	"slices"

	"github.com/letta-tokens/letta-tokens/gen"
)

// tokenList is an account's tokens in serving order, read by position.
// A list never changes once built, so requests read it without locks.
//
// Everything is addressed by position so that a changing account is
// layered over a fixed one (see overlay.go): created tokens appended after
// len(), deleted positions skipped, with filter still answering for the
// fixed part.
type tokenList interface {
	pageSource
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
// rank: an agent's view of the account without materialising it.
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

// pageCut is one page of an account: ranks [start, end) of view, which is
// the account's positions a request sees before paging.
type pageCut struct {
	list       pageSource
	view       positions
	start, end int
	hasNext    bool
}

// pageSource is what a page is cut from: a fixed list, or a snapshot of
// an account that changes.
type pageSource interface {
	// at is the token at a position of view's.
	at(pos int) gen.Token
	// view is the positions a request sees: all tokens, or for a non-empty
	// agentID those whose policy names it, in serving order.
	view(agentID string) positions
}

// cutPage cuts the page at offset of at most limit tokens, from all tokens
// or, for a non-empty agentID, from those whose policy names it. hasNext
// is whether any token follows the page, which for limit 0 is whether any
// token sits at offset or after (Cloud's limit+1 fetch). It costs what the
// source's view costs, nothing per token: rendering the page's tokens is
// the caller's, one at a time.
func cutPage(list pageSource, agentID string, offset, limit int) pageCut {
	view := list.view(agentID)
	n := view.len()
	start := min(offset, n)
	end := start + min(limit, n-start) // no overflow for huge limits
	return pageCut{list: list, view: view, start: start, end: end, hasNext: end < n}
}

// fixedView is a fixed list's view: every position, or the filter's.
func fixedView(l tokenList, agentID string) positions {
	if agentID == "" {
		return allPositions(l.len())
	}
	return l.filter(agentID)
}

func (l *sliceList) view(agentID string) positions { return fixedView(l, agentID) }

// len is the number of tokens on the page.
func (c pageCut) len() int { return c.end - c.start }

// token is the page's k-th token.
func (c pageCut) token(k int) gen.Token { return c.list.at(c.view.at(c.start + k)) }

// tokens renders the whole page, never nil ("tokens": [], never null).
func (c pageCut) tokens() []gen.Token {
	out := make([]gen.Token, c.len())
	for k := range out {
		out[k] = c.token(k)
	}
	return out
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
