package main

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// TestTokenValues: a token is printable ASCII without spaces, '!' to '~'
// both included, of at most maxTokenLen (4,096) bytes; anything around
// that range, a longer value, a workflow command, or the key is refused by
// delete before any request, and by create before printing. The reason
// never quotes the value. delete reads up to 64 KiB of input, white space
// around the token included (one byte more: TestDeleteInputErrors).
func TestTokenValues(t *testing.T) {
	var requests atomic.Int64
	var deleted atomic.Value
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		deleted.Store(r.URL.EscapedPath())
		w.WriteHeader(http.StatusNoContent)
	}))
	const bad = "a character no token has (a control character, a space, or not ASCII)"
	const workflow = "a GitHub Actions workflow command, not a token"
	tokenOf := func(n int) string { return "ck-let-" + strings.Repeat("a", n-len("ck-let-")) }
	const capped = "ck-let-capped-0123456789abcdef"
	for _, tt := range []struct {
		value  string
		reason string // "" when usable
		input  string // what delete reads; value and a newline when ""
	}{
		{"ck-let-edges!~0123456789", "", ""},
		{"~ck-let-0123456789abcdef!", "", ""},
		{"ck-let-a::b-0123456789", "", ""},
		{"ck-let-#0123456789[abc", "", ""},
		{"ck-let-space 0123456789", bad, ""},
		{"ck-let-tab\t0123456789", bad, ""},
		{"ck-let-del\x7f0123456789", bad, ""},
		{"ck-let-nul\x000123456789", bad, ""},
		{"ck-let-unit\x1f0123456789", bad, ""},
		{"ck-let-é-0123456789", bad, ""},
		{"ck-let-\u00a0-0123456789", bad, ""},
		{"\x7fck-let-0123456789", bad, ""}, // the first byte is looked at too
		{"éck-let-0123456789", bad, ""},
		{"::error::ck-let-0123456789", workflow, ""},
		{"ck-let-0123456789#[x]", workflow, ""},
		{testKey, "an API key, not a client-side access token", ""},
		{"sk-let-not-a-token-0123456789", "an API key, not a client-side access token", ""}, // the shape of one
		{tokenOf(maxTokenLen), "", ""},
		{tokenOf(maxTokenLen + 1), "a line of 4097 bytes, longer than any token (at most 4096)", ""},
		{capped, "", capped + strings.Repeat(" ", maxTokenInput-len(capped)-1) + "\n"},
	} {
		if tt.input == "" {
			tt.input = tt.value + "\n"
		}
		before := requests.Load()
		r := runCLIStdin(t, envFor(ts.URL), strings.NewReader(tt.input), "delete")
		switch {
		case tt.reason == "":
			if r.code != exitOK || requests.Load() != before+1 || deleted.Load() != "/v1/client-side-access-tokens/"+url.PathEscape(tt.value) {
				t.Errorf("delete %.40q: exit %d, %d requests, path %.80v, stderr %q; want it deleted", tt.value, r.code, requests.Load()-before, deleted.Load(), r.stderr)
			}
		default:
			if r.code != exitUsage || requests.Load() != before {
				t.Errorf("delete %.40q: exit %d, %d requests; want %d and none", tt.value, r.code, requests.Load()-before, exitUsage)
			}
			if want := "letta-tokens: delete: stdin holds " + tt.reason + "; nothing was sent (see 'letta-tokens delete --help')\n"; r.stderr != want {
				t.Errorf("delete %.40q:\n got %q\nwant %q", tt.value, r.stderr, want)
			}
		}

		c := runCLI(t, envFor(hostileCreate(t, hostileToken(tt.value, "https://h.example.com", "agent-1"))), createArgs()...)
		switch {
		case tt.reason == "":
			if c.code != exitOK || c.stdout != tt.value+"\n" {
				t.Errorf("create answering %.40q: exit %d, stdout %.80q, stderr %q; want it printed", tt.value, c.code, c.stdout, c.stderr)
			}
		default:
			if c.code != exitFailure || c.stdout != "" {
				t.Errorf("create answering %.40q: exit %d, stdout %.80q; want %d and nothing", tt.value, c.code, c.stdout, exitFailure)
			}
			line := oneLine(t, c, "answered a token value that cannot be used ("+tt.reason+"): it is not printed; the token, if it exists, expires 2030-01-01T00:00:00.000Z")
			if strings.Contains(line, tt.value) {
				t.Errorf("create answering %.40q: the value is quoted: %q", tt.value, line)
			}
		}
	}
}
