package contract

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/letta-tokens/letta-tokens/gen"
)

// PageFetcher fetches one page of tokens. In live mode it is the generated
// client; in tests, anything that returns pages.
type PageFetcher func(ctx context.Context, params gen.ListClientSideAccessTokensParams) (*gen.TokenPage, error)

// WalkOptions says how to walk pages.
type WalkOptions struct {
	Limit    int    // page size, at least 1
	AgentID  string // optional agentId filter
	MaxPages int    // bound on pages fetched; the walk ends there whatever the server says
}

// WalkResult is what a walk saw.
type WalkResult struct {
	Limit  int
	Tokens []gen.Token // distinct tokens in the order first seen
	Pages  int         // pages fetched, including the probe past the last one
	// Complete is true when the walk reached a page with hasNextPage false
	// without any pagination finding.
	Complete bool
}

// Walk fetches pages by offset until hasNextPage is false, and reports
// pagination behaviour a single page cannot show:
//   - the walk ends within MaxPages, even if hasNextPage never turns false or
//     the server ignores offset;
//   - no token is seen twice;
//   - a page with hasNextPage true is followed by a non-empty page;
//   - the page after one with hasNextPage false is empty.
//
// An error means a page could not be fetched; findings gathered until then
// are returned with it.
func Walk(ctx context.Context, fetch PageFetcher, opts WalkOptions) (WalkResult, Findings, error) {
	res := WalkResult{Limit: opts.Limit}
	if opts.Limit < 1 || opts.MaxPages < 1 {
		return res, nil, errors.New("contract: Walk needs Limit and MaxPages of at least 1")
	}
	var out Findings
	seen := make(map[string]int) // token value -> offset where first seen
	offset := 0
	for {
		if res.Pages >= opts.MaxPages {
			out = append(out, Finding{Check: CheckPagination, Severity: Breaking, Pointer: "/hasNextPage",
				Message: fmt.Sprintf("hasNextPage still true after %d pages of limit=%d; the walk was cut off (raise the bound if the account is that large)", res.Pages, opts.Limit)})
			return res, out, nil
		}
		page, err := fetchPage(ctx, fetch, opts, offset)
		res.Pages++
		if err != nil {
			return res, out, err
		}
		fresh := 0
		for i, tok := range page.Tokens {
			if first, dup := seen[tok.Token]; dup {
				out = append(out, Finding{Check: CheckPagination, Severity: Breaking, Pointer: "/tokens/" + strconv.Itoa(i),
					Message: fmt.Sprintf("token at offset %d was already returned at offset %d", offset+i, first)})
				continue
			}
			seen[tok.Token] = offset + i
			res.Tokens = append(res.Tokens, tok)
			fresh++
		}
		if len(page.Tokens) > 0 && fresh == 0 {
			out = append(out, Finding{Check: CheckPagination, Severity: Breaking, Pointer: "/tokens",
				Message: fmt.Sprintf("page at offset %d only repeats earlier tokens: offset seems ignored; walk stopped", offset)})
			return res, out, nil
		}
		if !page.HasNextPage {
			return probePastEnd(ctx, fetch, opts, offset+len(page.Tokens), res, out)
		}
		if len(page.Tokens) == 0 {
			out = append(out, Finding{Check: CheckPagination, Severity: Breaking, Pointer: "/hasNextPage",
				Message: fmt.Sprintf("page at offset %d is empty but says hasNextPage true; walk stopped", offset)})
			return res, out, nil
		}
		offset += len(page.Tokens)
	}
}

// probePastEnd fetches the page after the last one: it must be empty, or
// hasNextPage false lied and tokens were silently cut off.
func probePastEnd(ctx context.Context, fetch PageFetcher, opts WalkOptions, offset int, res WalkResult, out Findings) (WalkResult, Findings, error) {
	page, err := fetchPage(ctx, fetch, opts, offset)
	res.Pages++
	if err != nil {
		return res, out, err
	}
	if n := len(page.Tokens); n > 0 {
		out = append(out, Finding{Check: CheckPagination, Severity: Breaking, Pointer: "/hasNextPage",
			Message: fmt.Sprintf("hasNextPage was false, but the page at offset %d holds %d tokens", offset, n)})
		return res, out, nil
	}
	res.Complete = len(out) == 0
	return res, out, nil
}

func fetchPage(ctx context.Context, fetch PageFetcher, opts WalkOptions, offset int) (*gen.TokenPage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	params := gen.ListClientSideAccessTokensParams{Limit: &opts.Limit, Offset: &offset}
	if opts.AgentID != "" {
		params.AgentId = &opts.AgentID
	}
	page, err := fetch(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("page at offset %d, limit %d: %w", offset, opts.Limit, err)
	}
	if page == nil {
		return nil, fmt.Errorf("page at offset %d, limit %d: no page decoded", offset, opts.Limit)
	}
	return page, nil
}

// CompareWalks checks that two complete walks at different page sizes saw
// the same tokens in the same order: no gap at a page boundary, no silent
// truncation that depends on the page size.
func CompareWalks(a, b WalkResult) Findings {
	if !a.Complete || !b.Complete {
		return nil // their own findings already explain them
	}
	if len(a.Tokens) != len(b.Tokens) {
		return Findings{{Check: CheckWalkConsistency, Severity: Breaking, Pointer: "/tokens",
			Message: fmt.Sprintf("walk at limit=%d yields %d tokens, walk at limit=%d yields %d", a.Limit, len(a.Tokens), b.Limit, len(b.Tokens))}}
	}
	for i := range a.Tokens {
		if a.Tokens[i].Token != b.Tokens[i].Token {
			return Findings{{Check: CheckWalkConsistency, Severity: Breaking, Pointer: "/tokens",
				Message: fmt.Sprintf("walks at limit=%d and limit=%d differ at position %d", a.Limit, b.Limit, i)}}
		}
	}
	return nil
}

// CompareFiltered checks a complete walk with agentId against a complete
// unfiltered walk: the filter must return exactly the tokens whose policy
// names the agent, in the same order.
func CompareFiltered(all, filtered WalkResult, agentID string) Findings {
	if !all.Complete || !filtered.Complete {
		return nil
	}
	var want []string
	for _, t := range all.Tokens {
		for _, d := range t.Policy.Data {
			if d.Id == agentID {
				want = append(want, t.Token)
				break
			}
		}
	}
	got := make([]string, len(filtered.Tokens))
	for i, t := range filtered.Tokens {
		got[i] = t.Token
	}
	if len(got) != len(want) {
		return Findings{{Check: CheckAgentFilter, Severity: Breaking, Pointer: "/tokens",
			Message: fmt.Sprintf("agentId filter returned %d tokens; the unfiltered walk has %d naming that agent", len(got), len(want))}}
	}
	for i := range got {
		if got[i] != want[i] {
			return Findings{{Check: CheckAgentFilter, Severity: Breaking, Pointer: "/tokens",
				Message: fmt.Sprintf("agentId filter differs from the unfiltered walk at position %d", i)}}
		}
	}
	return nil
}
