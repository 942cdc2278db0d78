package mocktest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// fakeTB records what NewServer asks of its TB.
type fakeTB struct {
	cleanups []func()
	fatal    string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Cleanup(fn func())                 { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }

func TestNewServerCleansUpAndFails(t *testing.T) {
	var f fakeTB
	ts := mocktest.NewServer(&f, mock.Options{})
	if ts == nil || len(f.cleanups) != 1 {
		t.Fatalf("NewServer registered %d cleanups", len(f.cleanups))
	}
	f.cleanups[0]() // closes the server; goleak checks nothing is left

	bad := mock.SeedTokens(1)
	bad[0].Policy.Version = "9"
	var g fakeTB
	func() {
		defer func() { _ = recover() }() // a fake Fatalf does not stop the goroutine
		ts := mocktest.NewServer(&g, mock.Options{Tokens: bad})
		if ts != nil {
			ts.Close()
		}
	}()
	if !strings.Contains(g.fatal, "token 0") {
		t.Errorf("NewServer with a bad token: Fatalf(%q), want it to name token 0", g.fatal)
	}
}
