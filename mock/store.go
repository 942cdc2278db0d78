package mock

import (
	"slices"

	"github.com/letta-tokens/letta-tokens/gen"
)

// tokenStore holds the tokens a Server serves, in serving order, and the
// same tokens grouped by agent. It never changes after newTokenStore, so
// requests read it without locks, and a page is a subslice of a view: no
// request copies tokens.
type tokenStore struct {
	all     []gen.Token
	byAgent map[string][]gen.Token
}

func newTokenStore(tokens []gen.Token) *tokenStore {
	s := &tokenStore{
		all:     make([]gen.Token, len(tokens)),
		byAgent: make(map[string][]gen.Token),
	}
	for i, t := range tokens {
		t = cloneToken(t) // the caller keeps its slices; ours stay fixed
		s.all[i] = t
		for j, p := range t.Policy.Data {
			if namedEarlier(t.Policy.Data[:j], p.Id) {
				continue // a token appears once per agent, however often named
			}
			s.byAgent[p.Id] = append(s.byAgent[p.Id], t)
		}
	}
	return s
}

func namedEarlier(policies []gen.AgentPolicy, agentID string) bool {
	return slices.ContainsFunc(policies, func(p gen.AgentPolicy) bool { return p.Id == agentID })
}

// view is the tokens a request sees before paging: all of them, or those
// whose policy names agentID. An empty agentID does not filter.
func (s *tokenStore) view(agentID string) []gen.Token {
	if agentID == "" {
		return s.all
	}
	return s.byAgent[agentID]
}

// page cuts the page at offset of at most limit tokens. hasNextPage is
// whether any token follows the page, which for limit 0 is whether any token
// sits at offset or after (Cloud's limit+1 fetch).
func (s *tokenStore) page(agentID string, offset, limit int) gen.TokenPage {
	view := s.view(agentID)
	start := min(offset, len(view))
	end := start + min(limit, len(view)-start) // no overflow for huge limits
	tokens := view[start:end:end]              // capped: an append by an encoder hook cannot reach the store
	if tokens == nil {
		tokens = []gen.Token{} // "tokens": [], never null
	}
	return gen.TokenPage{Tokens: tokens, HasNextPage: end < len(view)}
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
