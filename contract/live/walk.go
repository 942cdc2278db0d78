package live

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
	"github.com/letta-tokens/letta-tokens/internal/pagebytes"
	"github.com/letta-tokens/letta-tokens/internal/prefetch"
)

// walkOptions says how to walk pages.
type walkOptions struct {
	Limit   int    // page size, at least 1
	AgentID string // optional agentId filter
	// MaxTokens bounds the walk in tokens received, repeats included: the
	// walk stops after the page that brings the count to MaxTokens or more,
	// whatever the server says. Reaching it is not a finding (an account
	// can be that large): the result says Truncated. At least 1.
	MaxTokens int
	// WatchAgent names the agent whose tokens the result lists in
	// AgentTokens, for compareFiltered. Empty: the first agent that a
	// token of the walk names.
	WatchAgent string
	// Listed, when set, sees every token the walk lists, the probe past
	// the end included, on the walk's goroutine.
	Listed func(*gen.Token)
	// Concurrency is how many pages may be asked for at once (see
	// LiveConfig.Concurrency); 0 means 1.
	Concurrency int
}

// walkResult is what a walk saw. It holds a fingerprint (see
// internal/fingerprint) per distinct token, never the tokens: a walk's
// memory is 8 bytes per token of the walk's bound, whatever the pages
// hold, and one process's walks compare by fingerprint.
type walkResult struct {
	Limit int
	// Fingerprints are those of the distinct tokens, in the order first
	// seen.
	Fingerprints []uint64
	// Agent is WatchAgent, or the first agent a token named ("" if none).
	Agent string
	// AgentTokens are the fingerprints of the distinct tokens whose policy
	// names Agent, in order.
	AgentTokens []uint64
	// Pages is the pages walked, including the probe past the last one;
	// pages requested ahead and discarded are not counted.
	Pages int
	// Complete is true when the walk reached a page with hasNextPage false
	// without any pagination finding.
	Complete bool
	// Truncated is true when the walk stopped at MaxTokens while the server
	// still said hasNextPage true: it saw the first tokens only.
	Truncated bool
}

// Tokens is the number of distinct tokens the walk saw.
func (r walkResult) Tokens() int { return len(r.Fingerprints) }

