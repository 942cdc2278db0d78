package main

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestTokenLengthBoundary: a token of exactly maxTokenLen (4,096) bytes is
// printed by create and sent by delete; one byte more is refused by both,
// create without printing it, delete without sending a request.
func TestTokenLengthBoundary(t *testing.T) {
	tokenOf := func(n int) string { return "ck-let-" + strings.Repeat("a", n-len("ck-let-")) }
	longest, tooLong := tokenOf(maxTokenLen), tokenOf(maxTokenLen+1)

	for _, tc := range []struct {
		value string
		ok    bool
	}{{longest, true}, {tooLong, false}} {
		url := hostileCreate(t, map[string]any{"token": tc.value, "hostname": "https://h", "expiresAt": "2099-01-01T00:00:00.000Z",
			"policy": map[string]any{"version": "1", "data": []any{}}})
		r := runCLI(t, envFor(url), createArgs()...)
		switch {
		case tc.ok && (r.code != exitOK || r.stdout != tc.value+"\n"):
			t.Errorf("create, a %d-byte token: exit %d, stdout of %d bytes, stderr %q; want the value printed", len(tc.value), r.code, len(r.stdout), r.stderr)
		case !tc.ok && (r.code != exitFailure || r.stdout != "" || strings.Contains(r.stderr, tc.value[:64])):
			t.Errorf("create, a %d-byte token: exit %d, stdout of %d bytes; want exit %d and nothing printed", len(tc.value), r.code, len(r.stdout), exitFailure)
		}
	}

	var requests atomic.Int64
	var deleted atomic.Value
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		deleted.Store(strings.TrimPrefix(r.URL.Path, "/v1/client-side-access-tokens/"))
		w.WriteHeader(http.StatusNoContent)
	}))
	r := runCLIStdin(t, envFor(ts.URL), strings.NewReader(longest+"\n"), "delete")
	if r.code != exitOK || requests.Load() != 1 || deleted.Load() != longest {
		t.Errorf("delete, a %d-byte token: exit %d, %d requests, stderr %q; want it deleted", len(longest), r.code, requests.Load(), r.stderr)
	}
	r = runCLIStdin(t, envFor(ts.URL), strings.NewReader(tooLong+"\n"), "delete")
	if r.code != exitUsage || requests.Load() != 1 {
		t.Errorf("delete, a %d-byte token: exit %d, %d requests; want exit %d and no request", len(tooLong), r.code, requests.Load(), exitUsage)
	}
	oneLine(t, r, "a line of 4097 bytes, longer than any token (at most 4096)")
}
