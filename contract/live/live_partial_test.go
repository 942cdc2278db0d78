package live_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestCheckLiveInterruptedReportsWhatItSaw: a run whose context ends midway
// returns, with the context's error, the findings and exchanges it had
// validated, for a caller's reports.
func TestCheckLiveInterruptedReportsWhatItSaw(t *testing.T) {
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(100), APIKey: testKey, Drift: "renamed-expiresAt"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var served atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) > 3 {
			cancel()
			<-r.Context().Done()
			return
		}
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	report, err := live.CheckLive(ctx, live.LiveConfig{BaseURL: ts.URL, APIKey: testKey, PageSizes: [2]int{10, 3}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if report == nil || report.Exchanges != 3 || !report.Findings.HasBreaking() || report.Findings.Breaking()[0].Check != contract.CheckSchema {
		t.Fatalf("report %+v: want the 3 exchanges validated and their schema drift", report)
	}
}
