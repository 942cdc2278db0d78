// Package mocktest has helpers for tests against the mock, in the style of
// net/http/httptest: a loopback mock server that closes when the test ends,
// and a wrapper that makes a server drift in one precise way.
//
// It is separate from package mock so that a program serving the mock
// (letta-tokens mock) links none of it.
package mocktest

import (
	"net/http/httptest"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TB is the part of testing.TB that NewServer needs; *testing.T and
// *testing.B satisfy it. It is declared here so that package mocktest does
// not link package testing, and its flags, into callers' binaries.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// NewServer starts a loopback mock for opts and closes it when the test
// ends; it fails the test if opts are invalid. Point a client at its URL,
// and use its Client() so that no connection outlives the test.
func NewServer(t TB, opts mock.Options) *httptest.Server {
	t.Helper()
	s, err := mock.New(opts)
	if err != nil {
		t.Fatalf("mocktest.NewServer: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}
