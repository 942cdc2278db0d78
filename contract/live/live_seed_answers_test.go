package live_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
)

// resetAfterServing serves r on h, so that the server acts, and then
// resets the connection: the client never hears the answer.
func resetAfterServing(w http.ResponseWriter, r *http.Request, h http.Handler) {
	h.ServeHTTP(httptest.NewRecorder(), r)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// TestCheckLiveSeedDeleteAnswerLost: a delete that the server carries out
// but whose answer is lost (a reset), and whose retry gets the documented
// 400 for a token that does not exist, did delete the token: a list
// confirms it, and the run reports no drift and nothing left, whether the
// run's own deletes or the cleanup's meet it.
func TestCheckLiveSeedDeleteAnswerLost(t *testing.T) {
	for _, tt := range []struct {
		name    string
		failGet bool // the run fails after the creates: the cleanup deletes
	}{
		{name: "in the run"},
		{name: "in the cleanup", failGet: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			reset := map[string]bool{} // paths whose first DELETE was reset
			m := newSeedMock(t, 3, func(m *seedMock, h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					switch {
					case tt.failGet && r.Method == http.MethodGet && m.creates.Load() >= 3 && m.deletes.Load() == 0:
						http.Error(w, "down", http.StatusServiceUnavailable)
						return
					case r.Method == http.MethodDelete:
						mu.Lock()
						first := !reset[r.URL.Path]
						reset[r.URL.Path] = true
						mu.Unlock()
						if first {
							resetAfterServing(w, r, h)
							return
						}
					}
					h.ServeHTTP(w, r)
				})
			})
			var rec contract.Recorder
			cfg := seededConfig(m, 2)
			cfg.Report = rec.Record
			cfg.Options = []lettatokens.Option{lettatokens.WithMaxRetries(1)}
			report, err := live.CheckLive(context.Background(), cfg)
			if tt.failGet {
				if !errors.Is(err, live.ErrServerUnavailable) {
					t.Fatalf("err %v, want ErrServerUnavailable", err)
				}
				var left *live.UndeletedError
				if errors.As(err, &left) || strings.Contains(err.Error(), "could not be deleted") {
					t.Errorf("err %q names tokens left, but every one was deleted", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if !report.Passed() || report.Seeded != 3 {
					t.Errorf("passed %v, seeded %d; want a pass with 3 seeded:\n%s", report.Passed(), report.Seeded, report.Findings)
				}
				if notes := strings.Join(report.Notes, "\n"); strings.Contains(notes, "could not be deleted") {
					t.Errorf("notes %q name tokens left, but every one was deleted", report.Notes)
				}
			}
			if len(reset) != 3 {
				t.Errorf("%d deletes were reset, want 3: the test proves nothing", len(reset))
			}
			var rejected int
			for _, x := range rec.Exchanges() {
				if x.Method == http.MethodDelete && x.Status == http.StatusBadRequest {
					rejected++
				}
			}
			if rejected != 3 {
				t.Errorf("%d deletes answered 400, want 3 (each retry finds its token gone)", rejected)
			}
			if left, _ := m.left(t); left != 0 {
				t.Errorf("the mock holds %d of the run's tokens", left)
			}
		})
	}
}

// TestCheckLiveSeedCreateUnavailable: a create answered 429 or 5xx (after
// the client's retries, when it retries creates) may have made a token:
// the run names it as a create without an answer, with how to find it.
func TestCheckLiveSeedCreateUnavailable(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		for _, retries := range []int{0, 2} {
			t.Run(fmt.Sprintf("%d/retries=%d", status, retries), func(t *testing.T) {
				var posts atomic.Int64
				m := newSeedMock(t, 2, on(http.MethodPost, func(w http.ResponseWriter, r *http.Request, h http.Handler) {
					if posts.Add(1) == 1 {
						h.ServeHTTP(w, r)
						return
					}
					// The server made the token, and then failed.
					h.ServeHTTP(httptest.NewRecorder(), r)
					w.Header().Set("Retry-After-Ms", "1")
					http.Error(w, "busy", status)
				}))
				cfg := seededConfig(m, 1)
				cfg.Options = []lettatokens.Option{lettatokens.WithMaxRetries(retries)}
				_, err := live.CheckLive(context.Background(), cfg)
				var left *live.UndeletedError
				if !errors.Is(err, live.ErrServerUnavailable) || !errors.As(err, &left) {
					t.Fatalf("err %v; want ErrServerUnavailable and what the run left", err)
				}
				if left.Unanswered != 1 || left.Count != 0 || !strings.Contains(err.Error(), "1 create of this run got no usable answer") || strings.Contains(err.Error(), "could not be deleted") ||
					!strings.Contains(err.Error(), live.ListHint(left.Hostname)) {
					t.Errorf("err %q; want the create named, with %q", err, live.ListHint(left.Hostname))
				}
				if posts.Load() != 2 {
					t.Errorf("%d creates sent, want 2: a create is never sent again", posts.Load())
				}
				if seeded, _ := m.left(t); seeded != 1 {
					t.Errorf("the mock holds %d seeded tokens, want the 1 the failed create made", seeded)
				}
			})
		}
	}
}

