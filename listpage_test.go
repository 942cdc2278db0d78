package lettatokens

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

func TestListTokens(t *testing.T) {
	queries := make(chan string, 8)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		queries <- r.URL.RawQuery
		writePage(t, w, makeTokens(0, 2), true)
	})
	c, _ := newTestClient(t, srv)
	for _, tt := range []struct {
		params    ListOptions
		wantQuery string
	}{
		{ListOptions{}, "offset=0"},
		{ListOptions{Limit: 2, Offset: 4}, "offset=4&limit=2"},
		{ListOptions{AgentID: "agent 1&x=y", Limit: 50}, "agentId=agent+1%26x%3Dy&offset=0&limit=50"},
	} {
		page, err := c.ListTokens(context.Background(), tt.params)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Tokens) != 2 || !page.HasNextPage {
			t.Errorf("page = %+v", page)
		}
		if q := <-queries; q != tt.wantQuery {
			t.Errorf("%+v: query %q, want %q", tt.params, q, tt.wantQuery)
		}
	}
	for _, p := range []ListOptions{{Limit: -1}, {Offset: -1}} {
		var pe *ParamError
		if _, err := c.ListTokens(context.Background(), p); !errors.As(err, &pe) || !errors.Is(err, ErrInvalidParams) {
			t.Errorf("%+v: err = %v, want a *ParamError", p, err)
		}
	}
	if len(queries) != 0 {
		t.Errorf("invalid parameters were sent")
	}
}

// TestGeneratedGoesThroughTheClient: the generated client a Client hands
// out authenticates, and its raw methods see the same checks.
func TestGeneratedGoesThroughTheClient(t *testing.T) {
	auth := make(chan string, 1)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		auth <- r.Header.Get("Authorization")
		writeJSON(t, w, http.StatusInternalServerError, map[string]string{"message": "boom"})
	})
	c, _ := newTestClient(t, srv, WithMaxRetries(0))
	resp, err := c.Generated().ListClientSideAccessTokensWithResponse(context.Background(), nil)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Message != "boom" {
		t.Fatalf("resp %+v, err %v; want *Error 500 boom", resp, err)
	}
	if got := <-auth; got != "Bearer "+testAPIKey {
		t.Errorf("Authorization = %q", got)
	}
}

// A *Client is what a walk takes.
var _ PageLister = (*Client)(nil)
