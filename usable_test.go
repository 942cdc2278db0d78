package lettatokens

import (
	"context"
	"encoding/json"
	"errors"
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

// TestEdgesOfSuccess: every 2xx with a JSON page is an answer, the last
// one (299) included; the first status past them (300) is not.
func TestEdgesOfSuccess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, status := range []int{200, 203, 299} {
		body := pageJSON(t)
		srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write(body)
		})
		c, _ := newTestClient(t, srv)
		page, err := c.ListTokens(ctx, ListOptions{})
		if err != nil || len(page.Tokens) != 2 {
			t.Errorf("HTTP %d with a page: page %v, err %v; want the page's 2 tokens", status, page, err)
		}
	}
}

// TestPlusJSONIsJSON: any +json media type is JSON, as Error's doc says.
// A 2xx application/problem+json that holds a page is that page; one that
// holds a problem document is an *Error whose cause is the decoding, not
// the Content-Type; a 2xx text/json or application/jsonx is not JSON.
func TestPlusJSONIsJSON(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	problem := []byte(`{"type":"about:blank","title":"Bad Request","status":400}`)
	for _, tc := range []struct {
		contentType string
		body        []byte
		wantPage    bool
		wantNotJSON bool
	}{
		{"application/problem+json", pageJSON(t), true, false},
		{"application/vnd.letta+json; charset=utf-8", pageJSON(t), true, false},
		{"APPLICATION/PROBLEM+JSON", pageJSON(t), true, false},
		{"application/problem+json", problem, false, false},
		{"Application/JSON", pageJSON(t), true, false},
		{"+json", pageJSON(t), false, true},
		{"problem+json", pageJSON(t), false, true},
		{"application/jsonx", pageJSON(t), false, true},
		{"text/plain+jsonp", pageJSON(t), false, true},
		{"text/html", pageJSON(t), false, true},
	} {
		srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", tc.contentType)
			w.Write(tc.body)
		})
		c, _ := newTestClient(t, srv)
		page, err := c.ListTokens(ctx, ListOptions{})
		if tc.wantPage {
			if err != nil || len(page.Tokens) != 2 {
				t.Errorf("200 %s with a page: page %v, err %v; want the page", tc.contentType, page, err)
			}
			continue
		}
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusOK {
			t.Errorf("200 %s with %s: err = %v, want an *Error", tc.contentType, tc.body, err)
			continue
		}
		if got := errors.Is(err, attempt.ErrNotJSON); got != tc.wantNotJSON {
			t.Errorf("200 %s: errors.Is(err, attempt.ErrNotJSON) = %v, want %v (err %v)", tc.contentType, got, tc.wantNotJSON, err)
		}
	}
}

// TestUndeclaredZeroLengthIsReadWhole: a response whose ContentLength is 0
// although it has a body (a caller's fake transport that never set it) is
// read to its end, within the cap, like one of unknown length: not taken
// for an empty body.
func TestUndeclaredZeroLengthIsReadWhole(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	body := pageJSON(t)
	c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
		return fakeAnswer(req, http.StatusOK, "application/json", body), nil
	}))
	page, err := c.ListTokens(ctx, ListOptions{})
	if err != nil || len(page.Tokens) != 2 {
		t.Fatalf("ListTokens: page %v, err %v; want the page of two tokens", page, err)
	}
}

// TestNoContentToAListIsNoPage: a 204 is usable as a delete's answer, but
// a list answered 204 has no page: an *Error 204, drift.
func TestNoContentToAListIsNoPage(t *testing.T) {
	c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
		return fakeAnswer(req, http.StatusNoContent, "", nil), nil
	}))
	_, err := c.ListTokens(t.Context(), ListOptions{})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNoContent || KindOf(err) != KindUndocumented {
		t.Errorf("err = %v (kind %s), want an *Error 204, undocumented", err, KindOf(err))
	}
}
