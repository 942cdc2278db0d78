package contract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCutValueIsMasked: a page's own token value, of no known shape, in a
// member name of its token, at every offset around the cap on a quoted
// name: no 12-byte window of it is left in a finding. The name was cut to
// its cap before the page's values were masked, so the start of the value
// was printed by check.
func TestCutValueIsMasked(t *testing.T) {
	v := newValidator(t)
	for _, val := range []string{"hostile-token-value-0123456789abcdef", "hostile/token~value\"0123456789abcdef"} {
		for pad := 150; pad < 205; pad++ {
			tok := map[string]any{"token": val, "hostname": "https://h", "expiresAt": "2030-01-02T03:04:05Z",
				"policy":                       map[string]any{"version": "1", "data": []any{}},
				strings.Repeat("x", pad) + val: 1}
			body, err := json.Marshal(map[string]any{"tokens": []any{tok}, "hasNextPage": false})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens", nil)
			fs := v.ValidateResponse(req, http.StatusOK, jsonHeader, body)
			if len(fs) == 0 {
				t.Fatalf("pad %d: no finding for the unknown member", pad)
			}
			for _, f := range fs {
				for _, text := range []string{f.Message, f.Pointer} {
					for i := 0; i+12 <= len(val); i++ {
						if w := val[i : i+12]; strings.Contains(text, w) || strings.Contains(text, strings.NewReplacer("~", "~0", "/", "~1", `"`, `\"`).Replace(w)) {
							t.Fatalf("value %q, pad %d: %q holds %q", val, pad, text, w)
						}
					}
				}
			}
		}
	}
}
