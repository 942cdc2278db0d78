package mock

import (
	"net/http"
)

// guardedMux is the router handed to server.HandlerWithOptions. It registers
// each generated route behind guard, so that the guard runs after routing
// (an unknown path is a 404, a wrong method a 405, as Cloud answers) but
// before the generated wrapper binds parameters (so credentials are checked
// before parameters, as Cloud's middleware does, and the spec validator, not
// the binder, words parameter errors).
type guardedMux struct {
	*http.ServeMux
	guard func(http.Handler) http.Handler
}

// HandleFunc implements gen.ServeMux.
func (m guardedMux) HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request)) {
	m.ServeMux.Handle(pattern, m.guard(http.HandlerFunc(handler)))
}

// guard authenticates a request, then reads its body (bounded), then
// validates it against the spec.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg, ok := s.auth.authenticate(r); !ok {
			// RFC 9110 requires a challenge on every 401.
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeMessage(w, http.StatusUnauthorized, msg)
			return
		}
		if !readBody(w, r) {
			return
		}
		if msg, ok := s.validateRequest(r); !ok {
			writeMessage(w, http.StatusBadRequest, msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}
