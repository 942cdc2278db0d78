package lettatokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/attempt"
)

// pageJSON is a well-formed page of two tokens: what a usable answer to a
// list holds, so that only the status or the Content-Type can make it
// unusable.
func pageJSON(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(gen.TokenPage{Tokens: makeTokens(0, 2), HasNextPage: false})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUnfollowedRedirectIsNoAnswer: net/http returns a 3xx it does not
// follow (a 300, a 302 without Location) as the response. With a JSON body
// that decodes as a page, it is still no answer: an *Error with its status,
// through ListTokens and through the generated client's raw methods, which
// would otherwise hand the 3xx to a caller as a success.
func TestUnfollowedRedirectIsNoAnswer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		location string
	}{
		{"300 Multiple Choices", http.StatusMultipleChoices, ""},
		{"300 with a Location", http.StatusMultipleChoices, "/v1/client-side-access-tokens?offset=0"},
		{"302 without Location", http.StatusFound, ""},
		{"304 Not Modified", http.StatusNotModified, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			body := pageJSON(t)
			srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if tc.location != "" {
					w.Header().Set("Location", tc.location)
				}
				w.WriteHeader(tc.status)
				w.Write(body)
			})
			c, _ := newTestClient(t, srv)
			wantStatus := func(call string, err error) {
				t.Helper()
				var apiErr *Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status {
					t.Errorf("%s: err = %v, want an *Error with status %d", call, err, tc.status)
					return
				}
				// The answer was read and is shown for what it is, not
				// described as a body that could not be read.
				if apiErr.Err != nil || tc.status != http.StatusNotModified && !strings.Contains(apiErr.Body, `"hasNextPage":false`) {
					t.Errorf("%s: Err = %v, Body = %q; want no cause and the body's excerpt", call, apiErr.Err, apiErr.Body)
				}
			}
			_, err := c.ListTokens(ctx, ListOptions{})
			wantStatus("ListTokens", err)
			_, err = c.Generated().ListClientSideAccessTokensWithResponse(ctx, nil)
			wantStatus("Generated().ListClientSideAccessTokensWithResponse", err)
			_, err = c.Generated().CreateClientSideAccessTokenWithResponse(ctx, gen.CreateClientSideAccessTokenJSONRequestBody{})
			wantStatus("Generated().CreateClientSideAccessTokenWithResponse", err)
			_, err = c.Generated().DeleteClientSideAccessTokenWithResponse(ctx, "ck-let-x", map[string]any{})
			wantStatus("Generated().DeleteClientSideAccessTokenWithResponse", err)
			wantStatus("DeleteToken", c.DeleteToken(ctx, "ck-let-x"))
		})
	}
}

// TestListAnswers: what a list makes of a 2xx (or 204) answer, its length
// undeclared (a caller's fake transport that never set ContentLength is
// read to its end, not taken for an empty body). Any 2xx holding a page as
// JSON (application/json or any type/subtype+json, in any case) is that
// page, 299 included. Anything else is an *Error with the answer's status,
// undocumented, and the walk fails with it rather than list no tokens: a
// type that is not JSON (its cause attempt.ErrNotJSON), a 204, a body that
// lacks the page's members, or one that does not decode (a
// *json.UnmarshalTypeError, reachable).
func TestListAnswers(t *testing.T) {
	const js = "application/json"
	page := string(pageJSON(t))
	for _, tt := range []struct {
		status            int
		contentType, body string
		wantErr           string // "" for the page's two tokens; else a part of Error()
	}{
		{200, js, page, ""},
		{203, js, page, ""},
		{299, js, page, ""},
		{200, "application/problem+json", page, ""},
		{200, "application/vnd.letta+json; charset=utf-8", page, ""},
		{200, "APPLICATION/PROBLEM+JSON", page, ""},
		{200, "Application/JSON", page, ""},
		{200, "application/problem+json", `{"type":"about:blank","title":"Bad Request","status":400}`, `"tokens" is missing`},
		{200, "+json", page, "response is not JSON"},
		{200, "problem+json", page, "response is not JSON"},
		{200, "application/jsonx", page, "response is not JSON"},
		{200, "text/plain+jsonp", page, "response is not JSON"},
		{200, "text/html", page, "response is not JSON"},
		{204, "", "", "HTTP 204 No Content"},
		{200, js, `{}`, `"tokens" is missing`},
		{200, js, `null`, `"tokens" is missing`},
		{200, js, `{"items":[{"token":"x"}],"has_next":true}`, `"tokens" is missing`},
		{200, js, `{"tokens":null,"hasNextPage":false}`, `"tokens" is missing or null`},
		{200, js, `{"tokens":[]}`, `"hasNextPage" is missing`},
		{200, js, `{"tokens":[],"hasNextPage":null}`, `"hasNextPage" is missing or null`},
		{200, js, `{"tokens":"not a list","hasNextPage":false}`, "cannot unmarshal"},
	} {
		name := fmt.Sprintf("%d %s %s", tt.status, tt.contentType, tt.body)
		c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
			return fakeAnswer(req, tt.status, tt.contentType, []byte(tt.body)), nil
		}))
		got, err := c.ListTokens(t.Context(), ListOptions{})
		if tt.wantErr == "" {
			if err != nil || len(got.Tokens) != 2 {
				t.Errorf("%s: page %v, err %v; want the page's 2 tokens", name, got, err)
			}
			continue
		}
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status || !strings.Contains(err.Error(), tt.wantErr) || KindOf(err) != KindUndocumented {
			t.Errorf("%s: err = %v (kind %s), want an undocumented *Error %d saying %s", name, err, KindOf(err), tt.status, tt.wantErr)
		}
		if notJSON := strings.Contains(tt.wantErr, "not JSON"); errors.Is(err, attempt.ErrNotJSON) != notJSON {
			t.Errorf("%s: errors.Is(err, attempt.ErrNotJSON) = %v, want %v", name, !notJSON, notJSON)
		}
		var typeErr *json.UnmarshalTypeError
		if strings.Contains(tt.wantErr, "cannot unmarshal") && !errors.As(err, &typeErr) {
			t.Errorf("%s: err = %v, want it to wrap a *json.UnmarshalTypeError", name, err)
		}
		if _, err := collect(c.Tokens(t.Context(), ListOptions{})); err == nil {
			t.Errorf("%s: the walk listed no tokens without an error", name)
		}
	}
}
