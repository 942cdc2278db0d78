package main

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestNotLettasAPI: a reachable server that answers every request with a
// 404 HTML page (a web server, a wrong LETTA_BASE_URL) is named as
// possibly not Letta's API, with LETTA_BASE_URL in the line, exit 2: it is
// no change in the API, so never drift. The same for every command that
// calls the API.
func TestNotLettasAPI(t *testing.T) {
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<html><body><h1>Not Found</h1></body></html>")
	}))
	token := mock.SeedTokens(1)[0].Token
	for _, args := range [][]string{
		{"list"},
		{"list", "--all", "--json"},
		{"create", "--hostname", "https://app.example.com", "--agent-id", "agent-1", "--access", "read_messages"},
		{"delete"},
		{"check"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLIStdin(t, envFor(ts.URL), strings.NewReader(token+"\n"), args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d: a server that is not the API is no drift", r.code, exitUsage)
			}
			line := oneLine(t, r, "letta-tokens: "+ts.URL+" is possibly not Letta's API: it answered HTTP 404 Not Found for the token collection, without JSON; check LETTA_BASE_URL, which must be the API root, such as "+lettatokens.DefaultBaseURL+"\n")
			if strings.Contains(line, "drift") {
				t.Errorf("called drift: %s", line)
			}
		})
	}
}

// TestDeleteNotFoundAtLettasAPI: a 404 to a delete at a server whose
// collection is Letta's API is an answer the API does not document
// (exit 1), not a wrong LETTA_BASE_URL; the one look at the collection
// that tells them apart is the only request added.
func TestDeleteNotFoundAtLettasAPI(t *testing.T) {
	var lists atomic.Int64
	api := mockHandler(t, mock.Options{Tokens: mock.SeedTokens(2)})
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "404 page not found\n")
			return
		}
		lists.Add(1)
		api.ServeHTTP(w, r)
	}))
	r := runCLIStdin(t, envFor(ts.URL), strings.NewReader(mock.SeedTokens(1)[0].Token), "delete")
	if r.code != exitFailure {
		t.Errorf("exit %d, want %d", r.code, exitFailure)
	}
	oneLine(t, r, ts.URL+" answered HTTP 404 Not Found", "not an answer the API documents")
	if n := lists.Load(); n != 1 {
		t.Errorf("%d looks at the collection, want 1", n)
	}
}
