package lettatokens

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// awkwardToken holds every character that needs escaping in a path, and a
// shape no redaction recognises: only the call itself knows it is secret.
const awkwardToken = "tok/en?with%25=odd chars#and/more+SECRET"

// TestDeleteTokenEscapesThePath: the token is one escaped path segment,
// which the server unescapes to the exact value; the request has no body.
func TestDeleteTokenEscapesThePath(t *testing.T) {
	for _, token := range []string{awkwardToken, "ck-let-0123456789abcdef0123456789", "a%2Fb", "ü/\x01"} {
		t.Run(token, func(t *testing.T) {
			type seen struct {
				method, token, rawQuery, contentType string
				body                                 []byte
			}
			got := make(chan seen, 1)
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				escaped, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v1/client-side-access-tokens/")
				if !ok || strings.Contains(escaped, "/") {
					t.Errorf("path %q is not one segment under the collection", r.URL.EscapedPath())
				}
				tok, err := url.PathUnescape(escaped)
				if err != nil {
					t.Error(err)
				}
				got <- seen{r.Method, tok, r.URL.RawQuery, r.Header.Get("Content-Type"), body}
				w.WriteHeader(http.StatusNoContent)
			})
			c, _ := newTestClient(t, srv)
			if err := c.DeleteToken(context.Background(), token); err != nil {
				t.Fatal(err)
			}
			s := <-got
			if s.method != http.MethodDelete || s.token != token || s.rawQuery != "" {
				t.Errorf("server saw %s of token %q (query %q), want DELETE of %q", s.method, s.token, s.rawQuery, token)
			}
			if len(s.body) != 0 || s.contentType != "" {
				t.Errorf("request body %q with Content-Type %q; want none", s.body, s.contentType)
			}
		})
	}
}

// TestDeleteTokenAnswers: any 2xx is success (204 is the spec's), whatever
// its body says: the token is gone. Anything else is an *Error.
func TestDeleteTokenAnswers(t *testing.T) {
	for _, tt := range []struct {
		status            int
		contentType, body string
		wantErr           bool
	}{
		{http.StatusNoContent, "", "", false},
		{http.StatusOK, "application/json", "{}", false},
		{http.StatusOK, "", "", false},
		{http.StatusOK, "text/plain", "deleted", false},
		{http.StatusOK, "application/json", "{deleted", false},
		{http.StatusAccepted, "text/html", "<p>ok</p>", false},
		{http.StatusBadRequest, "application/json", `{"message":"no such token"}`, true},
		{http.StatusNotFound, "text/plain; charset=utf-8", "404 page not found\n", true},
	} {
		c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
			return fakeAnswer(req, tt.status, tt.contentType, []byte(tt.body)), nil
		}))
		err := c.DeleteToken(context.Background(), "ck-let-0123456789abcdef0123456789")
		var apiErr *Error
		if tt.wantErr != (errors.As(err, &apiErr) && apiErr.StatusCode == tt.status) || !tt.wantErr && err != nil {
			t.Errorf("HTTP %d %s %q: err = %v, want an *Error: %v", tt.status, tt.contentType, tt.body, err, tt.wantErr)
		}
	}
}

// TestDeleteTokenRefusesWhatNoPathCanHold: an empty token, "." or ".."
// would address the collection or another path once the URL is resolved;
// nothing is sent.
func TestDeleteTokenRefusesWhatNoPathCanHold(t *testing.T) {
	n := &counter{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.inc()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, srv)
	for _, token := range []string{"", ".", ".."} {
		err := c.DeleteToken(context.Background(), token)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != "token" || !errors.Is(err, ErrInvalidParams) {
			t.Errorf("DeleteToken(%q): err = %v, want a *ParamError for token", token, err)
		}
	}
	if n.count() != 0 {
		t.Errorf("%d requests sent", n.count())
	}
}
