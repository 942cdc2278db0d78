package tssdk

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// proxyCmd is `letta-tokens proxy` running as its own process.
type proxyCmd struct {
	cmd    *exec.Cmd
	url    string
	stderr *strings.Builder
}

// buildCLI builds letta-tokens into a temporary directory.
func buildCLI(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "letta-tokens")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/letta-tokens").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProxyCmd starts `letta-tokens proxy --upstream upstream` on a free
// port and reads its base URL from its first stdout line.
func startProxyCmd(t *testing.T, bin, upstream string) *proxyCmd {
	t.Helper()
	cmd := exec.Command(bin, "proxy", "--upstream", upstream, "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proxyCmd{cmd: cmd, stderr: &strings.Builder{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	select {
	case p.url = <-lines:
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy printed no URL within 10s")
	}
	if !strings.HasPrefix(p.url, "http://127.0.0.1:") {
		t.Fatalf("first stdout line %q is not a base URL", p.url)
	}
	return p
}

// stop interrupts the proxy as Ctrl-C does and returns its exit status.
func (p *proxyCmd) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		t.Fatal("the proxy did not stop within 20s of SIGINT")
		return -1
	}
}

// sdkSession runs the SDK's create, list and delete (crud.mjs) and a walk
// (walk.mjs) against baseURL.
func sdkSession(t *testing.T, node, baseURL string, walkTotal int) {
	t.Helper()
	agent := mock.SeedAgentID(7)
	input, _ := json.Marshal(map[string]any{
		"create": map[string]any{
			"hostname":   "https://app.example.com",
			"policy":     []any{map[string]any{"type": "agent", "id": agent, "access": []string{"read_messages"}}},
			"expires_at": time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"),
		},
		"list": map[string]any{"limit": 50, "agentId": agent},
	})
	var crud struct{ Created struct{ Token string } }
	if apiErr := runScript(t, node, baseURL, "crud.mjs", &crud, string(input)); apiErr != nil || crud.Created.Token == "" {
		t.Fatalf("SDK create/list/delete through the proxy: %v", apiErr)
	}
	var walk struct{ Count int }
	if apiErr := runScript(t, node, baseURL, "walk.mjs", &walk, "7"); apiErr != nil || walk.Count != walkTotal {
		t.Fatalf("SDK walk through the proxy: %v, %d tokens, want %d", apiErr, walk.Count, walkTotal)
	}
}

// TestTypeScriptSDKThroughProxy: the official SDK's create, list, delete
// and walk work unchanged through `letta-tokens proxy`; in front of the
// mock the proxy finds nothing and exits 0, in front of a mock that
// renamed expiresAt it reports the drift and exits 1.
func TestTypeScriptSDKThroughProxy(t *testing.T) {
	node := requireSDK(t)
	bin := buildCLI(t)
	opts := mock.Options{Tokens: mock.SeedTokens(40), APIKey: mockKey}

	t.Run("mock", func(t *testing.T) {
		p := startProxyCmd(t, bin, mocktest.NewServer(t, opts).URL)
		sdkSession(t, node, p.url, 40)
		if code := p.stop(t); code != 0 || strings.Contains(p.stderr.String(), "proxy: breaking") || strings.Contains(p.stderr.String(), "proxy: additive") {
			t.Errorf("exit %d, want 0 and no finding; stderr:\n%s", code, p.stderr)
		}
		if !strings.Contains(p.stderr.String(), "no breaking drift") || strings.Contains(p.stderr.String(), " 0 exchanges validated") {
			t.Errorf("summary does not show validated exchanges:\n%s", p.stderr)
		}
	})
	t.Run("drifting", func(t *testing.T) {
		srv, err := mock.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		drifting := httptest.NewServer(mocktest.RewritePages(srv, func(page map[string]any) {
			mocktest.ForEachToken(page, func(tok map[string]any) {
				tok["expires_at"] = tok["expiresAt"]
				delete(tok, "expiresAt")
			})
		}))
		t.Cleanup(drifting.Close)
		p := startProxyCmd(t, bin, drifting.URL)
		sdkSession(t, node, p.url, 40)
		code := p.stop(t)
		if code != 1 || strings.Count(p.stderr.String(), "proxy: breaking schema") < 1 || !strings.Contains(p.stderr.String(), "expiresAt") {
			t.Errorf("exit %d, want 1 and the renamed field reported; stderr:\n%s", code, p.stderr)
		}
		if strings.Contains(p.stderr.String(), mockKey) {
			t.Errorf("stderr holds the key")
		}
	})
}

