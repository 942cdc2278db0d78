package mock

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/letta-tokens/letta-tokens/contract"
)

// MaxRequestBodyBytes is the largest request body the mock reads; a longer
// one is answered 413, as Cloud's body parser answers a body over its
// limit. It is the contract validator's cap, so every body the mock
// accepts is validated whole.
const MaxRequestBodyBytes = contract.MaxRequestBodyBytes

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
// validates it against the spec: a 400 gives the breaking findings'
// messages, each of which names its parameter.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg, ok := s.authenticate(r); !ok {
			// RFC 9110 requires a challenge on every 401.
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeMessage(w, http.StatusUnauthorized, msg)
			return
		}
		if !readBody(w, r) {
			return
		}
		validated := r
		if r.Method == http.MethodHead {
			// ServeMux serves HEAD with the GET handler; the spec lists only
			// GET, and a HEAD is a GET without the body.
			validated = r.WithContext(r.Context())
			validated.Method = http.MethodGet
		}
		if breaking := s.validator.ValidateRequest(validated).Breaking(); len(breaking) > 0 {
			messages := make([]string, len(breaking))
			for i, f := range breaking {
				messages[i] = f.Message
			}
			writeMessage(w, http.StatusBadRequest, strings.Join(messages, "; "))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate checks r's Authorization header the way Cloud does for API
// keys: Bearer scheme, non-empty credentials, and, when the mock is given a
// key, that key. It reports whether r may go on and, if not, the message
// for the 401, which never echoes the credentials.
func (s *Server) authenticate(r *http.Request) (message string, ok bool) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return "missing Authorization header: send Authorization: Bearer <API key>", false
	}
	scheme, credentials, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") { // auth schemes are case-insensitive (RFC 9110)
		return "malformed Authorization header: want Bearer <API key>", false
	}
	credentials = strings.TrimSpace(credentials)
	if credentials == "" {
		return "empty bearer token: send Authorization: Bearer <API key>", false
	}
	if s.keyHash != nil {
		got := sha256.Sum256([]byte(credentials))
		if subtle.ConstantTimeCompare(got[:], s.keyHash[:]) != 1 {
			return "invalid API key", false
		}
	}
	return "", true
}

// readBody reads r's body, at most MaxRequestBodyBytes, and gives r a body
// that replays it for the validator and then the handler. It answers a
// body it refuses itself, and reports whether r may go on.
func readBody(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeMessage(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", MaxRequestBodyBytes))
		return false
	case err != nil:
		writeMessage(w, http.StatusBadRequest, "request body could not be read")
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return true
}
