package lettatokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/attempt"
)

// ListTokens lists one page of tokens: the page at opts.Offset, of at
// most opts.Limit tokens (the server's default of 10 when 0). To list
// every token, walk the pages with [Client.Tokens], which also guards
// against a server whose pages never end or repeat.
//
// A negative Limit or Offset is a [*ParamError]. The body is decoded
// strictly: a page lacking "tokens" or "hasNextPage" is an [*Error], not
// an empty last page.
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
	resp, err := c.generated.ListClientSideAccessTokens(ctx, &p)
	return answer(c, "list tokens", resp, err, decodePage)
}

// answer is what a call through the generated client gives its caller:
// its failure as this package's error, or its body decoded. A response
// got through the attempt loop is 2xx JSON with a capped body, read whole
// (closing it is a no-op). decode names the secret it found, if any (a
// created token's value): the body may hold it in a shape redaction does
// not recognise, so the error masks it by value too.
func answer[T any](c *Client, op string, resp *http.Response, err error, decode func([]byte) (*T, string, error)) (*T, error) {
	if err != nil {
		return nil, failed(op, err, c.mask)
	}
	body := attempt.Body(resp)
	v, secret, err := decode(body)
	if err != nil {
		return nil, newResponseError(resp, body, err, c.mask.With(secret))
	}
	return v, nil
}

// pageEnvelope is gen.TokenPage as tokenEnvelope is gen.Token: a body
// lacking "tokens" is not an empty last page.
type pageEnvelope struct {
	Tokens      *[]gen.Token `json:"tokens"`
	HasNextPage *bool        `json:"hasNextPage"`
}

// decodePage decodes a page; it names no secret (see answer).
func decodePage(body []byte) (*gen.TokenPage, string, error) {
	var env pageEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, "", fmt.Errorf("decoding token page: %w", err)
	}
	switch {
	case env.Tokens == nil:
		return nil, "", errors.New(`decoding token page: required member "tokens" is missing or null`)
	case env.HasNextPage == nil:
		return nil, "", errors.New(`decoding token page: required member "hasNextPage" is missing or null`)
	}
	return &gen.TokenPage{Tokens: *env.Tokens, HasNextPage: *env.HasNextPage}, "", nil
}
