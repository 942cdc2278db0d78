package mock_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/gen/server"
	"github.com/letta-tokens/letta-tokens/mock"
)

func TestDefaults(t *testing.T) {
	tests := []struct {
		total    int
		wantLen  int
		wantNext bool
	}{
		{total: 0, wantLen: 0, wantNext: false},
		{total: 10, wantLen: 10, wantNext: false},
		{total: 11, wantLen: 10, wantNext: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("total=%d", tt.total), func(t *testing.T) {
			seeded := mock.SeedTokens(tt.total)
			ts := newServer(t, mock.Options{Tokens: seeded})
			e := get(t, ts, "")
			if ct := e.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			p := e.page(t)
			if p.Tokens == nil {
				t.Fatalf("tokens decoded as null, want an array: %s", e.body)
			}
			if len(p.Tokens) != tt.wantLen || p.HasNextPage != tt.wantNext {
				t.Fatalf("got %d tokens, hasNextPage %v; want %d, %v", len(p.Tokens), p.HasNextPage, tt.wantLen, tt.wantNext)
			}
			if want := tokenValues(seeded[:tt.wantLen]); !slices.Equal(tokenValues(p.Tokens), want) {
				t.Errorf("default page is not the first %d tokens in order", tt.wantLen)
			}
		})
	}
}

func TestOptionsTokensAreCopied(t *testing.T) {
	tokens := mock.SeedTokens(3)
	ts := newServer(t, mock.Options{Tokens: tokens})
	want := tokens[0].Token
	tokens[0].Token = "changed"
	tokens[0].Policy.Data[0].Access[0] = "changed"
	p := get(t, ts, "").page(t)
	if p.Tokens[0].Token != want || p.Tokens[0].Policy.Data[0].Access[0] == "changed" {
		t.Error("changing the caller's tokens after New changed what the server serves")
	}
}

func TestNilSlicesServeAsArrays(t *testing.T) {
	tok := gen.Token{Token: "ck-let-mock-nil", Policy: gen.TokenPolicy{Version: gen.TokenPolicyVersionV1}}
	ts := newServer(t, mock.Options{Tokens: []gen.Token{tok}})
	e := get(t, ts, "")
	if want := `"data":[]`; !bytes.Contains(e.body, []byte(want)) {
		t.Errorf("body %s lacks %s", e.body, want)
	}
}

func TestRoutingErrors(t *testing.T) {
	ts := newServer(t, mock.Options{Tokens: mock.SeedTokens(3)})
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodPut, listPath, http.StatusMethodNotAllowed},
		{http.MethodDelete, listPath, http.StatusMethodNotAllowed},
		{http.MethodGet, "/v1/agents", http.StatusNotFound},
		{http.MethodGet, listPath + "/x", http.StatusMethodNotAllowed}, // only DELETE there
		{http.MethodGet, listPath + "/x/y", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+testKey)
			e := roundTrip(t, ts, req)
			if e.status != tt.want {
				t.Errorf("status %d, want %d", e.status, tt.want)
			}
			if tt.want == http.StatusMethodNotAllowed && e.header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
		})
	}
}

func TestHead(t *testing.T) {
	ts := newServer(t, mock.Options{Tokens: mock.SeedTokens(3)})
	e := do(t, ts, http.MethodHead, "limit=2", "Bearer "+testKey)
	if e.status != http.StatusOK || len(e.body) != 0 {
		t.Errorf("HEAD: status %d, %d body bytes; want 200 and none", e.status, len(e.body))
	}
	if ct := e.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("HEAD: Content-Type %q", ct)
	}
}

// TestServerOperationsOnlyThroughTheGuard: a Server is an http.Handler,
// and not a server.ServerInterface: its operations cannot be called around
// ServeHTTP's authentication and validation.
func TestServerOperationsOnlyThroughTheGuard(t *testing.T) {
	s, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var _ http.Handler = s
	if _, ok := any(s).(server.ServerInterface); ok {
		t.Error("*mock.Server implements server.ServerInterface: its operations are callable without authentication or validation")
	}
}
