package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// seedMock is a stateful mock that counts creates and deletes and keeps
// the values it created, behind an optional wrapper that makes it fail or
// drift.
type seedMock struct {
	srv     *mock.Server
	ts      *httptest.Server
	creates atomic.Int64
	deletes atomic.Int64
	mu      sync.Mutex
	created []string // token values of the 201 answers
}

func newSeedMock(t *testing.T, tokens int, wrap func(m *seedMock, h http.Handler) http.Handler) *seedMock {
	t.Helper()
	m := &seedMock{srv: mustMockKey(t, tokens)}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.srv.ServeHTTP(rec, r)
		switch {
		case r.Method == http.MethodPost && rec.Code == http.StatusCreated:
			m.creates.Add(1)
			var tok gen.Token
			if err := json.Unmarshal(rec.Body.Bytes(), &tok); err == nil {
				m.mu.Lock()
				m.created = append(m.created, tok.Token)
				m.mu.Unlock()
			}
		case r.Method == http.MethodDelete && rec.Code == http.StatusNoContent:
			m.deletes.Add(1)
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
	if wrap != nil {
		h = wrap(m, h)
	}
	m.ts = httptest.NewServer(h)
	t.Cleanup(m.ts.Close)
	return m
}

func mustMockKey(t *testing.T, n int) *mock.Server {
	t.Helper()
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(n), APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// listed is the first limit tokens the mock holds, asked for straight
// from it.
func (m *seedMock) listed(limit int) []gen.Token {
	req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?limit="+strconv.Itoa(limit), nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	rec := httptest.NewRecorder()
	m.srv.ServeHTTP(rec, req)
	var page gen.TokenPage
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != http.StatusOK {
		panic(fmt.Sprintf("listing the mock: %d %v", rec.Code, err))
	}
	return page.Tokens
}

// left counts the tokens the mock holds, and those whose hostname is a
// seeded run's.
func (m *seedMock) left(t *testing.T) (seeded, all int) {
	t.Helper()
	toks := m.listed(100000)
	for _, tok := range toks {
		if strings.HasPrefix(tok.Hostname, live.SeedHostname) {
			seeded++
		}
	}
	return seeded, len(toks)
}

// on serves the requests of method with serve, which may pass them on to
// the mock, and every other request with the mock.
func on(method string, serve func(w http.ResponseWriter, r *http.Request, mock http.Handler)) func(*seedMock, http.Handler) http.Handler {
	return func(_ *seedMock, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != method {
				h.ServeHTTP(w, r)
				return
			}
			serve(w, r, h)
		})
	}
}

func (m *seedMock) createdValues() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.created)
}

// seededConfig is a seeded run against m at concurrency c, with small
// pages so that walks take several.
func seededConfig(m *seedMock, c int) live.LiveConfig {
	return live.LiveConfig{BaseURL: m.ts.URL, APIKey: testKey, Seed: true, Concurrency: c, PageSizes: [2]int{2, 1}, MaxTokens: 500,
		Options: []lettatokens.Option{lettatokens.WithMaxRetries(0)}}
}

// assertNoSecrets fails when any text of a run quotes a token the mock
// created.
func assertNoSecrets(t *testing.T, m *seedMock, texts ...string) {
	t.Helper()
	for _, v := range m.createdValues() {
		for _, s := range texts {
			if strings.Contains(s, v) || strings.Contains(s, v[len(v)-20:]) {
				t.Errorf("a created token is printed in full: %q", s)
			}
		}
	}
}

func reportTexts(report *contract.Report, xs []contract.Exchange) []string {
	var out []string
	if report != nil {
		out = append(out, report.Findings.String(), strings.Join(report.Notes, "\n"), report.AgentID)
	}
	for _, x := range xs {
		out = append(out, x.Path, x.Findings.String())
	}
	return out
}

