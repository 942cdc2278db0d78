package live

import (
	"context"
	"fmt"
	"slices"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
)

// list asks for one page as a step.
func (r *liveRun) list(ctx context.Context, opts lettatokens.ListOptions) (page *gen.TokenPage, err error) {
	err = r.step(ctx, func() (err error) {
		page, err = r.client.ListTokens(ctx, opts)
		return err
	})
	return page, err
}

// pagedWalks walks every token at the first page size, then the first tokens
// again at the second, and compares the two.
func (r *liveRun) pagedWalks(ctx context.Context) error {
	sizes := r.cfg.PageSizes
	watch := r.cfg.AgentID
	if r.seeds != nil && len(r.seeds.tokens) > 0 {
		watch = r.seeds.agents[0] // the filter check then covers seeded tokens
	}
	var err error
	r.first, err = r.walk(ctx, walkOptions{Limit: sizes[0], MaxTokens: r.cfg.MaxTokens, WatchAgent: watch, Listed: r.seeds.sight(sightFirst)})
	if err != nil {
		return err
	}
	bound := laterBound(r.first, r.first.Tokens(), sizes[1], r.cfg.CompareTokens)
	second, err := r.walk(ctx, walkOptions{Limit: sizes[1], MaxTokens: bound})
	if err != nil {
		return err
	}
	r.walked.Add(compareWalks(r.first, second))

	if r.first.Truncated {
		r.note(fmt.Sprintf("the walk at limit=%d stopped at its bound of %d tokens with hasNextPage still true: the account could not be checked completely", sizes[0], r.cfg.MaxTokens))
	}
	if r.first.Complete && r.first.Tokens() == 0 {
		r.note("the account holds no tokens: item schemas (Token, TokenPolicy, AgentPolicy) were not exercised live (a seeded run creates tokens to exercise them)")
	}
	if second.Truncated && second.Tokens() < r.first.Tokens() {
		r.note(fmt.Sprintf("the walks at limit=%d and limit=%d were compared on the first %d of %d tokens", sizes[0], sizes[1], second.Tokens(), r.first.Tokens()))
	}
	return nil
}

// filter walks the tokens of the first walk's agent with agentId and
// compares them with the first walk's.
func (r *liveRun) filter(ctx context.Context) error {
	r.agent = r.first.Agent
	if r.agent == "" {
		r.note("no agent found in the data: the agentId filter was not exercised")
		return nil
	}
	if r.holdsKey(r.agent, r.cfg.APIKey) {
		// No walk filters by it: that would put the key in a URL.
		r.drift(&r.walked, contract.CheckAgentFilter, "/tokens/*/policy/data/*/id",
			"an agent id the server listed holds the API key: the agentId filter was not exercised on it, so that the key is not sent in a URL")
		return nil
	}
	size := r.cfg.PageSizes[0]
	bound := laterBound(r.first, len(r.first.AgentTokens), size, r.cfg.CompareTokens)
	filtered, err := r.walk(ctx, walkOptions{Limit: size, MaxTokens: bound, AgentID: r.agent, Listed: r.seeds.sight(sightFiltered)})
	if err != nil {
		return err
	}
	found := compareFiltered(r.first, filtered, r.agent)
	r.walked.Add(r.mask(found))
	if filtered.Complete && filtered.Tokens() == 0 && len(r.first.AgentTokens) == 0 {
		r.note(fmt.Sprintf("no token names agent %s: the agentId filter was exercised on no token", r.safe(r.agent)))
	}
	if len(found) > 0 || r.seeds == nil {
		return nil
	}
	// Every seeded token that names the agent is listed.
	s := r.seeds
	for i, tok := range s.tokens {
		_, listed := s.seen[sightFiltered][i]
		if listed || !slices.ContainsFunc(tok.Policy.Data, func(p gen.AgentPolicy) bool { return p.Id == r.agent }) {
			continue
		}
		if !filtered.Complete {
			r.note(fmt.Sprintf("the agentId walk did not reach created %s: it stopped first", s.which(i)))
			continue
		}
		r.drift(&r.walked, contract.CheckAgentFilter, "/tokens", "the agentId=%s walk does not list created %s, whose policy names that agent", r.safe(r.agent), s.which(i))
	}
	return nil
}
