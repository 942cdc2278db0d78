package mock

import (
	"net/http/httptest"
)

// TB is the part of testing.TB that NewTestServer needs; *testing.T and
// *testing.B satisfy it. It is declared here so that package mock does not
// link package testing, and its flags, into callers' binaries.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// NewTestServer starts a loopback server for opts and closes it when the
// test ends. Point a client at its URL, and use its Client() so that no
// connection outlives the test.
func NewTestServer(t TB, opts Options) *httptest.Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("mock.NewTestServer: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}
