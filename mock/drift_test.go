package mock_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestDriftCasesAreTheCatalogue: every drift the mock serves is a case of
// contract/testdata/drift, under the same name, with a description; and
// every response-side case of the catalogue is served but the two that are
// not drift.
func TestDriftCasesAreTheCatalogue(t *testing.T) {
	files, err := filepath.Glob("../contract/testdata/drift/*.http")
	if err != nil || len(files) == 0 {
		t.Fatalf("no drift fixtures found (%v)", err)
	}
	served := map[string]bool{}
	for _, c := range mock.DriftCases() {
		if served[c.Name] {
			t.Errorf("%s is listed twice", c.Name)
		}
		served[c.Name] = true
		if c.Description == "" || strings.Contains(c.Description, "\n") {
			t.Errorf("%s: description %q, want one line", c.Name, c.Description)
		}
		if _, err := os.Stat(filepath.Join("../contract/testdata/drift", c.Name+".http")); err != nil {
			t.Errorf("%s is no case of contract/testdata/drift: %v", c.Name, err)
		}
	}
	notDrift := map[string]bool{"credentials-rejected-401": true, "html-502": true}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".http")
		if !served[name] && !notDrift[name] {
			t.Errorf("contract/testdata/drift/%s.http is not served by mock --drift", name)
		}
	}
}

// TestDriftLeavesErrorsAlone: a drifting mock still answers 401, 400 and
// delete's 204 as the spec says; only list and create answers drift.
func TestDriftLeavesErrorsAlone(t *testing.T) {
	ts := newServer(t, mock.Options{SeedCount: 3, APIKey: testKey, Drift: "html-body"})
	if msg := do(t, ts, http.MethodGet, "", "").message(t, http.StatusUnauthorized); msg == "" {
		t.Error("401 without a message")
	}
	if msg := get(t, ts, "limit=-1").message(t, http.StatusBadRequest); !strings.Contains(msg, "limit") {
		t.Errorf("400 message %q", msg)
	}
	if e := send(t, ts, http.MethodDelete, deletePath(mock.SeedTokens(1)[0].Token), ""); e.status != http.StatusNoContent || len(e.body) != 0 {
		t.Errorf("delete: %d %q, want a bare 204", e.status, e.body)
	}
	for _, e := range []exchange{get(t, ts, ""), send(t, ts, http.MethodPost, listPath, createBody("a", "https://a.example.com", ""))} {
		if ct := e.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.HasPrefix(string(e.body), "<!DOCTYPE html>") {
			t.Errorf("%s: %s %q, want the HTML drift", e.req.Method, ct, e.body)
		}
	}
}

// TestDriftRewritesCreatedTokens: a token-level drift changes the token a
// create answers as it changes listed ones, and the create still happens.
func TestDriftRewritesCreatedTokens(t *testing.T) {
	ts := newServer(t, mock.Options{APIKey: testKey, Drift: "renamed-expiresAt"})
	e := send(t, ts, http.MethodPost, listPath, createBody("agent-d", "https://d.example.com", ""))
	var tok map[string]any
	if e.status != http.StatusCreated || json.Unmarshal(e.body, &tok) != nil {
		t.Fatalf("create: %d %s", e.status, e.body)
	}
	if _, ok := tok["expiresAt"]; ok || tok["expires_at"] == nil || tok["token"] == nil {
		t.Errorf("created token %s: want expires_at instead of expiresAt", e.body)
	}
	if got := get(t, ts, "agentId=agent-d"); !strings.Contains(string(got.body), `"expires_at":`) || !strings.Contains(string(got.body), tok["token"].(string)) {
		t.Errorf("list after the create: %s", got.body)
	}
}

// TestDriftCutsOffHugePages: a page over the drift's 8 MiB buffer is cut
// off, not held whole nor sent without its drift.
func TestDriftCutsOffHugePages(t *testing.T) {
	ts := newServer(t, mock.Options{SeedCount: 40_000, Drift: "missing-token-hostname"})
	req, _ := http.NewRequest(http.MethodGet, ts.URL+listPath+"?limit=40000", nil)
	req.Header.Set("Authorization", "Bearer k")
	resp, err := ts.Client().Do(req)
	if err == nil {
		defer resp.Body.Close()
		t.Fatalf("a 40,000-token drifting page answered %d", resp.StatusCode)
	}
	// A page within the buffer drifts.
	if body := string(get(t, ts, "limit=5000").body); strings.Contains(body, `"hostname"`) || !strings.Contains(body, `"token"`) {
		t.Errorf("a 5,000-token page did not drift")
	}
}
