package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMockFaultsServedAndCounted: letta-tokens mock --faults injects the
// faults, names them in its banner, and on exit says how many requests it
// served and how many faults of each kind it injected, which match what
// the client met.
func TestMockFaultsServedAndCounted(t *testing.T) {
	base, stop := startMock(t, "--addr", "127.0.0.1:0", "--faults", "429=0.3,503=0.2,reset=0.1", "--fault-seed", "5")
	met := map[string]int{}
	client := &http.Client{Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	const n = 60
	for range n {
		req, _ := http.NewRequest(http.MethodGet, base+listPath+"?limit=1", nil)
		req.Header.Set("Authorization", "Bearer k")
		// A new connection each time: Go's transport retries a GET once on a
		// reused connection that was reset, which would hide a reset.
		req.Close = true
		resp, err := client.Do(req)
		if err != nil {
			met["reset"]++
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		met[fmt.Sprint(resp.StatusCode)]++
	}
	code, stderr := stop()
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "mock: injecting faults 429=0.3,503=0.2,reset=0.1 (seed 5)\n") {
		t.Errorf("the banner does not give the faults:\n%s", stderr)
	}
	want := fmt.Sprintf("mock: served %d requests, injected %d faults (429: %d, 503: %d, reset: %d)\nmock: stopped\n",
		n, met["429"]+met["503"]+met["reset"], met["429"], met["503"], met["reset"])
	if !strings.HasSuffix(stderr, want) {
		t.Errorf("stderr ends:\n%s\nwant:\n%s(the client met %v)", stderr[max(0, len(stderr)-200):], want, met)
	}
	if met["429"] == 0 || met["503"] == 0 || met["reset"] == 0 || met["200"] == 0 {
		t.Errorf("the client met %v; want every kind and some answers", met)
	}
}

// TestMockServedWithoutFaults: without --faults the last word is the count
// of requests alone.
func TestMockServedWithoutFaults(t *testing.T) {
	base, stop := startMock(t, "--addr", "127.0.0.1:0")
	httpGet(t, base+listPath)
	if _, stderr := stop(); !strings.HasSuffix(stderr, "mock: served 1 request\nmock: stopped\n") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// TestReadmeFaultsSummary keeps the README's example of the mock's exit
// line true: it runs the README's two commands (a mock serving faults, and
// list --all walking it one page at a time with the client's default
// retries), then compares the mock's last words with the README's.
func TestReadmeFaultsSummary(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^letta-tokens mock (.*--faults.*) &\nletta-tokens list (.*) > /dev/null`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no block running `letta-tokens mock … --faults … &`, then `letta-tokens list … > /dev/null`")
	}
	want := readmeText(t, "mock: served ")
	base, stop := startMock(t, append([]string{"--addr", "127.0.0.1:0"}, strings.Fields(string(m[1]))...)...)
	r := runCLI(t, envFor(base), append(append([]string{"list"}, strings.Fields(string(m[2]))...), "--json")...)
	if r.code != exitOK || len(decodeTokens(t, r.stdout)) != 10_000 {
		t.Fatalf("list %s through the faults: exit %d, stderr %s", m[2], r.code, r.stderr)
	}
	_, stderr := stop()
	if !strings.Contains(stderr, want) {
		t.Errorf("README.md shows:\n%s\nthe mock printed:\n%s", want, stderr)
	}
}
