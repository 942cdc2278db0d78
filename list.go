package lettatokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/attempt"
)

// ListTokens lists one page of tokens: the page at opts.Offset, of at
// most opts.Limit tokens (the server's default of 10 when 0). To list
// every token, walk the pages with [Client.Tokens], which also guards
// against a server whose pages never end or repeat.
//
// A negative Limit or Offset is a [*ParamError], and nothing is sent. An
// answer that is not a page (a non-2xx status, a body that is not JSON or
// lacks the page's members) is an [*Error]; a call without an answer
// returns its cause wrapped (see [Error]). Failed attempts are retried
// (see [WithMaxRetries]). The body is decoded strictly: a page lacking
// "tokens" or "hasNextPage" is an *Error, not an empty last page.
func (c *Client) ListTokens(ctx context.Context, opts ListOptions) (*gen.TokenPage, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	p := gen.ListClientSideAccessTokensParams{Offset: &opts.Offset}
	if opts.Limit > 0 {
		p.Limit = &opts.Limit
	}
	if opts.AgentID != "" {
		p.AgentId = &opts.AgentID
	}
	// The raw method goes through the attempt loop: a response that
	// reaches here is 2xx JSON with a capped body, read whole.
	resp, err := c.generated.ListClientSideAccessTokens(ctx, &p)
	if err != nil {
		return nil, failed("list tokens", err, c.mask)
	}
	defer resp.Body.Close()
	body := attempt.Body(resp)
	page, err := decodePage(body)
	if err != nil {
		return nil, newResponseError(resp, body, err, c.mask)
	}
	return page, nil
}

// pageEnvelope mirrors gen.TokenPage with pointers, so that a body lacking
// the page's required members is told apart from an empty last page.
// encoding/json fills a TokenPage from {}, null or a renamed envelope
// without complaint, and a caller would silently see no tokens.
type pageEnvelope struct {
	Tokens      *[]gen.Token `json:"tokens"`
	HasNextPage *bool        `json:"hasNextPage"`
}

func decodePage(body []byte) (*gen.TokenPage, error) {
	var env pageEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("decoding token page: %w", err)
	}
	switch {
	case env.Tokens == nil:
		return nil, errors.New(`decoding token page: required member "tokens" is missing or null`)
	case env.HasNextPage == nil:
		return nil, errors.New(`decoding token page: required member "hasNextPage" is missing or null`)
	}
	return &gen.TokenPage{Tokens: *env.Tokens, HasNextPage: *env.HasNextPage}, nil
}
