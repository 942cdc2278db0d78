package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/redact"
)

// keyWindows is every 12-character piece of testKey's secret part, lower
// case: what no request path may hold, in any case or escaping.
func keyWindows() []string {
	secret := strings.ToLower(strings.TrimPrefix(testKey, "sk-let-"))
	var out []string
	for i := 0; i+12 <= len(secret); i++ {
		out = append(out, secret[i:i+12])
	}
	return out
}

// pathHoldsKey is the server's own count of a leak: the path, raw and
// decoded, holds testKey or a piece of it.
func pathHoldsKey(r *http.Request) bool {
	for _, p := range []string{r.URL.Path, r.URL.RawPath, r.RequestURI} {
		p = strings.ToLower(p)
		if d, err := url.PathUnescape(p); err == nil {
			p += " " + strings.ToLower(d)
		}
		if strings.Contains(p, "sk-let-") || slices.ContainsFunc(keyWindows(), func(w string) bool { return strings.Contains(p, w) }) {
			return true
		}
	}
	return false
}

// deleteLog records, on the server, the token of every DELETE.
type deleteLog struct {
	mu      sync.Mutex
	tokens  []string
	withKey atomic.Int64
}

func (d *deleteLog) wrap(h http.Handler) http.Handler {
	const prefix = "/v1/client-side-access-tokens/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			if pathHoldsKey(r) {
				d.withKey.Add(1)
			}
			d.mu.Lock()
			d.tokens = append(d.tokens, strings.TrimPrefix(r.URL.Path, prefix))
			d.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (d *deleteLog) deleted() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.tokens)
}

// rewriteCreate makes the second create's answer say what edit makes of
// it (the mock made the token all the same), given first, the first
// create's answer, and listed, the first token the mock listed, a token of
// the account before the run. The first and third pass.
func rewriteCreate(edit func(tok, first map[string]any, listed string)) func(*seedMock, http.Handler) http.Handler {
	return func(m *seedMock, h http.Handler) http.Handler {
		var posts atomic.Int64
		var first map[string]any
		return on(http.MethodPost, func(w http.ResponseWriter, r *http.Request, h http.Handler) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var tok map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil {
				panic(err)
			}
			switch posts.Add(1) {
			case 1:
				first = tok
			case 2:
				edit(tok, first, firstListed(m))
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rec.Code)
			json.NewEncoder(w).Encode(tok)
		})(m, h)
	}
}

func firstListed(m *seedMock) string { return m.listed(1)[0].Token }

