package mock_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

func TestBadParams(t *testing.T) {
	ts := newServer(t, mock.Options{Tokens: mock.SeedTokens(20), APIKey: testKey})
	tests := []struct {
		query      string
		wantParams []string
	}{
		{"limit=abc", []string{"limit"}},
		{"limit=-5", []string{"limit"}},
		{"limit=1.5", []string{"limit"}},
		{"limit=1e3", []string{"limit"}},
		{"limit=99999999999999999999", []string{"limit"}},
		{"offset=-1", []string{"offset"}},
		{"offset=abc", []string{"offset"}},
		{"offset=0x10", []string{"offset"}},
		{"limit=5&offset=-1", []string{"offset"}},
		// The spec validator lets a repeated parameter through; the
		// generated binder refuses it, and the mock's error handler words it.
		{"limit=1&limit=2", []string{"limit"}},
		// Every broken parameter is named.
		{"limit=abc&offset=-1", []string{"limit", "offset"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			e := get(t, ts, tt.query)
			msg := e.message(t, http.StatusBadRequest)
			for _, p := range tt.wantParams {
				if !strings.Contains(msg, p) {
					t.Errorf("message %q does not name parameter %q", msg, p)
				}
			}
		})
	}
}

func TestAcceptedParams(t *testing.T) {
	ts := newServer(t, mock.Options{Tokens: mock.SeedTokens(20)})
	for _, q := range []string{
		"unknown=1",             // Cloud ignores parameters it does not know
		"agentId=agent-anybody", // any string is an agent ID
	} {
		t.Run(q, func(t *testing.T) {
			get(t, ts, q).page(t)
		})
	}
}
