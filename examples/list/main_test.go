package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/internal/exampletest"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestMainAgainstMock runs the README example against the mock: it must
// print every token, redacted.
func TestMainAgainstMock(t *testing.T) {
	tokens := mock.SeedTokens(137)
	srv := mocktest.NewServer(t, mock.Options{Tokens: tokens, APIKey: "example-key"})
	t.Setenv("LETTA_BASE_URL", srv.URL)
	t.Setenv("LETTA_API_KEY", "example-key")

	out, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = out
	main()
	os.Stdout = stdout
	printed, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(printed)), "\n")
	if len(lines) != len(tokens) {
		t.Fatalf("printed %d lines, want %d", len(lines), len(tokens))
	}
	for i, tok := range tokens {
		if strings.Contains(string(printed), tok.Token) {
			t.Fatalf("token %d printed in full", i)
		}
		if !strings.Contains(lines[i], tok.Hostname) || !strings.HasPrefix(lines[i], "ck-let-") {
			t.Errorf("line %d = %q, want the redacted token and %s", i, lines[i], tok.Hostname)
		}
	}
}

// TestMainPrintsTheCause: when the listing fails, the example says why (a
// refused connection, a 404, a body that is not JSON), not an empty
// "HTTP 0:  (request id )".
func TestMainPrintsTheCause(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	serve := func(status int, body string) string {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "req_42")
			w.WriteHeader(status)
			w.Write([]byte(body))
		}))
		t.Cleanup(ts.Close)
		return ts.URL
	}
	for _, tt := range []struct {
		name, baseURL string
		wants         []string
	}{
		{"connection refused", dead, []string{"connection refused"}},
		{"404", serve(http.StatusNotFound, `{"message":"no such route"}`), []string{"HTTP 404", "no such route", "req_42"}},
		{"invalid JSON", serve(http.StatusOK, `{"tokens": [`), []string{"unexpected end of JSON input"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, ok := exampletest.Run(t, nil, "LETTA_BASE_URL="+tt.baseURL, "LETTA_API_KEY=example-key")
			if ok || stdout != "" {
				t.Errorf("exit 0 or output on a failure: %q", stdout)
			}
			for _, w := range tt.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not name the cause %q", stderr, w)
				}
			}
			if strings.Contains(stderr, "HTTP 0") || strings.Contains(stderr, "example-key") {
				t.Errorf("stderr %q", stderr)
			}
		})
	}
}
