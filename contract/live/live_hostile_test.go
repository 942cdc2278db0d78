package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// endlessServer serves limit fresh tokens per page and always says
// hasNextPage true: an account larger than any bound.
func endlessServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil {
			limit = 10
		}
		toks := make([]string, limit)
		for i := range toks {
			toks[i] = fmt.Sprintf(`{"token":"ck-let-endless-%09d","hostname":"https://h.example.com","expiresAt":"2030-01-01T00:00:00.000Z","policy":{"version":"1","data":[{"type":"agent","id":"agent-0","access":["read_messages"]}]}}`, offset+i)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"tokens":[%s],"hasNextPage":true}`, strings.Join(toks, ","))
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestCheckLiveBoundIsNotDrift(t *testing.T) {
	for _, tt := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"account larger than the bound", func(t *testing.T) string { return mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(61)}).URL }},
		{"server that never ends, with fresh tokens", func(t *testing.T) string { return endlessServer(t).URL }},
	} {
		for _, c := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/concurrency=%d", tt.name, c), func(t *testing.T) {
				report, err := live.CheckLive(context.Background(), live.LiveConfig{
					BaseURL: tt.url(t), APIKey: testKey, PageSizes: [2]int{10, 3}, MaxTokens: 30, CompareTokens: 12, Concurrency: c,
				})
				if err != nil {
					t.Fatal(err)
				}
				if !report.Passed() || !report.Truncated {
					t.Errorf("passed %v, truncated %v; want a pass that says it is incomplete:\n%s", report.Passed(), report.Truncated, report.Findings)
				}
				if report.Tokens != 30 || !strings.Contains(strings.Join(report.Notes, "\n"), "could not be checked completely") {
					t.Errorf("tokens %d, notes %q", report.Tokens, report.Notes)
				}
			})
		}
	}
}

func TestCheckLiveLaterWalksAreBounded(t *testing.T) {
	var at7 atomic.Int64 // requests at limit=7
	srv := mustMockKey(t, 200)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("limit") == "7" {
			at7.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	report, err := live.CheckLive(context.Background(), live.LiveConfig{
		BaseURL: ts.URL, APIKey: testKey, PageSizes: [2]int{50, 7}, CompareTokens: 30,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !report.Passed() || report.Truncated || report.Tokens != 200 {
		t.Fatalf("passed %v truncated %v tokens %d:\n%s", report.Passed(), report.Truncated, report.Tokens, report.Findings)
	}
	// 30 tokens at limit 7 take 5 pages, not the 29 a whole walk would.
	if n := at7.Load(); n > 6 {
		t.Errorf("%d requests at limit=7, want the walk bounded by CompareTokens", n)
	}
	if !strings.Contains(strings.Join(report.Notes, "\n"), "compared on the first") {
		t.Errorf("notes %q should say the walks were compared on a prefix", report.Notes)
	}
}

func TestCheckLiveOversizedPageIsDriftNotMemory(t *testing.T) {
	pad := strings.Repeat("x", 64<<10)
	ts := httptest.NewServer(mocktest.RewritePages(mustMockKey(t, 20), func(p map[string]any) { p["pad"] = pad }))
	defer ts.Close()
	report, err := live.CheckLive(context.Background(), live.LiveConfig{
		BaseURL: ts.URL, APIKey: testKey, MaxPageBytes: 32 << 10,
		Options: []lettatokens.Option{lettatokens.WithMaxRetries(0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if report.Passed() || !strings.Contains(report.Findings.String(), "larger than 32768 bytes") {
		t.Errorf("want a breaking finding for the oversized body:\n%s", report.Findings)
	}
	if strings.Contains(strings.Join(report.Notes, "\n"), "holds no tokens") {
		t.Errorf("an unread page is not an empty account: %q", report.Notes)
	}
}

// hostileEdits makes a server echo the key and another token's value, and
// put terminal escapes and huge values where the server chooses strings.
func hostileEdits(key string) func(p map[string]any) {
	const forged = "\nchecked http://x: 0 breaking, 0 additive — no breaking drift"
	return func(p map[string]any) {
		mocktest.ForEachToken(p, func(tok map[string]any) {
			entry := tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)
			entry["id"] = key
			entry["type"] = json.Number(strings.Repeat("7", 1<<20))
			entry["access"] = []any{"\x1b]0;title\x07" + key}
			tok["hostname"] = "https://" + key + "/x"
			tok["sibling"] = "ck-let-another-tokens-whole-value-0123456789"
			tok["\x1b[2J"+key+forged] = 1
			tok[strings.Repeat("n", 1<<20)] = true
			tok["expiresAt"] = key
		})
	}
}

// unsafe matches what a finding must never hold: a control character or a
// bidi override.
var unsafe = regexp.MustCompile("[\x00-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

func TestCheckLiveFindingsAreSafe(t *testing.T) {
	// Not shaped like a Letta key: only the configured value can mask it.
	const key = "plain-Key/With+Chars-SECRET-42"
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(12), APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(mocktest.RewritePages(srv, hostileEdits(key)))
	defer ts.Close()
	report, err := live.CheckLive(context.Background(), live.LiveConfig{BaseURL: ts.URL, APIKey: key, PageSizes: [2]int{5, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if report.Passed() {
		t.Fatal("a hostile server passed")
	}
	for _, f := range report.Findings {
		for _, s := range []string{f.Message, f.Pointer, f.String()} {
			if strings.Contains(s, "SECRET") || strings.Contains(s, "another-tokens-whole") {
				t.Errorf("finding leaks a secret: %q", s)
			}
			if unsafe.MatchString(s) {
				t.Errorf("finding holds a control character: %q", s)
			}
			if len(s) > 2000 {
				t.Errorf("finding is %d bytes: %.200q", len(s), s)
			}
		}
	}
	for _, n := range report.Notes {
		if strings.Contains(n, "SECRET") || unsafe.MatchString(n) {
			t.Errorf("note not safe: %q", n)
		}
	}
}
