package lettatokens

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
	"github.com/letta-tokens/letta-tokens/internal/pagebytes"
	"github.com/letta-tokens/letta-tokens/internal/prefetch"
)

// Paging defaults, applied when the matching ListOptions field is zero.
const (
	// DefaultPageLimit is the page size Tokens asks for. It is larger than
	// the server's own default of 10 so that a walk takes ten times fewer
	// round trips.
	DefaultPageLimit = 100
	// DefaultMaxTokens bounds a walk: a million tokens, far more than an
	// account holds, while a walk that a server would otherwise keep going
	// forever still ends, its memory (a fingerprint per token, see
	// ListOptions.MaxTokens) then at about 16 MB.
	DefaultMaxTokens = 1_000_000
	// MaxConcurrency is the most pages a walk may request at once
	// (ListOptions.Concurrency). Beyond a handful, more requests in flight
	// only buy a server's rate limit sooner.
	MaxConcurrency = 16
)

// ListOptions selects and bounds a walk over all tokens.
type ListOptions struct {
	// AgentID, when set, lists only the tokens for that agent.
	AgentID string
	// Limit is the page size asked for; 0 means DefaultPageLimit (100). The
	// walk advances by the number of tokens each page actually holds, so a
	// server that returns fewer than asked for is walked correctly.
	Limit int
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
	// requested on the guess that every page holds Limit tokens, and
	// tokens still come out in offset order, each once, with every check
	// above. The walk holds up to Concurrency pages in memory, pages
	// ahead of the one in use only while they take 64 MiB or less once
	// decoded (the first page is asked for alone, its size unknown), and
	// may request up to Concurrency-1 pages past the last one (their
	// answers are dropped). Above 1, the PageLister is called from several
	// goroutines at once (a *Client is safe for that). A 429 or 503 on any
	// request of a *Client holds back all its requests, not just the one
	// that got it.
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

// PageLister is what a walk needs of a client: one page of tokens at a
// time. [*Client] has it; a test can fake it with one method. It returns a
// page or an error, never neither.
type PageLister interface {
	ListTokens(ctx context.Context, params ListPageParams) (*gen.TokenPage, error)
}

// Tokens walks every token of the account (or of opts.AgentID), page by
// page with offset and limit, until a page says hasNextPage is false.
//
// With opts.Concurrency at 1 (the default) each page is fetched only when
// the previous one has been consumed; with more, up to that many pages are
// requested ahead, and tokens still come out in offset order. Breaking out
// of the range loop stops fetching and cancels the requests in flight; at
// most Concurrency pages are held at a time (fewer when they are large,
// see ListOptions.Concurrency), plus a fingerprint of each token listed
// (see ListOptions.MaxTokens), so memory is bounded by the walk's bound.
// An error ends the walk and is yielded once, with a zero Token: an
// *Error for an answer that is not a page, the transport's or the
// context's error, wrapped with the operation, when no answer came, a
// *PaginationError for
// a server whose pages never end or repeat a token (checked for a whole
// page before any of its tokens is yielded), a *LimitError when there are
// more than opts.MaxTokens tokens, or the context's error.
//
//	for tok, err := range lettatokens.Tokens(ctx, client, lettatokens.ListOptions{}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(tok.Hostname)
//	}
func Tokens(ctx context.Context, c PageLister, opts ListOptions) iter.Seq2[gen.Token, error] {
	return func(yield func(gen.Token, error) bool) {
		limit, maxTokens, concurrency, err := opts.bounds()
		if err != nil {
			yield(gen.Token{}, err)
			return
		}
		fetch := func(ctx context.Context, offset, _ int) (*gen.TokenPage, int, bool, error) {
			page, err := c.ListTokens(ctx, ListPageParams{AgentID: opts.AgentID, Limit: limit, Offset: offset})
			switch {
			case err != nil:
				return nil, 0, false, err
			case page == nil:
				// A PageLister that broke its contract.
				return nil, 0, false, errorf("list tokens: the lister returned neither a page nor an error")
			}
			return page, len(page.Tokens), page.HasNextPage, nil
		}
		// No request at or past maxTokens: the walk ends there, and the
		// page before says whether the server has more.
		// Pages ahead are bounded in bytes too (prefetch.DefaultMaxBytes).
		pages := prefetch.Pages(ctx, prefetch.Options[*gen.TokenPage]{Limit: limit, Concurrency: concurrency, End: maxTokens, Size: pagebytes.Of}, fetch)
		// Every token listed so far, as a fingerprint: a token seen again,
		// on any page, means offset is ignored, pages overlap or cycle, or
		// a page repeats itself.
		var seen fingerprint.Set
		offset := 0 // also the number of tokens yielded so far
		pageNum := 0
		for p, err := range pages {
			pageNum++
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
			cut := len(toks) > maxTokens-offset
			if cut {
				toks = toks[:maxTokens-offset]
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
			offset += len(toks)
			if cut || page.HasNextPage && offset >= maxTokens {
				yield(gen.Token{}, &LimitError{MaxTokens: maxTokens, Offset: offset})
				return
			}
			if !page.HasNextPage {
				return
			}
		}
	}
}

// CollectTokens gathers every token Tokens yields into a slice. On error it
// returns the tokens gathered so far along with the error.
func CollectTokens(ctx context.Context, c PageLister, opts ListOptions) ([]gen.Token, error) {
	var all []gen.Token
	for tok, err := range Tokens(ctx, c, opts) {
		if err != nil {
			return all, err
		}
		all = append(all, tok)
	}
	return all, nil
}

// bounds returns the effective page size, token bound and concurrency.
func (o ListOptions) bounds() (limit, maxTokens, concurrency int, err error) {
	limit, maxTokens, concurrency = o.Limit, o.MaxTokens, o.Concurrency
	switch {
	case limit < 0:
		return 0, 0, 0, &ParamError{Field: "ListOptions.Limit", Reason: fmt.Sprintf("must not be negative, got %d", limit)}
	case maxTokens < 0:
		return 0, 0, 0, &ParamError{Field: "ListOptions.MaxTokens", Reason: fmt.Sprintf("must not be negative, got %d", maxTokens)}
	case concurrency < 0 || concurrency > MaxConcurrency:
		return 0, 0, 0, &ParamError{Field: "ListOptions.Concurrency", Reason: fmt.Sprintf("must be 0 to %d, got %d", MaxConcurrency, concurrency)}
	}
	if limit == 0 {
		limit = DefaultPageLimit
	}
	if maxTokens == 0 {
		maxTokens = DefaultMaxTokens
	}
	return limit, maxTokens, max(concurrency, 1), nil
}