// TestCheckLiveSeedTakesOnlyItsOwnTokens: a create answered with a token
// that is not provably the run's (the API key or a piece of it, in any
// case or escaping; a token listed before the run; another hostname or
// policy; an answer the spec does not allow) is a breaking finding that
// names it masked, and is never deleted: the server sees no DELETE of it,
// and no request path holding the key. A run that then fails or panics
// names it in its UndeletedError instead.
func TestCheckLiveSeedTakesOnlyItsOwnTokens(t *testing.T) {
	window := strings.TrimPrefix(testKey, "sk-let-")[3:15]
	otherHostname := func(tok, _ map[string]any, _ string) { tok["hostname"] = "https://app.example.com" }
	tests := []struct {
		name string
		edit func(tok, _ map[string]any, listed string)
		why  string
		ends string // after seeding: "" (a report), "error" (the server fails: a 500) or "panic" (in Report)
	}{
		{"the API key", func(tok, _ map[string]any, _ string) { tok["token"] = testKey }, "holds the API key", ""},
		{"the API key in upper case", func(tok, _ map[string]any, _ string) { tok["token"] = strings.ToUpper(testKey) }, "holds the API key", ""},
		{"a piece of the key's secret", func(tok, _ map[string]any, _ string) {
			tok["token"] = "ck-let-" + strings.ToUpper(window) + "0123456789abcdef"
		}, "holds the API key", ""},
		{"a piece of the key, percent-encoded", func(tok, _ map[string]any, _ string) {
			var b strings.Builder
			for _, c := range []byte(window) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
			tok["token"] = "ck-let-" + b.String() + "0123456789"
		}, "holds the API key", ""},
		{"another key", func(tok, _ map[string]any, _ string) { tok["token"] = "ck-let-abcdefsk-let-0123456789abcdefgh" }, "holds the API key", ""},
		{"a token listed before the run", func(tok, _ map[string]any, listed string) { tok["token"] = listed }, "was listed before the run", ""},
		{"another hostname", otherHostname, "another hostname", ""},
		{"another policy", func(tok, _ map[string]any, _ string) {
			tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)["access"] = []any{"write_agent"}
		}, "another policy", ""},
		{"an answer the spec does not allow", func(tok, _ map[string]any, _ string) { tok["expiresAt"] = "soon" }, "spec does not allow", ""},
		{"another hostname, then the run fails", otherHostname, "another hostname", "error"},
		{"a token listed before the run, then the run panics", func(tok, _ map[string]any, listed string) { tok["token"] = listed }, "was listed before the run", "panic"},
		{"the API key, then the run fails", func(tok, _ map[string]any, _ string) { tok["token"] = testKey }, "holds the API key", "error"},
	}
	// afterSeeding is true once the run has sent its two creates.
	afterSeeding := func(m *seedMock) bool { return m.creates.Load() >= 2 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var deletes deleteLog
			var answered string
			m := newSeedMock(t, 4, func(m *seedMock, h http.Handler) http.Handler {
				h = deletes.wrap(rewriteCreate(func(tok, first map[string]any, listed string) {
					tt.edit(tok, first, listed)
					answered = tok["token"].(string)
				})(m, h))
				if tt.ends != "error" {
					return h
				}
				return on(http.MethodGet, func(w http.ResponseWriter, r *http.Request, h http.Handler) {
					if afterSeeding(m) {
						http.Error(w, "down", http.StatusInternalServerError)
						return
					}
					h.ServeHTTP(w, r)
				})(m, h)
			})
			listed := firstListed(m)
			cfg := seededConfig(m, 2)
			if tt.ends == "panic" {
				cfg.Report = func(x contract.Exchange) {
					if x.Method == http.MethodGet && afterSeeding(m) {
						panic("report exploded")
					}
				}
			}
			var report *contract.Report
			var err error
			var panicked any
			func() {
				defer func() { panicked = recover() }()
				report, err = live.CheckLive(context.Background(), cfg)
			}()
			// named is what names the answered token: the finding of a run
			// that ends with a report, else the UndeletedError's entry.
			var named string
			var texts []string
			switch tt.ends {
			case "":
				if err != nil || panicked != nil {
					t.Fatalf("err %v, panic %v", err, panicked)
				}
				for _, f := range report.Findings.Breaking() {
					if f.Check == contract.CheckRoundTrip && strings.Contains(f.Message, tt.why) {
						named = f.Message
					}
				}
				if named == "" {
					t.Fatalf("want a breaking round-trip finding saying %q, got:\n%s", tt.why, report.Findings)
				}
				if notes := strings.Join(report.Notes, "\n"); strings.Contains(notes, "did not delete it") {
					t.Errorf("the notes repeat the finding: %q", notes)
				}
				if report.Seeded != 1 {
					t.Errorf("seeded %d, want 1 (seeding stops at a token not the run's)", report.Seeded)
				}
				texts = reportTexts(report, nil)
			default:
				var left *live.UndeletedError
				if p, ok := panicked.(*live.SeedPanic); ok && p.Value == "report exploded" && tt.ends == "panic" {
					left = p.Left
					texts = []string{p.Error()}
				} else if errors.Is(err, live.ErrServerUnavailable) && errors.As(err, &left) && tt.ends == "error" && panicked == nil {
					texts = []string{err.Error()}
				} else {
					t.Fatalf("err %v, panic %#v: want the run to end by %s, naming what it left", err, panicked, tt.ends)
				}
				if len(left.NotDeleted) != 1 || left.Count != 0 || left.Unanswered != 0 || left.Created != 1 {
					t.Fatalf("left %+v: want the one answered token named, and nothing else", left)
				}
				named = left.NotDeleted[0]
				if !strings.Contains(named, tt.why) || !strings.Contains(texts[0], named) {
					t.Errorf("%q does not say %q, or is not in %q", named, tt.why, texts[0])
				}
			}
			if n := deletes.withKey.Load(); n != 0 {
				t.Fatalf("%d DELETEs whose path holds the API key", n)
			}
			// Only the first create's token, the run's own, is deleted.
			made := m.createdValues()
			if got := deletes.deleted(); len(got) != 1 || got[0] != made[0] {
				t.Errorf("deleted %d tokens (want only the first created): answered-with deleted: %v", len(got), slices.Contains(got, answered))
			}
			if _, all := m.left(t); all < 4 || firstListed(m) != listed {
				t.Errorf("a token of the account before the run was deleted (%d left)", all)
			}
			if !strings.Contains(named, "seeded token 2 was answered with") || !strings.Contains(named, "did not delete it") {
				t.Errorf("%q does not name the token the run did not delete", named)
			}
			if tt.why != "holds the API key" && !strings.Contains(named, redact.Token(answered)) {
				t.Errorf("%q does not name the token as %s", named, redact.Token(answered))
			}
			for _, s := range texts {
				low := strings.ToLower(s)
				if strings.Contains(low, "secret") || strings.Contains(s, answered) || strings.Contains(low, strings.ToLower(window)) {
					t.Errorf("a secret is printed: %q", s)
				}
			}
			assertNoSecrets(t, m, texts...)
		})
	}
}

