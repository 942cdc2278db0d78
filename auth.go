package lettatokens

import (
	"context"
	"net/http"

	"github.com/letta-tokens/letta-tokens/gen"
)

// BearerAuth returns a request editor that authenticates requests with a
// Letta API key. NewClient installs it; use it alone with the generated
// client:
//
//	c, err := gen.NewClientWithResponses(lettatokens.DefaultBaseURL,
//		gen.WithRequestEditorFn(lettatokens.BearerAuth(key)))
func BearerAuth(apiKey string) gen.RequestEditorFn {
	return setHeader("Authorization", "Bearer "+apiKey)
}

// setHeader returns a request editor that sets header name to value, built
// once rather than per request.
func setHeader(name, value string) gen.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set(name, value)
		return nil
	}
}

// Version is this module's version, sent in the User-Agent header.
const Version = "0.1.0"

// defaultUserAgent names this module and its version, so Letta can tell
// its traffic apart.
const defaultUserAgent = "letta-tokens-go/" + Version + " (+https://github.com/letta-tokens/letta-tokens)"
