package mocktest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

func TestRewritePages(t *testing.T) {
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(3)})
	if err != nil {
		t.Fatal(err)
	}
	h := RewritePages(srv, func(page map[string]any) {
		page["extra"] = true
		ForEachToken(page, func(tok map[string]any) { delete(tok, "hostname") })
	})
	for _, tt := range []struct {
		auth   string
		status int
	}{{"Bearer k", http.StatusOK}, {"", http.StatusUnauthorized}} {
		req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens", nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Fatalf("status %d, want %d", rec.Code, tt.status)
		}
		if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(rec.Body.Len()) {
			t.Errorf("Content-Length %s for a %d-byte body", got, rec.Body.Len())
		}
		if tt.status != http.StatusOK {
			continue // error bodies pass unchanged
		}
		var page struct {
			Extra  bool             `json:"extra"`
			Tokens []map[string]any `json:"tokens"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		if !page.Extra || len(page.Tokens) != 3 {
			t.Fatalf("page not edited: %+v", page)
		}
		for i, tok := range page.Tokens {
			if _, ok := tok["hostname"]; ok {
				t.Errorf("token %d still has a hostname", i)
			}
		}
	}
}
