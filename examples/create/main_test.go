package main

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/internal/exampletest"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/mock"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// runExample runs main in a child process against baseURL, with the one
// argument arg unless it is nil, and returns its stdout, its stderr and
// whether it exited 0.
func runExample(t *testing.T, baseURL string, arg *string) (stdout, stderr string, ok bool) {
	t.Helper()
	var args []string
	if arg != nil {
		args = []string{*arg}
	}
	return exampletest.Run(t, args, "LETTA_BASE_URL="+baseURL, "LETTA_API_KEY=example-key")
}

// countMethods wraps h, counting requests by method.
func countMethods(h http.Handler, post, del *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			post.Add(1)
		case http.MethodDelete:
			del.Add(1)
		}
		h.ServeHTTP(w, r)
	})
}

// TestMainAgainstMock runs the README example against the stateful mock:
// it creates one token, prints it redacted only, and deletes it, leaving
// the account as it was.
func TestMainAgainstMock(t *testing.T) {
	seed := mock.SeedTokens(3)
	srv, err := mock.New(mock.Options{Tokens: seed, APIKey: "example-key"})
	if err != nil {
		t.Fatal(err)
	}
	var posts, deletes atomic.Int64
	ts := httptest.NewServer(countMethods(srv, &posts, &deletes))
	t.Cleanup(ts.Close)

	agent := mock.SeedAgentID(0)
	stdout, stderr, ok := runExample(t, ts.URL, &agent)
	if !ok {
		t.Fatalf("the example failed: %s", stderr)
	}
	m := regexp.MustCompile(`^created (ck-let-\S+) expires (\S+)\ndeleted (ck-let-\S+)\n$`).FindStringSubmatch(stdout)
	if m == nil || m[1] != m[3] {
		t.Fatalf("stdout %q, want a created and a deleted line naming one token", stdout)
	}
	if regexp.MustCompile(`ck-let-[0-9a-f]{9}`).MatchString(stdout + stderr) {
		t.Errorf("a token printed in full: %q", stdout)
	}
	if posts.Load() != 1 || deletes.Load() != 1 {
		t.Errorf("%d creates and %d deletes, want one each", posts.Load(), deletes.Load())
	}
	client, err := lettatokens.NewClient(lettatokens.WithBaseURL(ts.URL), lettatokens.WithAPIKey("example-key"))
	if err != nil {
		t.Fatal(err)
	}
	left := 0
	for _, err := range client.Tokens(t.Context(), lettatokens.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		left++
	}
	if left != len(seed) {
		t.Errorf("after the example the mock lists %d tokens, want the %d seeded", left, len(seed))
	}
}

// TestMainRefuses: without an agent, or with an empty one, the example
// says why and sends nothing.
func TestMainRefuses(t *testing.T) {
	var posts, deletes atomic.Int64
	srv, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(countMethods(srv, &posts, &deletes))
	t.Cleanup(ts.Close)
	empty := ""
	for _, tt := range []struct {
		name string
		arg  *string
		want string
	}{
		{"no argument", nil, "usage: create AGENT_ID"},
		{"empty agent", &empty, "invalid parameters: Policy[0].Id is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, ok := runExample(t, ts.URL, tt.arg)
			if ok || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit 0: %v, stdout %q, stderr %q; want a failure saying %q", ok, stdout, stderr, tt.want)
			}
		})
	}
	if posts.Load()+deletes.Load() != 0 {
		t.Errorf("%d requests sent", posts.Load()+deletes.Load())
	}
}
