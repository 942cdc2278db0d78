package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProxyRecordMasksEchoedKeyParts: an upstream echoes the client's key
// as its secret part without sk-let- (in a field name), upper-cased, and
// %-escaped. --record wrote these into the fixture, a file meant to be
// committed: it only replaced the key whole and its JSON/URL forms.
func TestProxyRecordMasksEchoedKeyParts(t *testing.T) {
	up := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		part := strings.TrimPrefix(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), "sk-let-")
		tok := hostileToken("ck-let-0123456789abcdef0123456789abcdef", "https://h.example.com", "agent-"+escapeEach(part, "%%%02x"))
		tok["extra-"+part] = 1
		tok["expiresAt"] = strings.ToUpper(part)
		page, _ := json.Marshal(map[string]any{"tokens": []any{tok}, "hasNextPage": false})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", part)
		w.Write(page)
	})).URL
	dir := t.TempDir()
	base, stop := startProxyCmd(t, nil, "--upstream", up, "--record", dir)
	req, err := http.NewRequest(http.MethodGet, base+"/v1/client-side-access-tokens?limit=5", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	stop()
	b, err := os.ReadFile(filepath.Join(dir, "000001-list.http"))
	if err != nil {
		t.Fatal(err)
	}
	fixture := string(b)
	if w := leak(strings.ToLower(fixture), strings.ToLower(keyPart())); w != "" {
		t.Errorf("the fixture holds %q of the key:\n%s", w, fixture)
	}
	if !strings.Contains(fixture, "SECRET") {
		t.Errorf("the token's fake is gone:\n%s", fixture)
	}
}
