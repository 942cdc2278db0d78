package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// proxyKey is not shaped like a Letta key: only the proxy's memory of the
// keys it saw can mask it.
const proxyKey = "proxy-cli-key-0123456789abcdef"

// startProxyCmd is startCmd for "letta-tokens proxy --addr
// 127.0.0.1:0 args...".
func startProxyCmd(t *testing.T, env map[string]string, args ...string) (base string, stop func() result) {
	t.Helper()
	return startCmd(t, env, append([]string{"proxy", "--addr", "127.0.0.1:0"}, args...)...)
}

// proxyGet sends a GET with proxyKey through the proxy at base.
func proxyGet(t *testing.T, base, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+proxyKey)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// renamingUpstream is the mock with expiresAt renamed on every page, and
// the key echoed as a member name.
func renamingUpstream(t *testing.T) string {
	return newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(5)}), func(page map[string]any) {
		page[proxyKey] = true
		mocktest.ForEachToken(page, func(tok map[string]any) {
			tok["expires_at"] = tok["expiresAt"]
			delete(tok, "expiresAt")
		})
	})).URL
}

// TestProxyExitStatus: 0 when the upstream conforms, 1 on a breaking
// finding (printed once on stderr as it is found), 2 when the upstream
// answered no request; the summary line says which.
func TestProxyExitStatus(t *testing.T) {
	for _, tt := range []struct {
		name     string
		upstream string
		status   int
		code     int
		stderr   []string
	}{
		{"conformant", newMock(t, 25).URL, http.StatusOK, exitOK, []string{"2 exchanges validated", "no breaking drift"}},
		{"drifting", renamingUpstream(t), http.StatusOK, exitFailure, []string{"proxy: breaking schema", "breaking drift"}},
		{"unreachable", deadURL(t), http.StatusBadGateway, exitUsage, []string{"2 unreachable", "cannot reach", "(is --upstream right?); nothing was checked"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base, stop := startProxyCmd(t, nil, "--upstream", tt.upstream)
			for _, q := range []string{"?limit=2", "?limit=2&offset=2"} {
				if status, body := proxyGet(t, base, listPath+q); status != tt.status {
					t.Fatalf("status %d, want %d: %s", status, tt.status, body)
				}
			}
			r := stop()
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstderr: %s", r.code, tt.code, r.stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if n := strings.Count(r.stderr, "proxy: breaking schema"); n > 1 {
				t.Errorf("a finding printed %d times:\n%s", n, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, proxyKey) || strings.Contains(r.stdout+r.stderr, proxyKey[:20]) {
				t.Errorf("the client's key was printed:\n%s\n%s", r.stdout, r.stderr)
			}
		})
	}
}

// TestProxyFinishesInFlightExchangeOnSignal: a request being answered
// when the signal comes still gets its whole answer, and is counted in
// the report, before the proxy exits.
func TestProxyFinishesInFlightExchangeOnSignal(t *testing.T) {
	arrived := make(chan struct{}, 1)
	slow := mockHandler(t, mock.Options{Tokens: mock.SeedTokens(5)})
	upstream := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		time.Sleep(300 * time.Millisecond)
		slow.ServeHTTP(w, r)
	}))
	base, stop := startProxyCmd(t, nil, "--upstream", upstream.URL)
	type answer struct {
		status int
		body   string
	}
	got := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, base+listPath, nil)
		req.Header.Set("Authorization", "Bearer "+proxyKey)
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			got <- answer{body: err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- answer{resp.StatusCode, string(b)}
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the request did not reach the upstream")
	}
	r := stop()
	a := <-got
	if a.status != http.StatusOK || !strings.Contains(a.body, `"hasNextPage"`) {
		t.Errorf("in-flight request got %d %q, want its whole answer", a.status, a.body)
	}
	if r.code != exitOK || !strings.Contains(r.stderr, "1 request, 1 exchange validated") {
		t.Errorf("exit %d, stderr:\n%s\nwant 0 and the exchange counted", r.code, r.stderr)
	}
}

// TestProxyRecords: --record writes one fixture per exchange into the
// directory, which it creates.
func TestProxyRecords(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fixtures")
	base, stop := startProxyCmd(t, nil, "--upstream", newMock(t, 5).URL, "--record", dir)
	proxyGet(t, base, listPath)
	proxyGet(t, base, listPath+"?offset=5")
	if r := stop(); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.http"))
	if want := []string{"000001-list.http", "000002-list.http"}; len(names) != 2 || filepath.Base(names[0]) != want[0] || filepath.Base(names[1]) != want[1] {
		t.Errorf("recorded %q, want %q", names, want)
	}
}

// TestProxyForgesNoWorkflowCommand: under GitHub Actions, an upstream's
// strings that would be workflow commands reach neither the proxy's
// findings on stderr nor its annotations on stdout as commands.
func TestProxyForgesNoWorkflowCommand(t *testing.T) {
	env := map[string]string{envGitHubActions: "true"}
	base, stop := startProxyCmd(t, env, "--upstream", workflowServer(t))
	proxyGet(t, base, listPath)
	proxyGet(t, base, listPath+"?offset=0&limit=1")
	r := stop()
	if r.code != exitOK || !strings.Contains(r.stdout, "::warning title=letta-tokens proxy") || !strings.Contains(r.stderr, "forged-field") {
		t.Fatalf("exit %d, want 0 with the additive field annotated:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for line := range strings.SplitSeq(r.stdout+"\n"+r.stderr, "\n") {
		if strings.Contains(line, "##[") {
			t.Errorf("a legacy workflow command from the upstream: %q", line)
		}
		if cmd := strings.TrimLeft(line, " \t"); strings.HasPrefix(cmd, "::") &&
			!strings.HasPrefix(cmd, "::error title=letta-tokens proxy") && !strings.HasPrefix(cmd, "::warning title=letta-tokens proxy") {
			t.Errorf("a workflow command from the upstream: %q", line)
		}
	}
}
