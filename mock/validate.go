package mock

import (
	"net/http"
	"strings"

	"github.com/letta-tokens/letta-tokens/contract"
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
	findings := s.validator.ValidateRequest(r)
	if !findings.HasBreaking() {
		return "", true
	}
	var messages []string
	for _, f := range findings {
		if f.Severity == contract.Breaking {
			messages = append(messages, f.Message)
		}
	}
	return strings.Join(messages, "; "), false
}
