package mock

import (
	"net/http"
)

// DeleteClientSideAccessToken removes the token whose value is token and
// answers 204 without a body. It implements [server.ServerInterface]. A
// value that names no live token gets 400, as upstream documents (the
// package doc says more), with a message that never repeats the value,
// which may be a live secret typed with one character wrong.
func (s *operations) DeleteClientSideAccessToken(w http.ResponseWriter, _ *http.Request, token string) {
	// Both of delete's errors (ErrTokenNotFound, ErrMockFull) are the
	// client's to fix, and their text holds no value.
	if err := s.account.delete(token); err != nil {
		writeMessage(w, http.StatusBadRequest, "mock: "+err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
