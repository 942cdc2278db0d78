package lettatokens

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
	"github.com/letta-tokens/letta-tokens/internal/pagebytes"
	"github.com/letta-tokens/letta-tokens/internal/prefetch"
)

// Walk bounds, applied when the matching ListOptions field is zero.
const (
	// DefaultMaxTokens bounds a walk: a million tokens, far more than an
	// account holds, while a walk that a server would otherwise keep going
	// forever still ends (see ListOptions.MaxTokens).
	DefaultMaxTokens = 1_000_000
	// MaxConcurrency is the most pages a walk may request at once
	// (ListOptions.Concurrency). Beyond a handful, more requests in flight
	// only buy a server's rate limit sooner.
	MaxConcurrency = 16
)

// ListOptions selects tokens for [Client.ListTokens] (one page) and
// [Client.Tokens] (a walk of every page from Offset on). A zero field
// means the same for both; MaxTokens and Concurrency bound a walk only,
// and ListTokens ignores them.
type ListOptions struct {
	// AgentID, when set, lists only the tokens for that agent.
	AgentID string
	// Limit is the page size asked for; 0 leaves it to the server (10 by
	// the spec). A walk takes ten times fewer round trips at 100. The
	// walk advances by the number of tokens each page actually holds, so
	// a server that returns fewer than asked for is walked correctly.
	Limit int
	// Offset is how many tokens to skip: where the page, or the walk,
	// starts.
	Offset int
	// MaxTokens is how many tokens the walk yields at most; 0 means
	// DefaultMaxTokens (1,000,000). When the server has more, the walk
	// yields the first MaxTokens and ends with a *LimitError. To notice a
	// token listed twice anywhere in the walk, it keeps a 64-bit
	// fingerprint of each token listed, in a table between 3/8 and 3/4
	// full: 11 to 21 bytes a token, about 17 MB at the default bound and
	// 134 MB at 10,000,000 (201 MB for a moment while the table doubles).
	MaxTokens int
	// Concurrency is how many pages the walk may request at once; 0 means
	// 1, which fetches each page only after the one before it was
	// consumed. Up to MaxConcurrency; more is an error. Pages ahead are
	// requested on the guess that every page holds Limit tokens (10 when
	// Limit is 0), and tokens still come out in offset order, each once,
	// with every check above. The walk holds up to Concurrency pages in
	// memory, pages ahead of the one in use only while they take 64 MiB
	// or less once decoded (the first page is asked for alone, its size
	// unknown), and may request up to Concurrency-1 pages past the last
	// one (their answers are dropped). A 429 or 503 on any request of a
	// Client holds back all its requests, not just the one that got it.
	Concurrency int
}

// ErrPagination is the cause of every *PaginationError: a server whose
// pagination cannot be followed to an end.
var ErrPagination = errors.New("lying pagination")

// PaginationError ends a walk whose server paginates in a way that would
// otherwise never end, or repeat tokens: an empty page that says there is
// more, or a token listed before (on any earlier page, or earlier on the
// same page). It wraps ErrPagination.
type PaginationError struct {
	// Offset is the offset of the page that gave the problem away.
	Offset int
	// Page is its 1-based number in the walk.
	Page int
	// Reason says what the server did.
	Reason string
}

// Error describes the problem in one line; it never contains a token.
func (e *PaginationError) Error() string {
	return fmt.Sprintf("lettatokens: %s at page %d (offset %d): %s", ErrPagination, e.Page, e.Offset, e.Reason)
}

// Unwrap returns ErrPagination, for errors.Is.
func (e *PaginationError) Unwrap() error { return ErrPagination }

// ErrLimitReached is the cause of every *LimitError: a walk that stopped at
// its bound while the server had more tokens.
var ErrLimitReached = errors.New("token bound reached")

// LimitError ends a walk that reached ListOptions.MaxTokens while the
// server still had more tokens to list. The server did nothing wrong (this
// is not a *PaginationError): the listing is incomplete, and a larger
// bound would list more. It wraps ErrLimitReached.
type LimitError struct {
	// MaxTokens is the bound that was reached: the number of tokens the
	// walk yielded.
	MaxTokens int
	// Offset is the offset of the first token not listed, from which a
	// listing could go on.
	Offset int
}

// Error describes the problem in one line.
func (e *LimitError) Error() string {
	return fmt.Sprintf("lettatokens: %s: listed %d tokens (ListOptions.MaxTokens) and the server has more from offset %d; raise the bound to list them all",
		ErrLimitReached, e.MaxTokens, e.Offset)
}

// Unwrap returns ErrLimitReached, for errors.Is.
func (e *LimitError) Unwrap() error { return ErrLimitReached }