// TestCheckLiveSeedNamesUnansweredCreates: however the run ends while a
// create is in flight (a request's time limit, Ctrl-C, the run's deadline,
// a panic), or when a create's answer cannot be used, the create is named
// with the run's hostname and how to find its token.
func TestCheckLiveSeedNamesUnansweredCreates(t *testing.T) {
	hang := on(http.MethodPost, func(_ http.ResponseWriter, r *http.Request, h http.Handler) {
		h.ServeHTTP(httptest.NewRecorder(), r) // the token is made; the answer never comes
		<-r.Context().Done()
	})
	tests := []struct {
		name     string
		wrap     func(*seedMock, http.Handler) http.Handler
		ctx      func(t *testing.T) context.Context
		options  []lettatokens.Option
		wantErr  error
		panics   bool
		inReport bool // the run ends with a report, whose notes name it
	}{
		{name: "per-request time limit", wrap: hang, options: []lettatokens.Option{lettatokens.WithTimeout(300 * time.Millisecond)}, wantErr: live.ErrServerUnavailable},
		{name: "context cancelled", wrap: hang, ctx: func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			time.AfterFunc(500*time.Millisecond, cancel)
			return ctx
		}, wantErr: context.Canceled},
		{name: "deadline", wrap: hang, ctx: func(t *testing.T) context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			t.Cleanup(cancel)
			return ctx
		}, wantErr: context.DeadlineExceeded},
		{name: "panic while a create is in flight", panics: true,
			// A transport that panics leaves net/http's timer of the attempt
			// running until the attempt's time limit: a short one, so that
			// it ends before goleak looks.
			options: []lettatokens.Option{lettatokens.WithTimeout(500 * time.Millisecond)}},
		{name: "an answer without a token", wrap: on(http.MethodPost, func(w http.ResponseWriter, r *http.Request, h http.Handler) {
			h.ServeHTTP(httptest.NewRecorder(), r)
			writeJSON(w, http.StatusCreated, `{"id":"tok-1"}`)
		}), inReport: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newSeedMock(t, 2, tt.wrap)
			cfg := seededConfig(m, 1)
			cfg.Options = append(cfg.Options, tt.options...)
			if tt.panics {
				base := http.DefaultTransport.(*http.Transport).Clone()
				defer base.CloseIdleConnections()
				cfg.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
					resp, err := base.RoundTrip(r)
					if r.Method == http.MethodPost {
						if resp != nil {
							resp.Body.Close()
						}
						panic("transport exploded") // the token is made; its answer is lost
					}
					return resp, err
				})
			}
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx(t)
			}
			var report *contract.Report
			var err error
			var panicked any
			func() {
				defer func() { panicked = recover() }()
				report, err = live.CheckLive(ctx, cfg)
			}()
			var text string
			switch {
			case tt.panics:
				p, ok := panicked.(*live.SeedPanic)
				if !ok || p.Value != "transport exploded" {
					t.Fatalf("panic %#v, want a *live.SeedPanic carrying the panic", panicked)
				}
				text = p.Error()
			case tt.inReport:
				if err != nil || report == nil {
					t.Fatalf("err %v: want a report", err)
				}
				text = strings.Join(report.Notes, "\n")
			default:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				var left *live.UndeletedError
				if !errors.As(err, &left) || left.Unanswered != 1 || !strings.HasPrefix(left.Hostname, live.SeedHostname) {
					t.Fatalf("err %v: want an UndeletedError naming 1 unanswered create", err)
				}
				text = err.Error()
			}
			if !strings.Contains(text, "1 create of this run got no usable answer") ||
				!strings.Contains(text, "letta-tokens list --all --hostname "+live.SeedHostname) {
				t.Errorf("the unanswered create is not named with the way to find it: %q", text)
			}
			if m.creates.Load() != 1 {
				t.Errorf("%d creates reached the mock, want 1", m.creates.Load())
			}
		})
	}
}

// TestCheckLiveNeverSendsTheKeyInAURL: a server whose tokens name the API
// key as their agent gets no request whose URL holds it (the agentId
// filter and the seeding skip that agent), and, when the filter would
// have used it, a breaking finding.
func TestCheckLiveNeverSendsTheKeyInAURL(t *testing.T) {
	for _, seeded := range []bool{false, true} {
		t.Run(fmt.Sprintf("seeded=%v", seeded), func(t *testing.T) {
			var leaks atomic.Int64
			m := newSeedMock(t, 6, func(_ *seedMock, h http.Handler) http.Handler {
				rewritten := mocktest.RewritePages(h, func(p map[string]any) {
					mocktest.ForEachToken(p, func(tok map[string]any) {
						tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"] = testKey
					})
				})
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if pathHoldsKey(r) {
						leaks.Add(1)
					}
					rewritten.ServeHTTP(w, r)
				})
			})
			cfg := seededConfig(m, 2)
			cfg.Seed = seeded
			report, err := live.CheckLive(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if n := leaks.Load(); n != 0 {
				t.Errorf("%d requests whose URL holds the API key", n)
			}
			// Seeded, the filter walks the seeded tokens' agent, which
			// the seeding picked among the others.
			if !seeded && !slices.ContainsFunc(report.Findings.Breaking(), func(f contract.Finding) bool {
				return f.Check == contract.CheckAgentFilter && strings.Contains(f.Message, "holds the API key")
			}) {
				t.Errorf("want a breaking agent-filter finding, got:\n%s", report.Findings)
			}
			if left, _ := m.left(t); left != 0 {
				t.Errorf("the mock holds %d of the run's tokens", left)
			}
		})
	}
}