// walkPages fetches pages by offset until hasNextPage is false, and reports
// pagination behaviour a single page cannot show:
//   - no token is seen twice;
//   - a page with hasNextPage true is followed by a non-empty page, and
//     brings at least one new token (a server that ignores offset, or whose
//     hasNextPage never turns false on an empty page, cannot keep a walk
//     going);
//   - the page after one with hasNextPage false is empty.
//
// The walk ends within MaxTokens tokens received, whatever the server says.
// An error means a page could not be fetched; findings gathered until then
// are returned with it. With Concurrency above 1, pages calls ListTokens
// from several goroutines at once.
func walkPages(ctx context.Context, pages lettatokens.PageLister, opts walkOptions) (walkResult, contract.Findings, error) {
	res := walkResult{Limit: opts.Limit, Agent: opts.WatchAgent}
	if opts.Limit < 1 || opts.MaxTokens < 1 || opts.Concurrency < 0 {
		return res, nil, errors.New("live: walkPages needs Limit and MaxTokens of at least 1, and Concurrency not negative")
	}
	if opts.Listed == nil {
		opts.Listed = func(*gen.Token) {}
	}
	var out contract.Findings
	// The tokens seen, dropped with the walk, so only the ordered
	// fingerprints outlive it.
	var seen fingerprint.Set
	// Pages ahead are bounded in bytes as well as in count: a page is
	// validated as it arrives, at about ten times its size, so 16 MiB of
	// decoded pages is some 150 MB of validation at most.
	fetch := func(ctx context.Context, offset, _ int) (page *gen.TokenPage, items int, more bool, err error) {
		defer func() {
			if v := recover(); v != nil {
				page, items, more, err = nil, 0, false, &fetchPanic{value: v}
			}
		}()
		page, err = fetchPage(ctx, pages, opts, offset)
		if err != nil {
			return nil, 0, false, err
		}
		return page, len(page.Tokens), page.HasNextPage, nil
	}
	ahead := prefetch.Pages(ctx, prefetch.Options[*gen.TokenPage]{Limit: opts.Limit, Concurrency: max(1, opts.Concurrency),
		Size: pagebytes.Of, MaxBytes: 16 << 20}, fetch)
	end := 0      // offset past the last page, once one said hasNextPage false
	received := 0 // tokens, repeats included
	for p, err := range ahead {
		res.Pages++
		if fp, ok := err.(*fetchPanic); ok {
			// Raised here, on the caller's goroutine, where its defers run;
			// prefetch cancels and waits for the other requests as it
			// unwinds.
			panic(fp.value)
		}
		if err != nil {
			return res, out, err
		}
		page, offset := p.Value, p.Offset
		fresh, repeats, firstRepeat := 0, 0, -1
		for i := range page.Tokens {
			tok := &page.Tokens[i]
			opts.Listed(tok)
			if !seen.Add(tok.Token) {
				if repeats == 0 {
					firstRepeat = i
					out = append(out, breaking(contract.CheckPagination, "/tokens/"+strconv.Itoa(i), "token at offset %d was already returned earlier in the walk", offset+i))
				}
				repeats++
				continue
			}
			fp := fingerprint.Of(tok.Token)
			res.Fingerprints = append(res.Fingerprints, fp)
			res.watch(tok, fp)
			fresh++
		}
		if repeats > 1 {
			// One finding per page, however many repeats: a page of 40,000
			// repeated tokens is one line, not 40,000.
			out[len(out)-1].Message += fmt.Sprintf(" (%d tokens of this page from index %d repeat earlier ones)", repeats, firstRepeat)
		}
		received += len(page.Tokens)
		if len(page.Tokens) > 0 && fresh == 0 {
			out = append(out, breaking(contract.CheckPagination, "/tokens", "page at offset %d only repeats earlier tokens: offset seems ignored; walk stopped", offset))
			return res, out, nil
		}
		if !page.HasNextPage {
			end = offset + len(page.Tokens)
			break
		}
		if len(page.Tokens) == 0 {
			out = append(out, breaking(contract.CheckPagination, "/hasNextPage", "page at offset %d is empty but says hasNextPage true; walk stopped", offset))
			return res, out, nil
		}
		if received >= opts.MaxTokens {
			res.Truncated = true
			return res, out, nil
		}
	}
	// prefetch ends only after a page saying hasNextPage false or an empty
	// one, both handled above. The probe past the end is asked for on its
	// own, after the walk (a page prefetched past the end was discarded
	// with it): it must be empty, or hasNextPage false lied and tokens
	// were silently cut off.
	page, err := fetchPage(ctx, pages, opts, end)
	res.Pages++
	if err != nil {
		return res, out, err
	}
	for i := range page.Tokens {
		opts.Listed(&page.Tokens[i])
	}
	if n := len(page.Tokens); n > 0 {
		out = append(out, breaking(contract.CheckPagination, "/hasNextPage", "hasNextPage was false, but the page at offset %d holds %d token%s", end, n, plural(n)))
		return res, out, nil
	}
	res.Complete = len(out) == 0
	return res, out, nil
}

// fetchPanic carries a panic out of a fetch running on a prefetch
// goroutine, where it would end the process before any defer of the
// walk's caller could run.
type fetchPanic struct{ value any }

func (p *fetchPanic) Error() string {
	return fmt.Sprintf("live: panic in a page fetch: %v", p.value)
}

// watch records tok in AgentTokens when it names the watched agent,
// choosing the first agent seen when none was given.
func (r *walkResult) watch(tok *gen.Token, fp uint64) {
	for _, d := range tok.Policy.Data {
		if r.Agent == "" && d.Id != "" {
			r.Agent = d.Id
		}
		if r.Agent != "" && d.Id == r.Agent {
			r.AgentTokens = append(r.AgentTokens, fp)
			return
		}
	}
}

func fetchPage(ctx context.Context, pages lettatokens.PageLister, opts walkOptions, offset int) (*gen.TokenPage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	page, err := pages.ListTokens(ctx, lettatokens.ListOptions{Limit: opts.Limit, Offset: offset, AgentID: opts.AgentID})
	if err != nil {
		return nil, fmt.Errorf("page at offset %d, limit %d: %w", offset, opts.Limit, err)
	}
	return page, nil // a PageLister returns a page or an error
}

// plural is the "s" of "2 tokens", and nothing for one.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
