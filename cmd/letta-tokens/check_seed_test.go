package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestCheckSeed: check --seed creates its tokens on an empty account,
// checks them and deletes them; without --seed nothing is written.
func TestCheckSeed(t *testing.T) {
	srv, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var posts, deletes atomic.Int64
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			posts.Add(1)
		case http.MethodDelete:
			deletes.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))

	r := runCLI(t, envFor(ts.URL), "check")
	if r.code != exitOK || posts.Load() != 0 || !strings.Contains(r.stdout, "note: the account holds no tokens") {
		t.Fatalf("without --seed: exit %d, %d creates:\n%s", r.code, posts.Load(), r.stdout)
	}

	r = runCLI(t, envFor(ts.URL), "check", "--seed", "--concurrency", "2")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	if posts.Load() != 3 || deletes.Load() != 3 {
		t.Errorf("%d creates, %d deletes; want 3 and 3", posts.Load(), deletes.Load())
	}
	if strings.Contains(r.stdout, "holds no tokens") || !strings.Contains(r.stdout, "note: seeded 3 tokens for agents ") {
		t.Errorf("report:\n%s", r.stdout)
	}
	if m := summary.FindStringSubmatch(lastLine(r.stdout)); m == nil || m[3] != "3" || m[7] != "no breaking drift" {
		t.Errorf("summary %q", lastLine(r.stdout))
	}
	if n := mockTokens(t, srv); n != 0 {
		t.Errorf("the mock holds %d tokens after the run", n)
	}
	if strings.Contains(r.stdout, "ck-let-") && !strings.Contains(r.stdout, "…") {
		t.Errorf("a token is printed:\n%s", r.stdout)
	}

	r = runCLI(t, envFor(ts.URL), "check", "--seed", "--json")
	var report checkJSON
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil || r.code != exitOK || report.Tokens != 3 {
		t.Errorf("--json: exit %d, %v, %+v", r.code, err, report)
	}
}

func mockTokens(t *testing.T, srv http.Handler) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?limit=1000", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var page gen.TokenPage
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	return len(page.Tokens)
}

// TestCheckSeedInterrupted: a seeded check interrupted midway (Ctrl-C
// cancels the command's context) still deletes what it created, and exits
// 2; when its tokens cannot be deleted it says so, rather than only
// "interrupted".
func TestCheckSeedInterrupted(t *testing.T) {
	for _, deletable := range []bool{true, false} {
		srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(30)})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var posts atomic.Int64
		ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodPost:
				posts.Add(1)
			case r.Method == http.MethodDelete && !deletable:
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			case r.Method == http.MethodGet && posts.Load() == 3 && strings.Contains(r.URL.RawQuery, "limit=7"):
				cancel() // the user pressed Ctrl-C during the second walk
			}
			srv.ServeHTTP(w, r)
		}))
		r := runCLIContext(t, ctx, envFor(ts.URL), "check", "--seed")
		want := "letta-tokens: interrupted\n"
		if !deletable {
			want = "interrupted; 3 of the 3 tokens this run created could not be deleted: they expire by "
		}
		if r.code != exitUsage || !strings.Contains(r.stderr, want) {
			t.Errorf("deletable %v: exit %d, stderr %q", deletable, r.code, r.stderr)
		}
		if posts.Load() != 3 {
			t.Fatalf("%d creates: the run stopped before the point under test", posts.Load())
		}
		if n := mockTokens(t, srv); deletable && n != 30 {
			t.Errorf("the mock holds %d tokens, want the 30 it had", n)
		}
	}
}

// TestCheckConcurrencyFlag: --concurrency takes 1 to 16 (anything else:
// TestUsageErrors).
func TestCheckConcurrencyFlag(t *testing.T) {
	ts := newMock(t, 40)
	for _, n := range []string{"1", "4", "16"} {
		if r := runCLI(t, envFor(ts.URL), "check", "--concurrency", n); r.code != exitOK {
			t.Errorf("--concurrency %s: exit %d: %s", n, r.code, r.stderr)
		}
	}
}

// runCLIContext is runCLI with the command's context given, as a signal
// would end it.
func runCLIContext(t *testing.T, ctx context.Context, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr, func(k string) string { return env[k] })
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}
