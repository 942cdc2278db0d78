package main

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestCheckSeedNamesCreatesWithoutAnswer: check --seed whose create gets
// no answer (--timeout), or whose run outlives --deadline while a create
// is in flight, exits 2 naming the create, the run's hostname and the
// command that finds its token; that command then finds it.
func TestCheckSeedNamesCreatesWithoutAnswer(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"--timeout", []string{"--timeout", "300ms"}},
		{"--deadline", []string{"--deadline", "1s"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(5)})
			if err != nil {
				t.Fatal(err)
			}
			var posts atomic.Int64
			ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					posts.Add(1)
					srv.ServeHTTP(httptest.NewRecorder(), r) // made; the answer never comes
					select {
					case <-r.Context().Done():
					case <-time.After(5 * time.Second):
					}
					return
				}
				srv.ServeHTTP(w, r)
			}))
			r := runCLI(t, envFor(ts.URL), append([]string{"check", "--seed"}, tt.args...)...)
			hint := regexp.MustCompile(`find it with letta-tokens list --all --hostname (\S+)`).FindStringSubmatch(r.stderr)
			if r.code != exitUsage || posts.Load() != 1 || hint == nil || !strings.Contains(r.stderr, "1 create of this run got no usable answer") {
				t.Fatalf("exit %d after %d creates, stderr %q; want exit 2 naming the create and how to find it", r.code, posts.Load(), r.stderr)
			}
			found := runCLI(t, envFor(ts.URL), "list", "--all", "--json", "--hostname", hint[1])
			if found.code != exitOK || strings.Count(found.stdout, `"token"`) != 1 {
				t.Errorf("the hint's command: exit %d:\n%s", found.code, found.stdout)
			}
		})
	}
}
