package mock_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestEveryResponsePassesContract walks every page of a seeded mock, at
// page sizes that do and do not divide the total, with and without an agent
// filter, and checks each response with the contract validator.
func TestEveryResponsePassesContract(t *testing.T) {
	const total = 95
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, mock.Options{Tokens: mock.SeedTokens(total), APIKey: testKey})

	walks := []struct {
		agentID string
		limit   int
	}{
		{"", 10}, {"", 7}, {"", 95}, {"", 1},
		{mock.SeedAgentID(0), 10}, {mock.SeedAgentID(3), 7},
	}
	for _, w := range walks {
		t.Run(fmt.Sprintf("agent=%q/limit=%d", w.agentID, w.limit), func(t *testing.T) {
			seen, pages := 0, 0
			for offset := 0; ; offset += w.limit {
				q := url.Values{"limit": {fmt.Sprint(w.limit)}, "offset": {fmt.Sprint(offset)}}
				if w.agentID != "" {
					q.Set("agentId", w.agentID)
				}
				e := get(t, ts, q.Encode())
				if fs := v.ValidateResponse(e.req, e.status, e.header, e.body); len(fs) != 0 {
					t.Fatalf("offset %d: findings:\n%s", offset, fs)
				}
				p := e.page(t)
				seen += len(p.Tokens)
				pages++
				if !p.HasNextPage {
					break
				}
				if pages > total {
					t.Fatal("pagination does not end")
				}
			}
			if w.agentID == "" && seen != total {
				t.Errorf("walk saw %d tokens, want %d", seen, total)
			}
			if w.agentID != "" && seen == 0 {
				t.Errorf("walk for %s saw no tokens", w.agentID)
			}
		})
	}

	t.Run("defaults and limit=0", func(t *testing.T) {
		for _, q := range []string{"", "limit=0", "offset=95", "agentId=agent-nobody"} {
			e := get(t, ts, q)
			if fs := v.ValidateResponse(e.req, e.status, e.header, e.body); len(fs) != 0 {
				t.Errorf("?%s: findings:\n%s", q, fs)
			}
		}
	})

	t.Run("400 responses", func(t *testing.T) {
		for _, q := range []string{"limit=abc", "offset=-1", "limit=1&limit=2"} {
			e := get(t, ts, q)
			if e.status != http.StatusBadRequest {
				t.Fatalf("?%s: status %d", q, e.status)
			}
			if fs := v.ValidateResponse(e.req, e.status, e.header, e.body); len(fs) != 0 {
				t.Errorf("?%s: findings:\n%s", q, fs)
			}
		}
	})
}