// PageLister is one page of tokens at a time: what a walk needs of a
// client. [*Client] has it; contract/live walks through it, with checks of
// its own. It returns a page or an error, never neither.
type PageLister interface {
	ListTokens(ctx context.Context, opts ListOptions) (*gen.TokenPage, error)
}

// Tokens walks every token of the account (or of opts.AgentID) from
// opts.Offset, page by page, until a page says hasNextPage is false, with
// up to opts.Concurrency pages requested at once and memory bounded as
// ListOptions says. Breaking out of the range loop stops fetching and
// cancels the requests in flight.
//
// An error ends the walk and is yielded once, with a zero Token: a
// [*ParamError] for options out of range, and otherwise what
// [Client.ListTokens] returns, a [*PaginationError] for a server whose
// pages never end or repeat a token (checked for a whole page before any
// of its tokens is yielded), a [*LimitError] when there are more than
// opts.MaxTokens tokens, or the context's error.
func (c *Client) Tokens(ctx context.Context, opts ListOptions) iter.Seq2[gen.Token, error] {
	return walk(ctx, c, opts)
}

// serverPageLimit is the spec's default page size, the guess of a walk's
// pages ahead when Limit is 0.
const serverPageLimit = 10

func walk(ctx context.Context, c PageLister, opts ListOptions) iter.Seq2[gen.Token, error] {
	return func(yield func(gen.Token, error) bool) {
		maxTokens, concurrency, err := opts.bounds()
		if err != nil {
			yield(gen.Token{}, err)
			return
		}
		start := opts.Offset
		fetch := func(ctx context.Context, offset, _ int) (*gen.TokenPage, int, bool, error) {
			page := opts
			page.Offset = start + offset
			p, err := c.ListTokens(ctx, page)
			if err != nil {
				return nil, 0, false, err
			}
			return p, len(p.Tokens), p.HasNextPage, nil
		}
		// No request at or past maxTokens: the walk ends there, and the
		// page before says whether the server has more.
		// Pages ahead are bounded in bytes too (prefetch.DefaultMaxBytes).
		guess := cmp.Or(opts.Limit, serverPageLimit)
		pages := prefetch.Pages(ctx, prefetch.Options[*gen.TokenPage]{Limit: guess, Concurrency: concurrency, End: maxTokens, Size: pagebytes.Of}, fetch)
		// Every token listed so far, as a fingerprint: a token seen again,
		// on any page, means offset is ignored, pages overlap or cycle, or
		// a page repeats itself.
		var seen fingerprint.Set
		n := 0 // tokens yielded so far
		pageNum := 0
		for p, err := range pages { // the last is the first without a next page
			pageNum++
			offset := start + n
			if err != nil {
				yield(gen.Token{}, err)
				return
			}
			page := p.Value
			if len(page.Tokens) == 0 && page.HasNextPage {
				yield(gen.Token{}, &PaginationError{Offset: offset, Page: pageNum, Reason: "empty page with hasNextPage true"})
				return
			}
			// Never more than maxTokens in all; what is cut off here is
			// reported below, after the rest has been yielded.
			toks := page.Tokens
			cut := len(toks) > maxTokens-n
			if cut {
				toks = toks[:maxTokens-n]
			}
			for i, tok := range toks {
				if !seen.Add(tok.Token) {
					yield(gen.Token{}, &PaginationError{Offset: offset, Page: pageNum,
						Reason: fmt.Sprintf("token %d of the page was already listed (offset ignored, or pages overlap or repeat)", i)})
					return
				}
			}
			for _, tok := range toks {
				if !yield(tok, nil) {
					return
				}
			}
			n += len(toks)
			if cut || page.HasNextPage && n >= maxTokens {
				yield(gen.Token{}, &LimitError{MaxTokens: maxTokens, Offset: start + n})
				return
			}
		}

	}
}

// check refuses what no request can carry.
func (o ListOptions) check() error {
	switch {
	case o.Limit < 0:
		return &ParamError{Field: "Limit", Reason: "is negative"}
	case o.Offset < 0:
		return &ParamError{Field: "Offset", Reason: "is negative"}
	}
	return nil
}

// bounds checks o for a walk and returns its token bound and concurrency.
func (o ListOptions) bounds() (maxTokens, concurrency int, err error) {
	switch {
	case o.MaxTokens < 0:
		return 0, 0, &ParamError{Field: "MaxTokens", Reason: "is negative"}
	case o.Concurrency < 0 || o.Concurrency > MaxConcurrency:
		return 0, 0, &ParamError{Field: "Concurrency", Reason: fmt.Sprintf("must be 0 to %d, got %d", MaxConcurrency, o.Concurrency)}
	}
	return cmp.Or(o.MaxTokens, DefaultMaxTokens), max(o.Concurrency, 1), o.check()
}
