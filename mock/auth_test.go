package mock_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

func TestAuth(t *testing.T) {
	tests := []struct {
		name          string
		configuredKey string
		authorization string // "" sends no header
		wantStatus    int
	}{
		{"missing header", "", "", http.StatusUnauthorized},
		{"basic scheme", "", "Basic x", http.StatusUnauthorized},
		{"bare key without scheme", "", testKey, http.StatusUnauthorized},
		{"empty bearer", "", "Bearer ", http.StatusUnauthorized},
		{"blank bearer", "", "Bearer    ", http.StatusUnauthorized},
		{"any key when none configured", "", "Bearer whatever", http.StatusOK},
		{"scheme is case-insensitive", "", "bearer whatever", http.StatusOK},
		{"wrong configured key", testKey, "Bearer sk-let-wrong-key-0000000000000", http.StatusUnauthorized},
		{"configured key plus suffix", testKey, "Bearer " + testKey + "x", http.StatusUnauthorized},
		{"right configured key", testKey, "Bearer " + testKey, http.StatusOK},
		{"right key, extra spaces", testKey, "Bearer   " + testKey + " ", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, mock.Options{Tokens: mock.SeedTokens(3), APIKey: tt.configuredKey})
			e := do(t, ts, http.MethodGet, "", tt.authorization)
			if tt.wantStatus == http.StatusOK {
				e.page(t)
				return
			}
			msg := e.message(t, tt.wantStatus)
			if got := e.header.Get("WWW-Authenticate"); got != "Bearer" {
				t.Errorf("WWW-Authenticate %q, want Bearer", got)
			}
			_, cred, _ := strings.Cut(tt.authorization, " ")
			for _, secret := range []string{testKey, strings.TrimSpace(cred)} {
				if len(secret) >= 4 && strings.Contains(msg, secret) {
					t.Errorf("401 message %q echoes a credential", msg)
				}
			}
		})
	}
}

// Credentials are checked before parameters, as Cloud's middleware does: a
// caller without a key learns nothing about the parameters.
func TestAuthBeforeValidation(t *testing.T) {
	ts := newServer(t, mock.Options{APIKey: testKey})
	e := do(t, ts, http.MethodGet, "limit=abc", "")
	e.message(t, http.StatusUnauthorized)
}
