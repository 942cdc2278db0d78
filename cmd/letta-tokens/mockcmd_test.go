package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader on different
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var baseURLLine = regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+$`)

// startMock runs "letta-tokens mock args..." in the background and returns
// its base URL, read from the first line of its stdout, and a stop function
// that interrupts it and returns its exit status and stderr.
func startMock(t *testing.T, args ...string) (base string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"mock"}, args...), &stdout, &stderr, func(string) string { return "" })
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "\n") {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("mock exited %d before printing its URL: %s", code, stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatal("mock printed no URL within 10s")
		}
	}
	first, rest, _ := strings.Cut(stdout.String(), "\n")
	if !baseURLLine.MatchString(first) || rest != "" {
		t.Errorf("stdout %q: want exactly the base URL on one line", stdout.String())
	}
	stopped := false
	stop = func() (int, string) {
		if stopped {
			return -1, ""
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code, stderr.String()
		case <-time.After(10 * time.Second):
			t.Fatal("mock did not stop within 10s of its context ending")
			return -1, ""
		}
	}
	t.Cleanup(func() { stop() })
	return first, stop
}

func TestMockServes(t *testing.T) {
	base, stop := startMock(t, "--addr", "127.0.0.1:0", "--tokens", "30")
	r := runCLI(t, envFor(base), "list", "--all", "--json", "--limit", "7", "--reveal")
	if r.code != exitOK {
		t.Fatalf("list against the mock: exit %d: %s", r.code, r.stderr)
	}
	if got := decodeTokens(t, r.stdout); !tokensEqual(got, mock.SeedTokens(30)) {
		t.Errorf("the mock served %d tokens, not the 30 seeded ones", len(got))
	}
	code, stderr := stop()
	if code != exitOK {
		t.Errorf("mock exit %d after its context ended, want 0; stderr: %s", code, stderr)
	}
	for _, want := range []string{
		"mock: serving 30 seeded tokens at " + base + "/v1/client-side-access-tokens",
		"export LETTA_BASE_URL=" + base + " LETTA_API_KEY=<any non-empty value>",
		"mock: stopped\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestMockKey(t *testing.T) {
	const key = "sk-let-mock-only-key-0123456789"
	base, stop := startMock(t, "--addr", "127.0.0.1:0", "--key", key)
	if r := runCLI(t, envFor(base), "list"); r.code != exitUsage || !strings.Contains(r.stderr, "credentials rejected") {
		t.Errorf("wrong key: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, map[string]string{envBaseURL: base, envAPIKey: key}, "list", "--json"); r.code != exitOK || len(decodeTokens(t, r.stdout)) != 10 {
		t.Errorf("right key: exit %d, stderr %q", r.code, r.stderr)
	}
	_, stderr := stop()
	if strings.Contains(stderr, key) {
		t.Errorf("the mock printed its key: %s", stderr)
	}
	if !strings.Contains(stderr, "LETTA_API_KEY=<the value of --key>") {
		t.Errorf("stderr does not say which key to use:\n%s", stderr)
	}
}

func TestMockFrom(t *testing.T) {
	tokens := mock.SeedTokens(4)
	tokens[2].Hostname = "https://from-file.example.org"
	data, _ := json.Marshal(map[string]any{"tokens": tokens, "hasNextPage": false})
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	base, stop := startMock(t, "--addr", "127.0.0.1:0", "--from", path)
	r := runCLI(t, envFor(base), "list", "--json", "--reveal")
	if got := decodeTokens(t, r.stdout); !tokensEqual(got, tokens) {
		t.Errorf("--from: served tokens differ from the file's:\n%s", r.stdout)
	}
	if _, stderr := stop(); !strings.Contains(stderr, "serving 4 tokens from "+path) {
		t.Errorf("stderr does not name the file:\n%s", stderr)
	}
}

func TestMockFailures(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`[{"token": "ck-let-x"}]`), 0o600)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", filepath.Join(t.TempDir(), "missing.json")}, "no such file"},
		{[]string{"--from", bad}, "token 0"},
		{[]string{"--addr", "not-an-address"}, "mock: cannot listen on not-an-address"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, nil, append([]string{"mock"}, tt.args...)...)
			if r.code != exitFailure || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and no URL", r.code, r.stdout)
			}
			oneLine(t, r, tt.want)
		})
	}
}

func TestBaseURLOf(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8283": "http://127.0.0.1:8283",
		"0.0.0.0:80":     "http://127.0.0.1:80",
		"[::]:9000":      "http://127.0.0.1:9000",
		"[::1]:9000":     "http://[::1]:9000",
	} {
		if got := baseURLOf(fakeAddr(addr)); got != want {
			t.Errorf("baseURLOf(%s) = %s, want %s", addr, got, want)
		}
	}
}

type fakeAddr string

func (a fakeAddr) Network() string { return "tcp" }
func (a fakeAddr) String() string  { return string(a) }
