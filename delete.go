package lettatokens

import (
	"context"
	"net/http"
)

// DeleteToken deletes the client-side access token whose value is token.
// Letta answers 204 No Content; any 2xx is taken as success.
//
// The token is a secret: it is sent as one escaped path segment (any
// character may appear in it), and it appears in no error this method
// returns, whatever the server echoes, nor in the URL a transport error
// quotes (cut to the origin). An empty token, "." and ".." are a
// [*ParamError]: resolved as a URL path, they would address another
// resource. Any other answer is an [*Error] (the documented 400 included,
// and 404 for a token that does not exist). A failed attempt is retried
// like any call; deleting twice is harmless, though a retry after a
// deletion whose answer was lost may end in an error for a token that is
// in fact gone.
func (c *Client) DeleteToken(ctx context.Context, token string) error {
	switch token {
	case "":
		return &ParamError{Field: "token", Reason: "is empty"}
	case ".", "..":
		return &ParamError{Field: "token", Reason: "is a dot segment, which no URL path can carry"}
	}
	// The body is optional in the spec and Letta's SDKs send none: no body,
	// and no Content-Type for it, which the generated builder would add.
	resp, err := c.generated.DeleteClientSideAccessTokenWithBody(ctx, token, "", nil, withoutContentType)
	if err != nil {
		return failed("delete token", err, c.mask.With(token))
	}
	return resp.Body.Close()
}

func withoutContentType(_ context.Context, req *http.Request) error {
	req.Header.Del("Content-Type")
	return nil
}
