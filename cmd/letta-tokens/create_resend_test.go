package main

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestCreateNotResentAfter201: the server answers create 201 and then
// stalls the body. The token exists: the POST is not sent again (it was,
// three times, making three live tokens none of which was printed), and
// the error says a token was probably created. Found by an attack review.
func TestCreateNotResentAfter201(t *testing.T) {
	var posts atomic.Int32
	url := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"token":"ck-let-`))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})).URL
	r := runCLI(t, envFor(url), createArgs("--timeout", "1s")...)
	if n := posts.Load(); n > 1 {
		t.Errorf("a create answered 201 was sent %d times (exit %d): %s", n, r.code, r.stderr)
	}
	if r.code != exitUsage || !strings.Contains(r.stderr, "a token was probably created, and the create was not sent again") {
		t.Errorf("exit %d, stderr %q: want exit 2 saying a token was probably created", r.code, r.stderr)
	}
}
