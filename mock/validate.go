package mock

import (
	"net/http"
	"strings"
)

// validateRequest checks r against the spec's parameters and reports
// whether it may proceed and, if not, the message for the 400: the breaking
// findings' messages, each of which names its parameter.
func (s *Server) validateRequest(r *http.Request) (message string, ok bool) {
	if r.Method == http.MethodHead {
		// ServeMux serves HEAD with the GET handler; the spec lists only
		// GET, and a HEAD is a GET without the body.
		r = r.WithContext(r.Context())
		r.Method = http.MethodGet
	}
	breaking := s.validator.ValidateRequest(r).Breaking()
	if len(breaking) == 0 {
		return "", true
	}
	messages := make([]string, len(breaking))
	for i, f := range breaking {
		messages[i] = f.Message
	}
	return strings.Join(messages, "; "), false
}
