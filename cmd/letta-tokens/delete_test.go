package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/redact"
)

// TestDeleteTokenFile deletes seeded tokens named in a file, whatever line
// ending or surrounding white space the file has.
func TestDeleteTokenFile(t *testing.T) {
	seed := mock.SeedTokens(4)
	ts := newMock(t, 4)
	env := envFor(ts.URL)
	dir := t.TempDir()
	for i, content := range []string{
		seed[0].Token,
		seed[1].Token + "\n",
		"  " + seed[2].Token + "\r\n\r\n",
	} {
		path := filepath.Join(dir, "token"+string(rune('a'+i)))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		// stdin holds another token: --token-file wins, stdin is not read.
		r := runCLIStdin(t, env, strings.NewReader(seed[3].Token), "delete", "--token-file", path)
		if r.code != exitOK || r.stdout != "" || r.stderr != "deleted "+redact.Token(seed[i].Token)+"\n" {
			t.Errorf("--token-file %q: exit %d, stdout %q, stderr %q", content, r.code, r.stdout, r.stderr)
		}
	}
	listed := listRevealed(t, env)
	if len(listed) != 1 || listed[0].Token != seed[3].Token {
		t.Errorf("after deleting 3 of 4 tokens the mock lists %d, want only the fourth", len(listed))
	}
}

// TestDeleteInputErrors: delete reads exactly one token, one line, from
// stdin or --token-file; anything else is a usage error that quotes none
// of the input, and no request is sent. (A line that is no token:
// TestTokenValues.)
func TestDeleteInputErrors(t *testing.T) {
	var requests atomic.Int64
	ts := newServer(t, countRequests(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(2)}), &requests))
	env := envFor(ts.URL)
	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const secret = "ck-let-SECRETSECRET0123456789"
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { devNull.Close() })
	for _, tt := range []struct {
		name  string
		stdin io.Reader
		args  []string
		want  string
	}{
		{"empty stdin", strings.NewReader(""), nil, "stdin holds no token"},
		{"blank stdin", strings.NewReader(" \n\r\n\t\n"), nil, "stdin holds no token"},
		{"two lines", strings.NewReader(secret + "\n" + secret + "x\n"), nil, "stdin holds more than one line"},
		{"64 KiB and a byte", strings.NewReader("ck-let-SECRET" + strings.Repeat(" ", maxTokenInput-len("ck-let-SECRET")) + "\n"), nil, "stdin holds more than 64 KiB: want one token on one line"},
		{"dot segment", strings.NewReader("..\n"), nil, "the token is a dot segment"},
		{"terminal", devNull, nil, "stdin is a terminal"},
		{"empty file", strings.NewReader(secret), []string{"--token-file", file("empty", "")}, "--token-file holds no token"},
		{"two-line file", strings.NewReader(secret), []string{"--token-file", file("two", "a\nb\n")}, "--token-file holds more than one line"},
		{"missing file", strings.NewReader(secret), []string{"--token-file", filepath.Join(dir, "SECRETSECRET")}, "cannot read --token-file: no such file or directory"},
		{"a directory", strings.NewReader(secret), []string{"--token-file", dir}, "cannot read --token-file: "},
		{"empty --token-file", strings.NewReader(secret), []string{"--token-file", ""}, "--token-file needs a file name"},
		{"token as an argument", strings.NewReader(secret), []string{"ck-let-SECRETSECRET0123456789"}, "delete: unexpected argument (not shown): the token is read from stdin or --token-file, never from the command line"},
		{"token as a plain argument", strings.NewReader(secret), []string{"SECRETSECRET"}, "unexpected argument (not shown)"},
		{"unknown flag", strings.NewReader(secret), []string{"--token=SECRETSECRET"}, "unknown flag --token"},
		{"timeout", strings.NewReader(secret), []string{"--timeout", "11m"}, "--timeout must be above 0 and at most 10m (such as 30s or 2m), got "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLIStdin(t, env, tt.stdin, append([]string{"delete"}, tt.args...)...)
			if r.code != exitUsage || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, exitUsage)
			}
			line := oneLine(t, r, "letta-tokens: delete: ", tt.want, "(see 'letta-tokens delete --help')")
			for _, leak := range []string{"SECRETSECRET", "\x1b"} {
				if strings.Contains(line, leak) {
					t.Errorf("the error quotes the input (%q): %q", leak, line)
				}
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent for bad input, want none", n)
	}
}

// TestDeleteNeverPrintsTheToken: whatever the server answers, and echoes of
// the token in any form (plain, JSON-escaped, URL-escaped, in a header),
// the token appears nowhere in full.
func TestDeleteNeverPrintsTheToken(t *testing.T) {
	// Not shaped like a token, so only its value can mask it.
	const token = "plain/token+value-0123456789"
	for _, tt := range []struct {
		name   string
		status int
		body   string
		code   int
		want   string
	}{
		{"400 echoes it", http.StatusBadRequest, `{"message":"unknown token plain/token+value-0123456789"}`, exitUsage, "rejected the request: HTTP 400 Bad Request: unknown token plain/to…"},
		{"400 echoes it JSON-escaped", http.StatusBadRequest, `{"message":"unknown token plain\/token+value-0123456789"}`, exitUsage, "rejected the request: HTTP 400 Bad Request: unknown token plain/to…"},
		{"400 echoes it URL-escaped", http.StatusBadRequest, `{"message":"unknown /v1/client-side-access-tokens/plain%2Ftoken+value-0123456789"}`, exitUsage, "rejected the request: HTTP 400 Bad Request: unknown /v1/client-side-access-tokens/plain/to…"},
		{"404 echoes it", http.StatusNotFound, `{"message":"no token plain/token+value-0123456789 \u001b[2J"}`, exitFailure, `answered HTTP 404 Not Found: no token plain/to…6789 \x1b[2J`},
		{"500 echoes it", http.StatusInternalServerError, `plain/token+value-0123456789`, exitUsage, "is unavailable: HTTP 500 Internal Server Error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			url := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Should-Retry", "false")
				w.Header().Set("X-Request-Id", "req-"+token)
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})).URL
			r := runCLIStdin(t, envFor(url), strings.NewReader(token+"\n"), "delete")
			if r.code != tt.code || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, tt.code)
			}
			line := oneLine(t, r, tt.want)
			for _, form := range []string{token, "token+value-0123456789", "\x1b"} {
				if strings.Contains(line, form) {
					t.Errorf("stderr holds %q: %q", form, line)
				}
			}
		})
	}
}

// TestDeleteInterrupted: a signal while delete waits for stdin (a pipe
// nobody writes to) ends it at once, exit 2.
func TestDeleteInterrupted(t *testing.T) {
	ts := newMock(t, 1)
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() }) // ends the read left behind
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	env := envFor(ts.URL)
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runStdin(ctx, []string{"delete"}, pr, &stdout, &stderr, func(k string) string { return env[k] })
	}()
	select {
	case code := <-done:
		if code != exitUsage || stderr.String() != "letta-tokens: interrupted\n" {
			t.Errorf("exit %d, stderr %q; want %d, interrupted", code, stderr.String(), exitUsage)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("delete did not stop within 10s of the signal while reading stdin")
	}
}
