package contract

import (
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
)

// TestExpiresAtRuleIsTheClients: the check on expiresAt accepts exactly
// what the client's lettatokens.ExpiresAt parses, so that a finding means
// a caller of the client cannot use the value, and no finding means it can.
func TestExpiresAtRuleIsTheClients(t *testing.T) {
	for _, s := range []string{
		"2030-01-02T03:04:05.678Z", // as Cloud writes it
		"2030-01-02T03:04:05Z",
		"2030-01-02T03:04:05.123456789+02:00",
		"2030-01-02T03:04:05+00:00",
		"2030-01-02 03:04:05Z",
		"2030-01-02T03:04:05",
		"2030-01-02",
		"1893553445",
		"Wed, 02 Jan 2030 03:04:05 GMT",
		"2030-13-02T03:04:05Z",
		"",
		"ck-let-notatimestamp0123456789",
	} {
		_, err := lettatokens.ExpiresAt(gen.Token{ExpiresAt: s})
		if got, want := isRFC3339(s), err == nil; got != want {
			t.Errorf("%q: the contract check says valid=%v, the client's ExpiresAt %v", s, got, want)
		}
	}
}
