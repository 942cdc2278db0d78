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

// A *Client is what a walk takes.
var _ PageLister = (*Client)(nil)
