package mock_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// fakeTB records what NewTestServer asks of its TB.
type fakeTB struct {
	cleanups []func()
	fatal    string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Cleanup(fn func())                 { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }

func TestNewTestServer(t *testing.T) {
	ts := mock.NewTestServer(t, mock.Options{Tokens: mock.SeedTokens(3)})
	if p := get(t, ts, "").page(t); len(p.Tokens) != 3 {
		t.Errorf("got %d tokens, want 3", len(p.Tokens))
	}
}

func TestNewTestServerCleansUpAndFails(t *testing.T) {
	var f fakeTB
	ts := mock.NewTestServer(&f, mock.Options{})
	if ts == nil || len(f.cleanups) != 1 {
		t.Fatalf("NewTestServer registered %d cleanups", len(f.cleanups))
	}
	f.cleanups[0]() // closes the server; goleak checks nothing is left

	bad := mock.SeedTokens(1)
	bad[0].Policy.Version = "9"
	var g fakeTB
	func() {
		defer func() { _ = recover() }() // a fake Fatalf does not stop the goroutine
		ts := mock.NewTestServer(&g, mock.Options{Tokens: bad})
		if ts != nil {
			ts.Close()
		}
	}()
	if !strings.Contains(g.fatal, "token 0") {
		t.Errorf("NewTestServer with a bad token: Fatalf(%q), want it to name token 0", g.fatal)
	}
}