// TestCheckLiveSeeded: a seeded run creates its tokens, checks them, and
// deletes them, on an empty account and on a full one, at concurrency 1
// and 4; its tokens are printed nowhere.
func TestCheckLiveSeeded(t *testing.T) {
	for _, c := range []int{1, 4} {
		for _, tokens := range []int{0, 23} {
			t.Run(fmt.Sprintf("%d tokens/concurrency=%d", tokens, c), func(t *testing.T) {
				m := newSeedMock(t, tokens, nil)
				var rec contract.Recorder
				cfg := seededConfig(m, c)
				cfg.Report = rec.Record
				report, err := live.CheckLive(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				if !report.Passed() || len(report.Findings) > 0 {
					t.Fatalf("findings:\n%s", report.Findings)
				}
				if report.Seeded != 3 || m.creates.Load() != 3 || m.deletes.Load() != 3 {
					t.Errorf("seeded %d, %d creates, %d deletes; want 3 of each", report.Seeded, m.creates.Load(), m.deletes.Load())
				}
				if left, all := m.left(t); left != 0 || all != tokens {
					t.Errorf("the mock holds %d tokens, %d of them seeded; want %d, none seeded", all, left, tokens)
				}
				notes := strings.Join(report.Notes, "\n")
				if !strings.Contains(notes, "seeded 3 tokens") || strings.Contains(notes, "holds no tokens") || strings.Contains(notes, "was exercised on no token") {
					t.Errorf("notes %q", report.Notes)
				}
				if report.Tokens != tokens+3 || report.AgentID == "" {
					t.Errorf("walk saw %d tokens, agent %q", report.Tokens, report.AgentID)
				}
				var methods []string
				for _, x := range rec.Exchanges() {
					methods = append(methods, x.Method+" "+strconv.Itoa(x.Status))
				}
				for _, want := range []string{"POST 201", "DELETE 204", "GET 200"} {
					if n := strings.Count(strings.Join(methods, ","), want); n == 0 || want != "GET 200" && n != 3 {
						t.Errorf("%d exchanges %q in %q", n, want, methods)
					}
				}
				assertNoSecrets(t, m, reportTexts(report, rec.Exchanges())...)
			})
		}
	}
}

// TestCheckLiveSeededCatchesTokenDrift: on an account without tokens, drift
// that shows only on tokens passes an unseeded run and fails a seeded one.
func TestCheckLiveSeededCatchesTokenDrift(t *testing.T) {
	onTokens := func(edit func(tok map[string]any)) func(*seedMock, http.Handler) http.Handler {
		return func(_ *seedMock, h http.Handler) http.Handler {
			return mocktest.RewritePages(h, func(p map[string]any) { mocktest.ForEachToken(p, edit) })
		}
	}
	firstEntry := func(tok map[string]any) map[string]any {
		return tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)
	}
	tests := []struct {
		name  string
		wrap  func(*seedMock, http.Handler) http.Handler
		check contract.Check
		says  string // what that finding must say too
		note  string // what the seeded run's notes must say too
	}{
		{name: "a missing field", wrap: onTokens(func(tok map[string]any) { delete(tok, "hostname") }), check: contract.CheckSchema},
		{name: "expiresAt as epoch", wrap: onTokens(func(tok map[string]any) { tok["expiresAt"] = "1795000000000" }), check: contract.CheckExpiresAt},
		{name: "listed with another hostname", wrap: onTokens(func(tok map[string]any) { tok["hostname"] = "https://elsewhere.example.com" }), check: contract.CheckRoundTrip},
		{name: "listed with another policy", wrap: onTokens(func(tok map[string]any) { firstEntry(tok)["access"] = []any{"read_agent"} }), check: contract.CheckRoundTrip},
		{name: "delete that deletes nothing", wrap: on(http.MethodDelete, func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
			w.WriteHeader(http.StatusNoContent)
		}), check: contract.CheckRoundTrip},
		{name: "delete answers 200", wrap: on(http.MethodDelete, func(w http.ResponseWriter, r *http.Request, h http.Handler) {
			h.ServeHTTP(httptest.NewRecorder(), r)
			writeJSON(w, http.StatusOK, `{}`)
		}), check: contract.CheckStatus},
		// A delete answered 400 whose token is still listed: the token is
		// named as left.
		{name: "delete answers 400, token still listed", wrap: on(http.MethodDelete, func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
			writeJSON(w, http.StatusBadRequest, `{"message":"no"}`)
		}), check: contract.CheckStatus, note: "3 of the 3 tokens this run created could not be deleted"},
		{name: "agentId filter drops a token", wrap: func(_ *seedMock, h http.Handler) http.Handler {
			return mocktest.RewritePages(h, func(p map[string]any) {
				if toks, _ := p["tokens"].([]any); len(toks) > 0 && p["hasNextPage"] == false {
					p["tokens"] = toks[:len(toks)-1]
				}
			})
		}, check: contract.CheckAgentFilter},
		// Every list skips the first token, the first created: the walks
		// agree, and only its policy says the agentId walk must list it.
		{name: "a created token is never listed", wrap: func(m *seedMock, h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if q := r.URL.Query(); r.Method == http.MethodGet && m.creates.Load() > 0 {
					offset, _ := strconv.Atoi(q.Get("offset"))
					q.Set("offset", strconv.Itoa(offset+1))
					r.URL.RawQuery = q.Encode()
				}
				h.ServeHTTP(w, r)
			})
		}, check: contract.CheckAgentFilter, says: "does not list created token 1 of 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newSeedMock(t, 0, tt.wrap)
			cfg := seededConfig(m, 4)
			cfg.Seed = false
			report, err := live.CheckLive(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !report.Passed() {
				t.Fatalf("an unseeded run on an empty account found:\n%s", report.Findings)
			}
			report, err = live.CheckLive(context.Background(), seededConfig(m, 4))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(report.Findings.Breaking(), func(f contract.Finding) bool {
				return f.Check == tt.check && strings.Contains(f.Message, tt.says)
			}) {
				t.Errorf("want a breaking %s finding saying %q, got:\n%s", tt.check, tt.says, report.Findings)
			}
			if !strings.Contains(strings.Join(report.Notes, "\n"), tt.note) {
				t.Errorf("notes %q do not say %q", report.Notes, tt.note)
			}
			assertNoSecrets(t, m, reportTexts(report, nil)...)
		})
	}
}

