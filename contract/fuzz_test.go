package contract

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/redact"
)

// fuzzKey is the configured key of FuzzValidateResponse: not shaped like a
// Letta key, with characters that JSON, URLs and JSON pointers escape.
const fuzzKey = "fuzz-Key/0123+SECRET&<x>~"

// controlOrBidi is what no finding may hold.
var controlOrBidi = regexp.MustCompile("[\x00-\x1f\x7f\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

// FuzzValidateResponse: whatever the body, status and content type,
// ValidateResponse does not panic, and no finding's message or pointer
// holds the configured key (in any escaped form), anything token-shaped, the
// value of a token of the body, or a control character.
func FuzzValidateResponse(f *testing.F) {
	for _, name := range []string{"conformant/first-page", "conformant/additive-secret-member-name", "drift/secret-in-enum-field", "drift/unknown-enum-type"} {
		x := readExchange(f, filepath.Join("testdata", name+".http"))
		f.Add(x.body, x.resp.StatusCode, x.resp.Header.Get("Content-Type"))
	}
	keyJSON, _ := json.Marshal(fuzzKey)
	f.Add([]byte(`{"tokens":[{"token":"opaque-token-value-0001","hostname":`+string(keyJSON)+`,"expiresAt":"opaque-token-value-0001","policy":{"version":"1","data":[{"type":"opaque-token-value-0001","id":"x","access":["read_agent"]}]},"opaque-token-value-0001":1}],"hasNextPage":false}`), 200, "application/json")
	f.Add([]byte(`{"tokens":[{"token":"t","hostname":"h","expiresAt":"\u001b[2J","policy":{"version":99999999999999999999999999,"data":[]},"\u001b]0;x\u0007":1}],"hasNextPage":"\n"}`), 200, "application/json")
	f.Add([]byte(`{"message":`+string(keyJSON)+`}`), 400, "application/json")
	f.Add([]byte("<html>"+fuzzKey+"</html>"), 502, "text/html; x="+fuzzKey)
	v, err := NewValidator(WithSecrets(fuzzKey))
	if err != nil {
		f.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?limit=3&agentId=agent-1", nil)
	keyMask := redact.NewMasker(fuzzKey)
	f.Fuzz(func(t *testing.T, body []byte, status int, contentType string) {
		if status < 100 || status > 999 {
			status = 200 + (status%800+800)%800
		}
		header := http.Header{"Content-Type": {contentType}}
		findings := v.ValidateResponse(req, status, header, body)
		values := bodyTokenValues(body)
		for _, fd := range findings {
			for _, s := range []string{fd.Message, fd.Pointer} {
				if keyMask.Holds(s) {
					t.Fatalf("finding holds a secret: %q", s)
				}
				if controlOrBidi.MatchString(s) {
					t.Fatalf("finding holds a control character: %q", s)
				}
				for _, val := range values {
					if strings.Contains(s, val) {
						t.Fatalf("finding holds the token value %q: %q", val, s)
					}
				}
			}
		}
	})
}

// bodyTokenValues lists the token values of a body that no finding may
// hold: those long enough to be told from ordinary words, in plain text.
func bodyTokenValues(body []byte) []string {
	var page struct {
		Tokens []struct {
			Token any `json:"token"`
		} `json:"tokens"`
	}
	if json.Unmarshal(body, &page) != nil {
		return nil
	}
	var out []string
	for _, t := range page.Tokens {
		s, ok := t.Token.(string)
		if ok && len(s) >= redact.MinWindow && regexp.MustCompile(`^[ -~]+$`).MatchString(s) && !strings.ContainsAny(s, `\"`) {
			out = append(out, s)
		}
	}
	return out
}