// TestTypeScriptSDKProxyVerdicts is issue 20's done-when for the proxy:
// Letta's SDK through `letta-tokens proxy`, in front of a faithful mock
// with the SDK's own invalid requests (limit 2.5, offset -5), exits 0;
// in front of `mock --faults 503=1` exits 2 (nothing was checked); in
// front of each `mock --drift` case exits 1.
func TestTypeScriptSDKProxyVerdicts(t *testing.T) {
	node := requireSDK(t)
	bin := buildCLI(t)
	agent := mock.SeedAgentID(1)
	t.Run("client mistakes", func(t *testing.T) {
		p := startProxyCmd(t, bin, mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(10), APIKey: mockKey}).URL)
		for _, q := range []map[string]any{{"limit": 2.5}, {"offset": -5}} {
			if _, apiErr := sdkList(t, node, p.url, mockKey, q); apiErr == nil || apiErr["status"] != float64(400) {
				t.Fatalf("SDK list %v: %v, want the mock's 400", q, apiErr)
			}
		}
		if code := p.stop(t); code != 0 || strings.Contains(p.stderr.String(), "proxy: breaking") {
			t.Errorf("exit %d, want 0 and no finding; stderr:\n%s", code, p.stderr)
		}
	})
	t.Run("503=1", func(t *testing.T) {
		_, url := newFaultyMock(t, 10, "503=1", 1)
		p := startProxyCmd(t, bin, url)
		if _, apiErr := sdkList(t, node, p.url, mockKey, map[string]any{"limit": 5}); apiErr == nil || apiErr["status"] != float64(503) {
			t.Fatalf("SDK list: %v, want 503", apiErr)
		}
		if code := p.stop(t); code != 2 || !strings.Contains(p.stderr.String(), "nothing was checked") {
			t.Errorf("exit %d, want 2 saying nothing was checked; stderr:\n%s", code, p.stderr)
		}
	})
	for _, c := range mock.DriftCases() {
		t.Run("drift "+c.Name, func(t *testing.T) {
			p := startProxyCmd(t, bin, mocktest.NewServer(t, mock.Options{SeedCount: 25, APIKey: mockKey, Drift: c.Name}).URL)
			for _, q := range []map[string]any{{"limit": 5}, {"limit": 2, "agentId": agent}} {
				sdkListAnyway(t, node, p.url, q)
			}
			if code := p.stop(t); code != 1 || !strings.Contains(p.stderr.String(), "proxy: breaking") {
				t.Errorf("exit %d, want 1 and the drift reported; stderr:\n%s", code, p.stderr)
			}
			if strings.Contains(p.stderr.String(), mockKey) {
				t.Errorf("stderr holds the key")
			}
		})
	}
}

// sdkListAnyway runs list.mjs with mockKey and query, whatever the SDK
// makes of the answer: on a drift it may fail, or return what it parsed;
// the proxy has seen the exchange either way.
func sdkListAnyway(t *testing.T, node, baseURL string, query map[string]any) {
	t.Helper()
	q, _ := json.Marshal(query)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "list.mjs", string(q))
	cmd.Env = append(os.Environ(), "LETTA_BASE_URL="+baseURL, "LETTA_API_KEY="+mockKey)
	if out, err := cmd.Output(); ctx.Err() != nil {
		t.Fatalf("node list.mjs %s: %v\n%s", q, err, out)
	}
}