// TestCheckLiveSeedDuplicateAnswer: a create answered with the token an
// earlier create of the run was answered with is a finding that says so;
// the token is deleted once, and what is left is said as it is: a create
// whose own token the run cannot name, not a token it did not delete.
func TestCheckLiveSeedDuplicateAnswer(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(tok, first map[string]any, _ string)
	}{
		{"the first answer again", func(tok, first map[string]any, _ string) {
			clear(tok)
			maps.Copy(tok, first)
		}},
		{"the first token with the second's fields", func(tok, first map[string]any, _ string) { tok["token"] = first["token"] }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var deletes deleteLog
			m := newSeedMock(t, 2, func(m *seedMock, h http.Handler) http.Handler {
				return deletes.wrap(rewriteCreate(tt.edit)(m, h))
			})
			report, err := live.CheckLive(context.Background(), seededConfig(m, 1))
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, f := range report.Findings.Breaking() {
				found = found || f.Check == contract.CheckRoundTrip && strings.Contains(f.Message, "seeded token 2 was answered with the token of seeded token 1")
			}
			if !found {
				t.Errorf("want a breaking round-trip finding naming the repeated answer, got:\n%s", report.Findings)
			}
			if report.Seeded != 1 {
				t.Errorf("seeded %d, want 1", report.Seeded)
			}
			if got := deletes.deleted(); len(got) != 1 {
				t.Errorf("%d deletes, want 1: the token is deleted once", len(got))
			}
			notes := strings.Join(report.Notes, "\n")
			if !strings.Contains(notes, "1 create of this run got no usable answer") || strings.Contains(notes, "could not be deleted") ||
				strings.Contains(notes, "did not delete") {
				t.Errorf("notes %q; want the second create named as one without a usable answer, and no token named as left", report.Notes)
			}
			if seeded, _ := m.left(t); seeded != 1 {
				t.Errorf("the mock holds %d seeded tokens, want the second create's", seeded)
			}
			assertNoSecrets(t, m, reportTexts(report, nil)...)
		})
	}
}

// TestCheckLiveComparesPageSizes: a server that loses a token at one page
// size only (each walk passing its own checks) is breaking drift of the
// run, found by comparing the two walks.
func TestCheckLiveComparesPageSizes(t *testing.T) {
	for _, lossy := range []int{10, 3} {
		t.Run(fmt.Sprintf("lost at limit=%d", lossy), func(t *testing.T) {
			m := newSeedMock(t, 23, func(_ *seedMock, h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					// Past its first page, a walk at that size skips one
					// token: every page is full and in order, with no
					// repeat, but the token at offset lossy is never listed.
					q := r.URL.Query()
					if offset, _ := strconv.Atoi(q.Get("offset")); q.Get("limit") == strconv.Itoa(lossy) && offset >= lossy {
						q.Set("offset", strconv.Itoa(offset+1))
						r.URL.RawQuery = q.Encode()
					}
					h.ServeHTTP(w, r)
				})
			})
			report, err := live.CheckLive(context.Background(), live.LiveConfig{BaseURL: m.ts.URL, APIKey: testKey, PageSizes: [2]int{10, 3},
				MaxTokens: 500, Options: []lettatokens.Option{lettatokens.WithMaxRetries(0)}})
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, f := range report.Findings.Breaking() {
				found = found || f.Check == contract.CheckWalkConsistency
			}
			if !found {
				t.Errorf("want a breaking walk-consistency finding, got:\n%s", report.Findings)
			}
		})
	}
}
