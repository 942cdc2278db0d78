package lettatokens

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/letta-tokens/letta-tokens/gen"
)

// Paging defaults, applied when the matching ListOptions field is zero.
const (
	// DefaultPageLimit is the page size Tokens asks for. It is larger than
	// the server's own default of 10 so that a walk takes ten times fewer
	// round trips.
	DefaultPageLimit = 100
	// DefaultMaxPages bounds a walk: at DefaultPageLimit it allows a
	// million tokens, far more than an account holds, while still ending a
	// walk that a server would otherwise keep going forever.
	DefaultMaxPages = 10000
)

// ListOptions selects and bounds a walk over all tokens.
type ListOptions struct {
	// AgentID, when set, lists only the tokens for that agent.
	AgentID string
	// Limit is the page size asked for; 0 means DefaultPageLimit (100). The
	// walk advances by the number of tokens each page actually holds, so a
	// server that returns fewer than asked for is walked correctly.
	Limit int
	// MaxPages is how many pages the walk fetches at most; 0 means
	// DefaultMaxPages (10000). A server still claiming hasNextPage after
	// that many ends the walk with a *PaginationError.
	MaxPages int
}

// ErrPagination is the cause of every *PaginationError: a server whose
// pagination cannot be followed to an end.
var ErrPagination = errors.New("lying pagination")

// PaginationError ends a walk whose server paginates in a way that would
// otherwise never end (or silently repeat tokens). It wraps ErrPagination.
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

// Tokens walks every token of the account (or of opts.AgentID), page by
// page with offset and limit, until a page says hasNextPage is false.
//
// Each page is fetched only when the previous one has been consumed, and
// breaking out of the range loop stops fetching; only one page is held at a
// time, so memory stays flat however many tokens there are. An error ends
// the walk and is yielded once, with a zero Token: an *Error for a failed
// request or a response with no page (c may be a bare generated client), a
// *PaginationError for a server whose pages never end, or the context's
// error.
//
//	for tok, err := range lettatokens.Tokens(ctx, client, lettatokens.ListOptions{}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(tok.Hostname)
//	}
func Tokens(ctx context.Context, c gen.ClientWithResponsesInterface, opts ListOptions) iter.Seq2[gen.Token, error] {
	return func(yield func(gen.Token, error) bool) {
		limit, maxPages, err := opts.bounds()
		if err != nil {
			yield(gen.Token{}, err)
			return
		}
		params := gen.ListClientSideAccessTokensParams{Limit: &limit}
		if opts.AgentID != "" {
			params.AgentId = &opts.AgentID
		}
		// The previous page's tokens: a page that repeats any of them means
		// offset is ignored or pages overlap. One page's worth only, so
		// memory stays flat however long the walk.
		previous := make(map[string]struct{}, min(limit, 1024)) // grows if pages are larger
		offset := 0
		for pageNum := 1; ; pageNum++ {
			if pageNum > maxPages {
				yield(gen.Token{}, &PaginationError{Offset: offset, Page: pageNum, Reason: fmt.Sprintf("hasNextPage still true after %d pages (ListOptions.MaxPages)", maxPages)})
				return
			}
			page, err := fetchPage(ctx, c, params, offset)
			if err != nil {
				yield(gen.Token{}, err)
				return
			}
			if len(page.Tokens) == 0 && page.HasNextPage {
				yield(gen.Token{}, &PaginationError{Offset: offset, Page: pageNum, Reason: "empty page with hasNextPage true"})
				return
			}
			if i := firstRepeat(page.Tokens, previous); i >= 0 {
				yield(gen.Token{}, &PaginationError{Offset: offset, Page: pageNum,
					Reason: fmt.Sprintf("token %d of the page was already on the previous page (offset ignored, or pages overlap)", i)})
				return
			}
			for _, tok := range page.Tokens {
				if !yield(tok, nil) {
					return
				}
			}
			if !page.HasNextPage {
				return
			}
			offset += len(page.Tokens)
			clear(previous)
			for _, tok := range page.Tokens {
				previous[tok.Token] = struct{}{}
			}
		}
	}
}

// CollectTokens gathers every token Tokens yields into a slice. On error it
// returns the tokens gathered so far along with the error.
func CollectTokens(ctx context.Context, c gen.ClientWithResponsesInterface, opts ListOptions) ([]gen.Token, error) {
	var all []gen.Token
	for tok, err := range Tokens(ctx, c, opts) {
		if err != nil {
			return all, err
		}
		all = append(all, tok)
	}
	return all, nil
}

// bounds returns the effective page size and page bound.
func (o ListOptions) bounds() (limit, maxPages int, err error) {
	limit, maxPages = o.Limit, o.MaxPages
	if limit < 0 {
		return 0, 0, errorf("ListOptions.Limit must not be negative, got %d", limit)
	}
	if maxPages < 0 {
		return 0, 0, errorf("ListOptions.MaxPages must not be negative, got %d", maxPages)
	}
	if limit == 0 {
		limit = DefaultPageLimit
	}
	if maxPages == 0 {
		maxPages = DefaultMaxPages
	}
	return limit, maxPages, nil
}

// fetchPage gets the page at offset. With a *Client every failure is
// already an error; with a bare generated client a response without a
// decoded page is turned into an *Error here.
func fetchPage(ctx context.Context, c gen.ClientWithResponsesInterface, params gen.ListClientSideAccessTokensParams, offset int) (*gen.TokenPage, error) {
	params.Offset = &offset
	resp, err := c.ListClientSideAccessTokensWithResponse(ctx, &params)
	if err != nil {
		return nil, err
	}
	if resp == nil || resp.JSON200 == nil {
		return nil, pageError(resp)
	}
	return resp.JSON200, nil
}

// pageError describes a response that carries no page. The API key is not
// known here, so only secrets recognisable by shape are redacted.
func pageError(resp *gen.ListClientSideAccessTokensResponse) *Error {
	if resp == nil {
		return &Error{Err: errors.New("no response")}
	}
	e := newResponseError(resp.HTTPResponse, resp.Body, nil, "")
	switch {
	case e.StatusCode < 200 || e.StatusCode > 299:
		// The status says it all.
	case !isJSON(resp.ContentType()):
		e.Err = fmt.Errorf("%w (Content-Type %q)", errNotJSON, resp.ContentType())
	default:
		e.Err = fmt.Errorf("no token page in a %d response", e.StatusCode)
	}
	return e
}

// firstRepeat returns the index of the first token of page that is in
// previous, or -1.
func firstRepeat(page []gen.Token, previous map[string]struct{}) int {
	for i, tok := range page {
		if _, dup := previous[tok.Token]; dup {
			return i
		}
	}
	return -1
}