// TestCheckLiveSeedRefused: a create the server refuses is a note, and the
// run goes on unseeded, without drift.
func TestCheckLiveSeedRefused(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			m := newSeedMock(t, 5, on(http.MethodPost, func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
				writeJSON(w, status, `{"message":"agent not found"}`)
			}))
			report, err := live.CheckLive(context.Background(), seededConfig(m, 1))
			if err != nil {
				t.Fatal(err)
			}
			if !report.Passed() || report.Seeded != 0 || report.Tokens != 5 {
				t.Errorf("passed %v, seeded %d, tokens %d:\n%s", report.Passed(), report.Seeded, report.Tokens, report.Findings)
			}
			if notes := strings.Join(report.Notes, "\n"); !strings.Contains(notes, "refused to create seeded token 1 of 3") || !strings.Contains(notes, "agent not found") {
				t.Errorf("notes %q", report.Notes)
			}
		})
	}
}

// TestCheckLiveSeededCleanup: however a seeded run fails midway, the mock
// holds none of the tokens it created afterwards.
func TestCheckLiveSeededCleanup(t *testing.T) {
	afterCreates := func(m *seedMock) bool { return m.creates.Load() >= 3 }
	tests := []struct {
		name      string
		wrap      func(*seedMock, http.Handler) http.Handler
		cancelled bool                                   // cancel the run's context after the creates
		report    func(m *seedMock, x contract.Exchange) // LiveConfig.Report
		transport func(m *seedMock, r *http.Request)     // called by the run's transport before each request
		wantErr   error
		wantPanic any
	}{
		{name: "server errors after the creates", wrap: func(m *seedMock, h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && afterCreates(m) {
					http.Error(w, "down", http.StatusInternalServerError)
					return
				}
				h.ServeHTTP(w, r)
			})
		}, wantErr: live.ErrServerUnavailable},
		{name: "deletes fail in the run", wrap: func(m *seedMock, h http.Handler) http.Handler {
			var failed atomic.Int64
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete && failed.Add(1) <= 1 {
					http.Error(w, "down", http.StatusServiceUnavailable)
					return
				}
				h.ServeHTTP(w, r)
			})
		}, wantErr: live.ErrServerUnavailable},
		{name: "context cancelled after the creates", cancelled: true, wantErr: context.Canceled},
		{name: "panic in Report", report: func(m *seedMock, x contract.Exchange) {
			if x.Method == http.MethodGet && afterCreates(m) {
				panic("report exploded")
			}
		}, wantPanic: "report exploded"},
		{name: "panic in the transport, during a walk", transport: func(m *seedMock, r *http.Request) {
			if r.Method == http.MethodGet && afterCreates(m) && r.URL.Query().Get("offset") == "2" {
				panic("transport exploded")
			}
		}, wantPanic: "transport exploded"},
	}
	for _, c := range []int{1, 4} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/concurrency=%d", tt.name, c), func(t *testing.T) {
				m := newSeedMock(t, 0, tt.wrap)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				cfg := seededConfig(m, c)
				if tt.report != nil {
					cfg.Report = func(x contract.Exchange) { tt.report(m, x) }
				}
				if tt.transport != nil {
					// A transport that panics leaves net/http's timer of the
					// attempt running until the attempt's time limit: a
					// short one, so that it ends before goleak looks.
					cfg.Options = append(cfg.Options, lettatokens.WithTimeout(500*time.Millisecond))
				}
				base := http.DefaultTransport.(*http.Transport).Clone()
				defer base.CloseIdleConnections()
				cfg.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
					if tt.transport != nil {
						tt.transport(m, r)
					}
					resp, err := base.RoundTrip(r)
					if tt.cancelled && r.Method == http.MethodPost && afterCreates(m) {
						cancel()
					}
					return resp, err
				})
				var err error
				var panicked any
				func() {
					defer func() { panicked = recover() }()
					_, err = live.CheckLive(ctx, cfg)
				}()
				if panicked != tt.wantPanic || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("err %v, panic %v; want %v, %v", err, panicked, tt.wantErr, tt.wantPanic)
				}
				if m.creates.Load() != 3 {
					t.Errorf("%d creates, want 3: the run failed before the point under test", m.creates.Load())
				}
				if left, _ := m.left(t); left != 0 {
					t.Errorf("the mock holds %d of the tokens the run created", left)
				}
				if err != nil {
					assertNoSecrets(t, m, err.Error())
				}
			})
		}
	}
}

