package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

const testKey = "sk-let-liveTestSECRETkey0000"

// ignoreQueryParam makes a server that ignores one query parameter, as a
// server that drops offset or agentId would.
func ignoreQueryParam(name string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			q.Del(name)
			r.URL.RawQuery = q.Encode()
			h.ServeHTTP(w, r)
		})
	}
}

// serverCase is a server for CheckLive, honest or lying, and what the run
// must say of it.
type serverCase struct {
	name      string
	tokens    int
	wrap      func(http.Handler) http.Handler
	wantCheck contract.Check // "" means the run passes
	additive  bool
	note      string
}

func TestCheckLiveAgainstServers(t *testing.T) {
	tests := []serverCase{
		{name: "faithful mock", tokens: 61},
		{name: "empty account", tokens: 0, note: "item schemas"},
		{name: "additive fields", tokens: 23, additive: true, wrap: func(h http.Handler) http.Handler {
			return mocktest.RewritePages(h, func(p map[string]any) {
				p["total"] = 23
				mocktest.ForEachToken(p, func(tok map[string]any) { tok["createdAt"] = "2026-01-01T00:00:00.000Z" })
			})
		}},
		{name: "hostname dropped", tokens: 23, wantCheck: contract.CheckSchema, wrap: func(h http.Handler) http.Handler {
			return mocktest.RewritePages(h, func(p map[string]any) { mocktest.ForEachToken(p, func(tok map[string]any) { delete(tok, "hostname") }) })
		}},
		{name: "expiresAt as epoch", tokens: 23, wantCheck: contract.CheckExpiresAt, wrap: func(h http.Handler) http.Handler {
			return mocktest.RewritePages(h, func(p map[string]any) {
				mocktest.ForEachToken(p, func(tok map[string]any) { tok["expiresAt"] = "1795000000000" })
			})
		}},
		{name: "offset ignored", tokens: 23, wantCheck: contract.CheckPagination, wrap: ignoreQueryParam("offset")},
		{name: "hasNextPage always true", tokens: 23, wantCheck: contract.CheckPagination, wrap: func(h http.Handler) http.Handler {
			return mocktest.RewritePages(h, func(p map[string]any) { p["hasNextPage"] = true })
		}},
		{name: "agentId ignored", tokens: 23, wantCheck: contract.CheckAgentFilter, wrap: ignoreQueryParam("agentId")},
		{name: "HTML instead of JSON", tokens: 5, wantCheck: contract.CheckContentType, wrap: func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Write([]byte("<html><body>maintenance</body></html>"))
			})
		}},
		{name: "400 to a valid request", tokens: 5, wantCheck: contract.CheckStatus, wrap: func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, http.StatusBadRequest, `{"message":"limit is not supported"}`)
			})
		}},
	}
	for _, c := range []int{1, 4} {
		for _, tt := range tests {
			checkLiveAgainst(t, tt, c)
		}
	}
}

// checkLiveAgainst runs CheckLive at concurrency c against tt's server, as
// a subtest.
func checkLiveAgainst(t *testing.T, tt serverCase, c int) {
	t.Run(fmt.Sprintf("%s/concurrency=%d", tt.name, c), func(t *testing.T) {
		srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(tt.tokens), APIKey: testKey})
		if err != nil {
			t.Fatal(err)
		}
		var h http.Handler = srv
		if tt.wrap != nil {
			h = tt.wrap(srv)
		}
		ts := httptest.NewServer(h)
		defer ts.Close()
		report, err := live.CheckLive(context.Background(), live.LiveConfig{
			BaseURL: ts.URL, APIKey: testKey, PageSizes: [2]int{10, 3}, MaxTokens: 500, Concurrency: c,
			Options: []lettatokens.Option{lettatokens.WithMaxRetries(0)},
		})
		if err != nil {
			t.Fatalf("CheckLive: %v", err)
		}
		if strings.Contains(report.Findings.String(), "SECRET") {
			t.Errorf("report leaks a secret:\n%s", report.Findings)
		}
		if tt.wantCheck == "" {
			if !report.Passed() {
				t.Fatalf("want pass, got breaking findings:\n%s", report.Findings.Breaking())
			}
			if got := len(report.Findings.Additive()) > 0; got != tt.additive {
				t.Errorf("additive findings present = %v, want %v:\n%s", got, tt.additive, report.Findings)
			}
			if tt.tokens > 0 && (report.Tokens != tt.tokens || report.AgentID == "") {
				t.Errorf("walk saw %d tokens (agent %q), want %d and an agent", report.Tokens, report.AgentID, tt.tokens)
			}
		} else {
			found := false
			for _, f := range report.Findings.Breaking() {
				found = found || f.Check == tt.wantCheck
			}
			if !found {
				t.Fatalf("want a breaking %q finding, got:\n%s", tt.wantCheck, report.Findings)
			}
		}
		if tt.note != "" && !strings.Contains(strings.Join(report.Notes, "\n"), tt.note) {
			t.Errorf("notes %q should mention %q", report.Notes, tt.note)
		}
	})
}

// writeJSON answers with status and a JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}
