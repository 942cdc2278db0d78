package mock

import (
	"fmt"
	"net/http"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
)

// The defaults the spec declares for the operation's paging parameters.
// TestDefaultsMatchSpec keeps them equal to openapi.yaml.
const (
	DefaultLimit  = 10
	DefaultOffset = 0
)

// Options configure a [Server].
type Options struct {
	// Tokens are the account's tokens, served in this order. New copies
	// them, so the caller may reuse the slice. Nil serves an empty account.
	Tokens []gen.Token
	// APIKey, when set, is the only bearer key accepted. When empty, any
	// non-empty bearer key is accepted.
	APIKey string
}

// Server is the mock endpoint. It is an http.Handler serving
// GET /v1/client-side-access-tokens, and is safe for concurrent use: its
// state is fixed when New returns.
type Server struct {
	store     *tokenStore
	auth      bearerAuth
	validator *contract.Validator
	handler   http.Handler
}

var (
	_ gen.ServerInterface = (*Server)(nil)
	_ http.Handler        = (*Server)(nil)
)

// New returns a Server for opts. It fails if a token does not match the
// spec's Token schema, naming the token's index, or if the spec does not
// load.
func New(opts Options) (*Server, error) {
	if err := checkTokens(opts.Tokens); err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	validator, err := contract.NewValidator()
	if err != nil {
		return nil, fmt.Errorf("mock: request validator: %w", err)
	}
	s := &Server{
		store:     newTokenStore(opts.Tokens),
		auth:      newBearerAuth(opts.APIKey),
		validator: validator,
	}
	s.handler = gen.HandlerWithOptions(s, gen.StdHTTPServerOptions{
		// Routing comes first (404, 405), then s.guard (401, then 400 for a
		// spec violation), then the generated parameter binding.
		BaseRouter:       guardedMux{ServeMux: http.NewServeMux(), guard: s.guard},
		ErrorHandlerFunc: writeParamError,
	})
	return s, nil
}

// ServeHTTP serves the mock endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// ListClientSideAccessTokens answers one page of tokens. It implements
// [gen.ServerInterface]; requests reach it through ServeHTTP, which has
// already authenticated and validated them.
func (s *Server) ListClientSideAccessTokens(w http.ResponseWriter, r *http.Request, params gen.ListClientSideAccessTokensParams) {
	offset, limit := DefaultOffset, DefaultLimit
	if params.Offset != nil {
		offset = *params.Offset
	}
	if params.Limit != nil {
		limit = *params.Limit
	}
	// Validation has rejected negatives already; this holds for a caller
	// that invokes the method directly, bypassing ServeHTTP.
	if offset < 0 {
		writeMessage(w, http.StatusBadRequest, `query parameter "offset": must be at least 0`)
		return
	}
	if limit < 0 {
		writeMessage(w, http.StatusBadRequest, `query parameter "limit": must be at least 0`)
		return
	}
	var agentID string
	if params.AgentId != nil {
		agentID = *params.AgentId
	}
	writeJSON(w, http.StatusOK, s.store.page(agentID, offset, limit))
}
