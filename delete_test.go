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

// TestDeleteTokenAnswers: any 2xx is success (204 is the spec's); anything
// else is an *Error.
func TestDeleteTokenAnswers(t *testing.T) {
	for _, tt := range []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int // 0: success
	}{
		{"204", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }, 0},
		{"200 with JSON", func(w http.ResponseWriter, r *http.Request) { writeJSON(t, w, http.StatusOK, map[string]any{}) }, 0},
		// The token is gone whatever the body says (issue 13: these used to
		// fail, and the CLI's delete exited 1 for a deleted token).
		{"200 empty", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }, 0},
		{"200 text/plain", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "deleted")
		}, 0},
		{"200 invalid JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "{deleted")
		}, 0},
		{"202 HTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, "<p>ok</p>")
		}, 0},
		{"400", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(t, w, http.StatusBadRequest, map[string]string{"message": "no such token"})
		}, http.StatusBadRequest},
		{"404 HTML", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			c, _ := newTestClient(t, srv)
			err := c.DeleteToken(context.Background(), "ck-let-0123456789abcdef0123456789")
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus {
				t.Errorf("err = %v, want an *Error %d", err, tt.wantStatus)
			}
		})
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
