package lettatokens

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestPageEnvelopeIsRequired: a 200 JSON body without the page's required
// members is an *Error, not an empty last page that would silently lose
// every token.
func TestPageEnvelopeIsRequired(t *testing.T) {
	tests := []struct {
		body    string
		wantErr string // "" for a page
	}{
		{`{"tokens":[],"hasNextPage":false}`, ""},
		{`{}`, `"tokens" is missing`},
		{`null`, `"tokens" is missing`},
		{`{"items":[{"token":"x"}],"has_next":true}`, `"tokens" is missing`},
		{`{"tokens":null,"hasNextPage":false}`, `"tokens" is missing or null`},
		{`{"tokens":[]}`, `"hasNextPage" is missing`},
		{`{"tokens":[],"hasNextPage":null}`, `"hasNextPage" is missing or null`},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, tt.body)
			})
			c, _ := newTestClient(t, srv)
			resp, err := c.ListTokens(context.Background(), ListOptions{})
			if tt.wantErr == "" {
				if err != nil || resp == nil {
					t.Fatalf("got %v, %v; want a page", resp, err)
				}
				return
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want an *Error for HTTP 200 saying %s", err, tt.wantErr)
			}
			if _, err := collect(c.Tokens(context.Background(), ListOptions{})); err == nil {
				t.Error("the walk must fail too, not list zero tokens")
			}
		})
	}
}
