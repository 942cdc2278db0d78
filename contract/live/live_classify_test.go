package live_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract/live"
)

// TestCheckLiveStopsByKind: the run sorts a step's error by
// lettatokens.KindOf, and the error it stops with still has that kind, so
// that the command words it as it words a listing's. A server that is not
// Letta's API (404 HTML on the collection) and a redirect to another
// origin stop the run: neither is drift, and no report is given.
func TestCheckLiveStopsByKind(t *testing.T) {
	elsewhere := httptest.NewServer(http.NotFoundHandler())
	defer elsewhere.Close()
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		want    lettatokens.Kind
		is      error
	}{
		{"not the API", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "<html>Not Found</html>")
		}, lettatokens.KindNotAPI, nil},
		{"redirect elsewhere", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
		}, lettatokens.KindRedirected, nil},
		{"key refused", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"no"}`)
		}, lettatokens.KindUnauthorized, live.ErrCredentialsRejected},
		{"outage", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusServiceUnavailable)
		}, lettatokens.KindUnavailable, live.ErrServerUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.handler)
			defer ts.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			report, err := live.CheckLive(ctx, live.LiveConfig{BaseURL: ts.URL, APIKey: testKey,
				Options: []lettatokens.Option{lettatokens.WithMaxRetries(0)}})
			if report != nil || lettatokens.KindOf(err) != tt.want {
				t.Fatalf("report %+v, err %v (kind %s); want no report and kind %s", report, err, lettatokens.KindOf(err), tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err %v, want %v", err, tt.is)
			}
		})
	}
}
