package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/redact"

	"github.com/letta-tokens/letta-tokens/gen"
)

// TestMaskerEachFieldOnItsOwn puts a secret in one field of a row at a
// time, every other field clean: the one-pass scan of the row must look at
// every field, or a secret only there is printed. Secrets: the API key
// (with and without the sk-let- shape) and another token's value.
func TestMaskerEachFieldOnItsOwn(t *testing.T) {
	const other = "ck-let-someone-elses-token-0123456789abcdef"
	clean := func() gen.Token {
		return gen.Token{
			Token: "ck-let-own-value-0123456789abcdef0123", Hostname: "https://app.example.com", ExpiresAt: "2030-01-02T03:04:05Z",
			Policy: gen.TokenPolicy{Version: "1", Data: []gen.AgentPolicy{{
				Type: "agent", Id: "agent-1", Access: []gen.AgentAccess{"read_messages", "write_messages"},
			}}},
		}
	}
	fields := map[string]func(*gen.Token, string){
		"hostname":  func(t *gen.Token, s string) { t.Hostname = "https://" + s },
		"expiresAt": func(t *gen.Token, s string) { t.ExpiresAt = s },
		"version":   func(t *gen.Token, s string) { t.Policy.Version = gen.TokenPolicyVersion(s) },
		"id":        func(t *gen.Token, s string) { t.Policy.Data[0].Id = "agent-" + s },
		"type":      func(t *gen.Token, s string) { t.Policy.Data[0].Type = gen.AgentPolicyType(s) },
		"access":    func(t *gen.Token, s string) { t.Policy.Data[0].Access[1] = gen.AgentAccess(s) },
	}
	for _, key := range []string{testKey, "letta-selfhosted-password-0123456789abcdef"} {
		for _, reveal := range []bool{false, true} {
			m := newMasker(key, reveal)
			for field, set := range fields {
				for _, secret := range []string{key, other} {
					tok := clean()
					set(&tok, secret)
					out, err := json.Marshal(m.token(tok))
					if err != nil {
						t.Fatal(err)
					}
					if strings.Contains(string(out), secret[:20]) {
						t.Errorf("key %.12s…, reveal %v: %s holding %.12s… printed as %s", key, reveal, field, secret, out)
					}
				}
			}
		}
	}
}

// newMasker is the rows' masker of a run whose key is apiKey.
func newMasker(apiKey string, reveal bool) masker {
	return masker{key: redact.NewMasker(apiKey), reveal: reveal}
}
