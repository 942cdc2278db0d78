package live_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestCheckLiveStopsByKind: the run sorts a step's error by
// lettatokens.KindOf, and the error it stops with still has that kind, so
// that the command words it as it words a listing's. A server that is not
// Letta's API (404 HTML on the collection), a redirect to another origin,
// a refused key, an outage (persistent 429 or 5xx, a body that trickles or
// breaks off) and a server that cannot be reached stop the run: none is
// drift, no report is given, and the error never holds the key.
func TestCheckLiveStopsByKind(t *testing.T) {
	elsewhere := httptest.NewServer(http.NotFoundHandler())
	defer elsewhere.Close()
	otherKey, err := mock.New(mock.Options{Tokens: mock.SeedTokens(3), APIKey: "sk-let-anotherKey000000000"})
	if err != nil {
		t.Fatal(err)
	}
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Error(w, "try later", code) }
	}
	for _, tt := range []struct {
		name    string
		handler http.Handler // nil: no server listens
		want    lettatokens.Kind
		is      error
	}{
		{"not the API", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "<html>Not Found</html>")
		}), lettatokens.KindNotAPI, nil},
		{"redirect elsewhere", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
		}), lettatokens.KindRedirected, nil},
		{"key refused", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusUnauthorized, `{"message":"no"}`)
		}), lettatokens.KindUnauthorized, live.ErrCredentialsRejected},
		{"wrong key", otherKey, lettatokens.KindUnauthorized, live.ErrCredentialsRejected},
		{"persistent 429", status(http.StatusTooManyRequests), lettatokens.KindUnavailable, live.ErrServerUnavailable},
		{"persistent 503", status(http.StatusServiceUnavailable), lettatokens.KindUnavailable, live.ErrServerUnavailable},
		{"body trickles", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			for {
				if _, err := io.WriteString(w, " "); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}), lettatokens.KindUnavailable, live.ErrServerUnavailable},
		{"body breaks off", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, `{"tokens":[`)
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}), lettatokens.KindUnavailable, live.ErrServerUnavailable},
		{"unreachable", nil, lettatokens.KindUnreachable, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.handler)
			defer ts.Close()
			if tt.handler == nil {
				ts.Close()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			report, err := live.CheckLive(ctx, live.LiveConfig{BaseURL: ts.URL, APIKey: testKey,
				Options: []lettatokens.Option{lettatokens.WithMaxRetries(0), lettatokens.WithTimeout(300 * time.Millisecond)}})
			if report != nil || lettatokens.KindOf(err) != tt.want {
				t.Fatalf("report %+v, err %v (kind %s); want no report and kind %s", report, err, lettatokens.KindOf(err), tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err %v, want %v", err, tt.is)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}
