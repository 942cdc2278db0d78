package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestCheckSeedLeftTokensAlwaysNamed: whatever ends a --seed run (here the
// key refused on delete, or no route to delete), the tokens it could not
// delete are still named, so that no one believes the account clean.
func TestCheckSeedLeftTokensAlwaysNamed(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		want   string
	}{
		{"credentials rejected on delete", http.StatusUnauthorized, "credentials rejected"},
		{"forbidden on delete", http.StatusForbidden, "credentials rejected"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(5)})
			if err != nil {
				t.Fatal(err)
			}
			ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tt.status)
					w.Write([]byte(`{"message":"no"}`))
					return
				}
				srv.ServeHTTP(w, r)
			}))
			r := runCLI(t, envFor(ts.URL), "check", "--seed")
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) ||
				!strings.Contains(r.stderr, "3 of the 3 tokens this run created could not be deleted: they expire by ") {
				t.Errorf("exit %d, stderr %q; want %d, %q and the tokens left named", r.code, r.stderr, exitUsage, tt.want)
			}
		})
	}
}
