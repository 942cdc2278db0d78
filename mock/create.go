package mock

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// defaultExpiry is how long a created token lives when the request names
// no expires_at, as upstream documents.
const defaultExpiry = 5 * time.Minute

// CreateClientSideAccessToken adds a token to the account and answers it,
// 201, its value in full. It implements [server.ServerInterface]; requests
// reach it through ServeHTTP, which has already authenticated them and
// validated the body against the spec's CreateTokenRequest.
func (s *operations) CreateClientSideAccessToken(w http.ResponseWriter, r *http.Request) {
	var req gen.CreateTokenRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeMessage(w, http.StatusBadRequest, "request body: want a JSON CreateTokenRequest")
		return
	}
	expires, msg, ok := expiryOf(req.ExpiresAt, time.Now())
	if !ok {
		writeMessage(w, http.StatusBadRequest, msg)
		return
	}
	tok, err := s.account.create(req.Policy, req.Hostname, formatExpiresAt(expires))
	if err != nil {
		status := http.StatusInternalServerError // a value drawn twice
		if errors.Is(err, ErrMockFull) {
			status = http.StatusBadRequest
		}
		writeMessage(w, status, "mock: "+err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, tok)
}