// TestCheckLiveSeededUndeletable: tokens the cleanup cannot delete are
// said, with when they expire, in the run's error.
func TestCheckLiveSeededUndeletable(t *testing.T) {
	m := newSeedMock(t, 0, on(http.MethodDelete, func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	start := time.Now()
	_, err := live.CheckLive(context.Background(), seededConfig(m, 1))
	if !errors.Is(err, live.ErrServerUnavailable) || !strings.Contains(err.Error(), "3 of the 3 tokens this run created could not be deleted: they expire by ") ||
		strings.Contains(err.Error(), "no usable answer") {
		t.Errorf("err = %v", err)
	}
	// The docs (LiveConfig.Seed, the README, check --help) say a seeded
	// token lives an hour and the cleanup is bounded by 30 seconds.
	var left *live.UndeletedError
	if !errors.As(err, &left) || left.Expires.Before(start.Add(time.Hour)) || left.Expires.After(time.Now().Add(time.Hour)) ||
		live.DefaultCleanupTimeout != 30*time.Second {
		t.Errorf("expires %v after a run started %v, cleanup bound %s: change the docs with them", left, start, live.DefaultCleanupTimeout)
	}
	assertNoSecrets(t, m, err.Error())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestCheckLiveSeededPlainTokensNeverPrinted: a server whose tokens look
// like nothing in particular, and which echoes them in a field of their own
// and in error messages, gets none of them into the report: the run masks
// the tokens it created by value.
func TestCheckLiveSeededPlainTokensNeverPrinted(t *testing.T) {
	var mu sync.Mutex
	alias := map[string]string{} // mock's value → plain value the client sees
	plain := func(v string) string {
		mu.Lock()
		defer mu.Unlock()
		if a, ok := alias[v]; ok {
			return a
		}
		a := fmt.Sprintf("plainvalue%dQQQ%s", len(alias), strings.Repeat("z", 20))
		alias[v] = a
		return a
	}
	back := func(a string) string {
		mu.Lock()
		defer mu.Unlock()
		for v, x := range alias {
			if x == a {
				return v
			}
		}
		return a
	}
	m := newSeedMock(t, 0, func(_ *seedMock, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			const prefix = "/v1/client-side-access-tokens/"
			if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, prefix) {
				r.URL.Path = prefix + back(strings.TrimPrefix(r.URL.Path, prefix))
				r.URL.RawPath = ""
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var body any
			out := rec.Body.Bytes()
			if json.Unmarshal(out, &body) == nil {
				var each func(tok map[string]any)
				each = func(tok map[string]any) {
					if v, ok := tok["token"].(string); ok {
						tok["token"] = plain(v)
						tok["echo"] = "see " + plain(v)
						if r.Method != http.MethodPost {
							// Not in the create's answer: a token answered
							// with another hostname is not the run's, and
							// would not be deleted.
							tok["hostname"] = tok["hostname"].(string) + "#" + plain(v)
						}
					}
				}
				if obj, ok := body.(map[string]any); ok {
					if r.Method == http.MethodPost {
						each(obj)
					}
					mocktest.ForEachToken(obj, each)
					if _, page := obj["tokens"]; page {
						// Every value made so far, as member names: after
						// the deletes only the run knows them as secrets.
						mu.Lock()
						for _, a := range alias {
							obj[a] = 1
						}
						mu.Unlock()
					}
				}
				out, _ = json.Marshal(body)
			}
			maps.Copy(w.Header(), rec.Header())
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			w.Write(out)
		})
	})
	var rec contract.Recorder
	cfg := seededConfig(m, 4)
	cfg.Report = rec.Record
	report, err := live.CheckLive(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if report.Seeded != 3 || len(alias) != 3 {
		t.Fatalf("seeded %d, %d values aliased", report.Seeded, len(alias))
	}
	if left, _ := m.left(t); left != 0 {
		t.Errorf("the mock holds %d of the created tokens", left)
	}
	if len(report.Findings.Additive()) == 0 {
		t.Errorf("no finding for the echoed members: the test proves nothing")
	}
	for _, s := range reportTexts(report, rec.Exchanges()) {
		if strings.Contains(s, "QQQ") {
			t.Errorf("a created token is printed: %q", s)
		}
	}
}
