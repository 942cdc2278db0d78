package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
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

// startCmd runs "letta-tokens args..." (mock or proxy) in the background
// with env, and returns its base URL, which must be its one stdout line,
// and a stop that ends its context, as SIGINT does, and returns how it
// ended (the same result when called again).
func startCmd(t *testing.T, env map[string]string, args ...string) (base string, stop func() result) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, args, &stdout, &stderr, func(k string) string { return env[k] })
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "\n") {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("%s exited %d before printing its URL: %s", args[0], code, stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("%s printed no URL within 10s", args[0])
		}
	}
	first, rest, _ := strings.Cut(stdout.String(), "\n")
	if !baseURLLine.MatchString(first) || rest != "" {
		t.Fatalf("stdout %q: want exactly the base URL on one line", stdout.String())
	}
	var res *result
	stop = func() result {
		if res != nil {
			return *res
		}
		cancel()
		select {
		case code := <-done:
			res = &result{code: code, stdout: stdout.String(), stderr: stderr.String()}
		case <-time.After(15 * time.Second):
			t.Fatalf("%s did not stop within 15s of its context ending", args[0])
		}
		return *res
	}
	t.Cleanup(func() { stop() })
	return first, stop
}

// startMock is startCmd for "letta-tokens mock args...", whose stop
// returns the exit status and stderr.
func startMock(t *testing.T, args ...string) (base string, stop func() (int, string)) {
	t.Helper()
	base, stopCmd := startCmd(t, nil, append([]string{"mock"}, args...)...)
	return base, func() (int, string) {
		r := stopCmd()
		return r.code, r.stderr
	}
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
		"\n  LETTA_BASE_URL=" + base + " LETTA_API_KEY=<any non-empty value> letta-tokens list\n",
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
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", filepath.Join(t.TempDir(), "missing.json")}, "no such file"},
		{[]string{"--from", bad}, "token 0"},
		{[]string{"--addr", "not-an-address"}, "mock: cannot listen on not-an-address"},
		// A port already taken: say how to get a free one.
		{[]string{"--addr", busy.Addr().String()}, "mock: cannot listen on " + busy.Addr().String() + ": "},
		{[]string{"--addr", busy.Addr().String()}, "(--addr 127.0.0.1:0 picks a free port; the base URL is the first line on stdout)"},
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

// TestMockBannerCounts: the banner says "1 seeded token", not "1 tokens"
// (and names a --from file: TestMockFrom).
func TestMockBannerCounts(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--tokens", "1"}, "mock: serving 1 seeded token at "},
		{[]string{"--tokens", "0"}, "mock: serving 0 seeded tokens at "},
		{[]string{"--tokens", "2"}, "mock: serving 2 seeded tokens at "},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stop := startMock(t, append([]string{"--addr", "127.0.0.1:0"}, tt.args...)...)
			if _, stderr := stop(); !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
}

// TestMockServesDeepPages starts the mock with 10^8 tokens and reads the
// last page and an agent's page deep in the list through list.
func TestMockServesDeepPages(t *testing.T) {
	base, stop := startMock(t, "--addr", "127.0.0.1:0", "--tokens", "100000000")
	r := runCLI(t, envFor(base), "list", "--json", "--reveal", "--offset", "99999990", "--limit", "10")
	tokens := decodeTokens(t, r.stdout)
	if r.code != exitOK || len(tokens) != 10 || !strings.HasPrefix(tokens[9].Token, "ck-let-mock-99999999-") {
		t.Errorf("last page: exit %d, %d tokens, stderr %s", r.code, len(tokens), r.stderr)
	}
	agent := mock.SeedAgentID(3)
	r = runCLI(t, envFor(base), "list", "--json", "--agent-id", agent, "--offset", "20000000", "--limit", "7")
	tokens = decodeTokens(t, r.stdout)
	if r.code != exitOK || len(tokens) != 7 {
		t.Fatalf("agent page: exit %d, %d tokens, stderr %s", r.code, len(tokens), r.stderr)
	}
	for _, tok := range tokens {
		if !slices.ContainsFunc(tok.Policy.Data, func(p gen.AgentPolicy) bool { return p.Id == agent }) {
			t.Errorf("agent page holds a token not naming %s: %+v", agent, tok.Policy)
		}
	}
	if code, stderr := stop(); code != exitOK || !strings.Contains(stderr, "serving 100000000 seeded tokens") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

// TestMockBinaryStopsOnSignal runs the built command and signals it while
// it serves deep pages of 10^8 tokens, while it streams a page of all of
// them, and while it is still loading --from (a FIFO nobody writes to):
// each time it must exit 0 at once. The deadline is generous, for a busy
// machine; the time taken is logged.
func TestMockBinaryStopsOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildCommand(t)

	t.Run("SIGINT after deep pages of 10^8 tokens", func(t *testing.T) {
		m := startBinary(t, bin, "mock", "--addr", "127.0.0.1:0", "--tokens", "100000000")
		base := m.url(t)
		for _, q := range []string{"offset=99999990", "offset=26666000&agentId=" + url.QueryEscape(mock.SeedAgentID(1))} {
			body := httpGet(t, base+listPath+"?"+q)
			if !strings.HasPrefix(body, `{"hasNextPage":`) || strings.Count(body, `"token":"ck-let-mock-`) != 10 {
				t.Errorf("%s: body %.200s", q, body)
			}
		}
		m.stop(t, os.Interrupt)
	})

	t.Run("SIGTERM during a page of 10^8 tokens", func(t *testing.T) {
		m := startBinary(t, bin, "mock", "--addr", "127.0.0.1:0", "--tokens", "100000000")
		resp := httpStart(t, m.url(t)+listPath+"?limit=100000000")
		defer resp.Body.Close()
		if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
			t.Fatalf("reading the start of the page: %v", err)
		}
		m.stop(t, syscall.SIGTERM) // the response is still streaming
		if _, err := io.Copy(io.Discard, resp.Body); err == nil {
			t.Error("the page ended cleanly although the mock stopped mid-page")
		}
	})

	t.Run("SIGINT while loading --from", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "tokens.fifo")
		if err := exec.Command("mkfifo", fifo).Run(); err != nil {
			t.Skipf("cannot make a FIFO: %v", err)
		}
		m := startBinary(t, bin, "mock", "--addr", "127.0.0.1:0", "--from", fifo)
		// Opening the FIFO's write end returns once the mock has opened
		// its read end: it is then loading, and never gets an EOF.
		opened := make(chan *os.File, 1)
		go func() {
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				t.Error(err)
			}
			opened <- w
		}()
		select {
		case w := <-opened:
			if w != nil {
				defer w.Close()
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the mock did not open --from within 20s")
		}
		m.stop(t, os.Interrupt)
	})
}

