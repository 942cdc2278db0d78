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
	value := "Bearer " + apiKey // built once, not per request
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", value)
		return nil
	}
}

// Version is this module's version, sent in the User-Agent header.
const Version = "0.1.0"

// defaultUserAgent names this module and its version, so Letta can tell
// its traffic apart.
const defaultUserAgent = "letta-tokens-go/" + Version + " (+https://github.com/letta-tokens/letta-tokens)"

// userAgentEditor sets the User-Agent header: the caller's product token,
// if any, followed by this module's.
func userAgentEditor(callerUA string) gen.RequestEditorFn {
	value := defaultUserAgent
	if callerUA != "" {
		value = callerUA + " " + defaultUserAgent
	}
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("User-Agent", value)
		return nil
	}
}
