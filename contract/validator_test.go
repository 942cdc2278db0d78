package contract_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
)

// A 204 the spec documents without a body passes with no Content-Type and
// no body; a body on it is a finding.
func TestValidateResponseNoContent(t *testing.T) {
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodDelete, "/v1/client-side-access-tokens/ck-let-some-token-0123456789abcdef", nil)
	if fs := v.ValidateResponse(req, http.StatusNoContent, http.Header{}, nil); len(fs) != 0 {
		t.Errorf("a bare 204: %s", fs)
	}
	fs := v.ValidateResponse(req, http.StatusNoContent, http.Header{"Content-Type": {"application/json"}}, []byte(`{"deleted":true}`))
	if !fs.HasBreaking() || fs[0].Check != contract.CheckContentType {
		t.Errorf("a 204 with a body: %s", fs)
	}
}