// buildCommand builds letta-tokens into a temporary directory.
func buildCommand(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "letta-tokens")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// binaryMock is the built command running as a mock.
type binaryMock struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	lines  chan string // the first stdout line, or "" at EOF
	exited chan error
}

func startBinary(t *testing.T, bin string, args ...string) *binaryMock {
	t.Helper()
	m := &binaryMock{
		cmd:    exec.Command(bin, args...),
		stderr: &syncBuffer{},
		lines:  make(chan string, 1),
		exited: make(chan error, 1),
	}
	m.cmd.Env = []string{} // the mock reads no environment
	m.cmd.Stderr = m.stderr
	stdout, err := m.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		m.lines <- strings.TrimSuffix(line, "\n")
		_, _ = io.Copy(io.Discard, stdout)
		m.exited <- m.cmd.Wait() // after the reads: Wait closes the pipe
	}()
	t.Cleanup(func() {
		if m.cmd.ProcessState == nil {
			m.cmd.Process.Kill()
			<-m.exited
		}
	})
	return m
}

// url waits for the mock's first stdout line, its base URL.
func (m *binaryMock) url(t *testing.T) string {
	t.Helper()
	select {
	case base := <-m.lines:
		if !baseURLLine.MatchString(base) {
			t.Fatalf("first stdout line %q is not a base URL; stderr: %s", base, m.stderr)
		}
		return base
	case <-time.After(20 * time.Second):
		t.Fatalf("the mock printed no URL within 20s; stderr: %s", m.stderr)
		return ""
	}
}

// stop sends sig and expects exit 0 and "mock: stopped" last on stderr.
func (m *binaryMock) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	start := time.Now()
	if err := m.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-m.exited:
		t.Logf("exited %v after %v", sig, time.Since(start).Round(time.Millisecond))
		if err != nil {
			t.Errorf("after %v: %v, want exit 0; stderr: %s", sig, err, m.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after %v; stderr: %s", sig, m.stderr)
	}
	if stderr := m.stderr.String(); !strings.HasSuffix(stderr, "mock: stopped\n") {
		t.Errorf("stderr does not end with \"mock: stopped\": %q", stderr)
	}
}

// httpStart sends an authorised GET to u and returns the response, 200.
func httpStart(t *testing.T, u string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	client := &http.Client{Timeout: time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("GET %s: status %d", u, resp.StatusCode)
	}
	t.Cleanup(client.CloseIdleConnections)
	return resp
}

// httpGet is httpStart and the whole body.
func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp := httpStart(t, u)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
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

// TestMockCreateAndDelete: the command's mock keeps state: a created token
// is listed after the seeded ones, and a deleted one is gone.
func TestMockCreateAndDelete(t *testing.T) {
	base, stop := startMock(t, "--addr", "127.0.0.1:0", "--tokens", "3")
	call := func(method, path, body string) (int, []byte) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequestWithContext(t.Context(), method, base+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer any")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data
	}
	status, body := call(http.MethodPost, listPath, `{"policy":[{"type":"agent","id":"agent-x","access":["read_messages"]}],"hostname":"https://a.example.com"}`)
	var created gen.Token
	if status != http.StatusCreated || json.Unmarshal(body, &created) != nil || !strings.HasPrefix(created.Token, "ck-let-") {
		t.Fatalf("create: %d %s", status, body)
	}
	seeded := mock.SeedTokens(3)
	if status, body := call(http.MethodDelete, listPath+"/"+url.PathEscape(seeded[1].Token), ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, body)
	}
	r := runCLI(t, envFor(base), "list", "--all", "--json", "--reveal")
	want := []gen.Token{seeded[0], seeded[2], created}
	if got := decodeTokens(t, r.stdout); r.code != exitOK || !tokensEqual(got, want) {
		t.Errorf("list after create and delete: exit %d, %d tokens: %s", r.code, len(got), r.stderr)
	}
	code, stderr := stop()
	if code != exitOK || !strings.Contains(stderr, "mock: list (GET), create (POST) and delete (DELETE "+listPath+"/{token})\n") {
		t.Errorf("exit %d; the banner does not name the three operations:\n%s", code, stderr)
	}
}

// TestMockLatency: --latency delays every answer by at least that long,
// and the banner says so.
func TestMockLatency(t *testing.T) {
	const latency = 150 * time.Millisecond
	base, stop := startMock(t, "--addr", "127.0.0.1:0", "--latency", latency.String())
	start := time.Now()
	httpGet(t, base+listPath+"?limit=1")
	if took := time.Since(start); took < latency {
		t.Errorf("answered in %v, under --latency %v", took, latency)
	}
	if _, stderr := stop(); !strings.Contains(stderr, ", each answered after 150ms") {
		t.Errorf("the banner does not give the latency:\n%s", stderr)
	}
}
