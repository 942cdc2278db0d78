package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestCheckSeedDeleteAnswerLost: check --seed whose deletes the server
// carries out but whose answers are lost (a reset), each retry getting
// the documented 400 for a token that does not exist, exits 0 without
// naming any token as left.
func TestCheckSeedDeleteAnswerLost(t *testing.T) {
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(5)})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	reset := map[string]bool{}
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := r.Method == http.MethodDelete && !reset[r.URL.Path]
		reset[r.URL.Path] = true
		mu.Unlock()
		if !first {
			srv.ServeHTTP(w, r)
			return
		}
		srv.ServeHTTP(httptest.NewRecorder(), r) // deleted; the answer is lost
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}))
	r := runCLI(t, envFor(ts.URL), "check", "--seed")
	if r.code != exitOK || r.stderr != "" || strings.Contains(r.stdout, "could not be deleted") || regexp.MustCompile(`(?m)^breaking `).MatchString(r.stdout) {
		t.Errorf("exit %d, stderr %q:\n%s", r.code, r.stderr, r.stdout)
	}
	if n := mockTokens(t, srv); n != 5 {
		t.Errorf("the mock holds %d tokens, want the 5 it started with", n)
	}
}

// TestCheckSeedCreateUnavailable: check --seed whose second create is
// answered 503 (after the server made the token) exits 2 naming that
// create and the command that finds its token, which then finds it.
func TestCheckSeedCreateUnavailable(t *testing.T) {
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(5)})
	if err != nil {
		t.Fatal(err)
	}
	var posts atomic.Int64
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && posts.Add(1) == 2 {
			srv.ServeHTTP(httptest.NewRecorder(), r)
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	r := runCLI(t, envFor(ts.URL), "check", "--seed")
	hint := regexp.MustCompile(`find it with letta-tokens list --all --hostname (\S+)`).FindStringSubmatch(r.stderr)
	if r.code != exitUsage || hint == nil || !strings.Contains(r.stderr, "1 create of this run got no usable answer") ||
		strings.Contains(r.stderr, "could not be deleted") {
		t.Fatalf("exit %d, stderr %q; want exit 2 naming the create and how to find its token", r.code, r.stderr)
	}
	found := runCLI(t, envFor(ts.URL), "list", "--all", "--json", "--hostname", hint[1])
	if found.code != exitOK || strings.Count(found.stdout, `"token"`) != 1 {
		t.Errorf("the hint's command: exit %d:\n%s", found.code, found.stdout)
	}
}

// TestCheckComparesPageSizes: check against a server that loses a token
// at one page size only (limit=7; each walk passes its own checks) exits 1
// with a walk-consistency finding.
func TestCheckComparesPageSizes(t *testing.T) {
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(25)})
	if err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if offset, _ := strconv.Atoi(q.Get("offset")); q.Get("limit") == "7" && offset >= 7 {
			q.Set("offset", strconv.Itoa(offset+1)) // the token at offset 7 is never listed at limit=7
			r.URL.RawQuery = q.Encode()
		}
		srv.ServeHTTP(w, r)
	}))
	r := runCLI(t, envFor(ts.URL), "check")
	if r.code != exitFailure || !strings.Contains(r.stdout, "walk-consistency") {
		t.Errorf("exit %d, stderr %q:\n%s", r.code, r.stderr, r.stdout)
	}
}
