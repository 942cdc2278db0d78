package live

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/redact"
)

func TestHoldsKey(t *testing.T) {
	const key = "sk-let-Abcdefghijklmnopqrstuvwxyz0123"
	for value, want := range map[string]bool{
		key:                                     true,
		strings.ToUpper(key):                    true,
		"ck-let-" + "ghijklmnopqr" + "ZZZZZZZZ": true, // 12 characters of the secret
		"ck-let-" + "GHIJKLMNOPQR":              true, // in another case
		"ck-let-%67%68%69%6A%6B%6C%6D%6E%6F%70%71%72": true,  // percent-encoded
		`ck-let-\u0067hijklmnopqr`:                    true,  // JSON-escaped
		"ck-let-ghijklmnopq":                          false, // 11 characters: chance
		"ck-let-0000sk-let-0000":                      true,  // any key's shape
		"ck-let-Zx9QpL2mN8vR4tY6uW0sE3dF":             false,
	} {
		if got := runFor(key).holdsKey(value, key); got != want {
			t.Errorf("holdsKey(%q) = %v, want %v", value, got, want)
		}
	}
	// A short key counts whole; without a key, the shape alone.
	if k := runFor("hunter2"); !k.holdsKey("ck-let-xxxhunter2xxx", "hunter2") || k.holdsKey("ck-let-hunte", "hunter2") {
		t.Error("a short key is not searched for whole")
	}
	if k := runFor(""); !k.holdsKey("SK-LET-whatever", "") || k.holdsKey("ck-let-whatever", "") {
		t.Error("without a key, only the key shape counts")
	}
}

// TestKeyURLGuard: a request whose path or query holds the key it carries, in any
// form, never leaves the process.
func TestKeyURLGuard(t *testing.T) {
	const key = "sk-let-Abcdefghijklmnopqrstuvwxyz0123"
	var reached atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer ts.Close()
	base := http.DefaultTransport.(*http.Transport).Clone()
	defer base.CloseIdleConnections()
	guard := keyURLGuard{next: base, holdsKey: runFor("").holdsKey}
	for _, path := range []string{"/v1/client-side-access-tokens/" + key, "/v1/client-side-access-tokens/ck-let-%6B%6C%6D%6E%6F%70%71%72%73%74%75%76", "/v1/x/ck-let-KLMNOPQRSTUV", "/v1/client-side-access-tokens?agentId=" + key, "/v1/client-side-access-tokens?agentId=agent-%6B%6C%6D%6E%6F%70%71%72%73%74%75%76"} {
		req, _ := http.NewRequest(http.MethodDelete, ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		if _, err := guard.RoundTrip(req); !errors.Is(err, errKeyInURL) {
			t.Errorf("%s: err %v, want errKeyInURL", path, err)
		}
	}
	if reached.Load() != 0 {
		t.Fatalf("%d requests holding the key reached the server", reached.Load())
	}
	// Ordinary requests pass, with a long key or a short one that the
	// API's own path spells ("token", "access").
	for i, c := range []struct{ key, target string }{
		{key, "/v1/client-side-access-tokens/ck-let-Zx9QpL2mN8vR4tY6uW0sE3dF"},
		{"token", "/v1/client-side-access-tokens?limit=7&offset=14"},
		{"access", "/v1/client-side-access-tokens?agentId=agent-1"},
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+c.target, nil)
		req.Header.Set("Authorization", "Bearer "+c.key)
		resp, err := guard.RoundTrip(req)
		if err != nil || reached.Load() != int64(i+1) {
			t.Fatalf("%s with key %q: %v, %d reached", c.target, c.key, err, reached.Load())
		}
		resp.Body.Close()
	}
	req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/v1/client-side-access-tokens/ck-let-mytoken", nil)
	req.Header.Set("Authorization", "Bearer token")
	if _, err := guard.RoundTrip(req); !errors.Is(err, errKeyInURL) {
		t.Errorf("a short key in the token's segment: err %v, want errKeyInURL", err)
	}
}

// runFor is a run for key, with its masker.
func runFor(key string) *liveRun {
	r := &liveRun{cfg: LiveConfig{APIKey: key}}
	r.masker.Store(redact.NewMasker(key))
	return r
}
