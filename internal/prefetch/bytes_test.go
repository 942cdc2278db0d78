package prefetch

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// sizedAccount serves pages whose size in bytes is given per offset, and
// counts the pages outstanding: asked for and not yet handed to the
// consumer, which is what the walk holds or will hold.
type sizedAccount struct {
	total       int
	sizeAt      func(offset int) int64
	outstanding atomic.Int64
	peak        atomic.Int64
	requests    atomic.Int64
}

type sizedPage struct {
	offset int
	bytes  int64
}

func (a *sizedAccount) fetch(ctx context.Context, offset, limit int) (sizedPage, int, bool, error) {
	a.requests.Add(1)
	n := a.outstanding.Add(1)
	for p := a.peak.Load(); n > p && !a.peak.CompareAndSwap(p, n); p = a.peak.Load() {
	}
	select {
	case <-time.After(50 * time.Microsecond): // let requests ahead pile up
	case <-ctx.Done():
		a.outstanding.Add(-1) // discarded: never handed out
		return sizedPage{}, 0, false, ctx.Err()
	}
	end := min(offset+limit, a.total)
	return sizedPage{offset: offset, bytes: a.sizeAt(offset)}, end - offset, end < a.total, nil
}

// walk consumes every page, marking it no longer outstanding as it is
// handed out.
func (a *sizedAccount) walk(t *testing.T, opts Options[sizedPage]) (pages int) {
	t.Helper()
	opts.Size = func(p sizedPage) int64 { return p.bytes }
	for _, err := range Pages(t.Context(), opts, a.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		a.outstanding.Add(-1)
		pages++
	}
	return pages
}

// Pages of 10 MB against a budget of 25 MB: never more than two pages
// asked for or held at once, at any concurrency, and every page handed out.
func TestByteBudgetBoundsPagesAhead(t *testing.T) {
	for _, conc := range []int{1, 4, 16} {
		t.Run(fmt.Sprintf("conc=%d", conc), func(t *testing.T) {
			a := &sizedAccount{total: 400, sizeAt: func(int) int64 { return 10 << 20 }}
			if pages := a.walk(t, Options[sizedPage]{Limit: 10, Concurrency: conc, MaxBytes: 25 << 20}); pages != 40 {
				t.Fatalf("%d pages, want 40", pages)
			}
			if p := a.peak.Load(); p > 2 {
				t.Errorf("%d pages outstanding at once, want at most 2 (25 MB of 10 MB pages)", p)
			}
		})
	}
}

// Pages each larger than the whole budget are still walked, one at a time:
// the page the consumer needs next is always asked for.
func TestByteBudgetNeverStalls(t *testing.T) {
	a := &sizedAccount{total: 100, sizeAt: func(int) int64 { return 100 << 20 }}
	done := make(chan int, 1)
	go func() { done <- a.walk(t, Options[sizedPage]{Limit: 10, Concurrency: 16, MaxBytes: 1 << 20}) }()
	select {
	case pages := <-done:
		if pages != 10 {
			t.Errorf("%d pages, want 10", pages)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the walk stalled on pages larger than its budget")
	}
	if p := a.peak.Load(); p != 1 {
		t.Errorf("%d pages outstanding at once, want 1", p)
	}
}

// Small pages are not held back: the budget leaves Concurrency as it was.
func TestByteBudgetLeavesSmallPagesAlone(t *testing.T) {
	a := &sizedAccount{total: 2000, sizeAt: func(int) int64 { return 30 << 10 }}
	a.walk(t, Options[sizedPage]{Limit: 10, Concurrency: 8})
	if p := a.peak.Load(); p < 4 {
		t.Errorf("at most %d pages outstanding at once with 30 KB pages, want up to 8", p)
	}
}

// Until a page has come back its size is unknown: the first request is
// issued alone, so that sixteen pages near a body cap are never asked for
// at once on a guess.
func TestByteBudgetFirstRequestAlone(t *testing.T) {
	var requests atomic.Int64
	first := make(chan struct{})
	fetch := func(ctx context.Context, offset, limit int) (sizedPage, int, bool, error) {
		if requests.Add(1) == 1 {
			select {
			case <-first:
			case <-time.After(10 * time.Second):
			}
		}
		return sizedPage{bytes: 1}, limit, offset < 100, nil
	}
	go func() {
		time.Sleep(20 * time.Millisecond) // time enough for requests ahead, were any issued
		close(first)
	}()
	for _, err := range Pages(t.Context(), Options[sizedPage]{Limit: 10, Concurrency: 16,
		Size: func(p sizedPage) int64 { return p.bytes }}, fetch) {
		if err != nil {
			t.Fatal(err)
		}
		if n := requests.Load(); n != 1 {
			t.Errorf("%d requests issued before the first page's size was known, want 1", n)
		}
		break
	}
}

// A server that serves small pages and then large ones has the requests
// already in flight answered large, once; the walk then holds back.
func TestByteBudgetFollowsGrowingPages(t *testing.T) {
	const small, large = 1 << 10, 40 << 20
	a := &sizedAccount{total: 3000, sizeAt: func(offset int) int64 {
		if offset < 1000 {
			return small
		}
		return large
	}}
	var afterLarge int64
	opts := Options[sizedPage]{Limit: 10, Concurrency: 16, MaxBytes: 64 << 20, Size: func(p sizedPage) int64 { return p.bytes }}
	for p, err := range Pages(t.Context(), opts, a.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		a.outstanding.Add(-1)
		// Past the burst: the first large page, and the 15 requests that
		// were in flight with it, issued on the small pages' size.
		if p.Value.offset >= 1000+16*10 {
			afterLarge = max(afterLarge, a.outstanding.Load())
		}
	}
	if afterLarge > 1 {
		t.Errorf("%d large pages outstanding once their size was known, want at most 1 beside the one handed out", afterLarge)
	}
}

// A budget met exactly is room enough: 10 MB pages against 20 MB reach two
// pages outstanding (the one needed, one ahead), not one at a time.
func TestByteBudgetMetExactly(t *testing.T) {
	a := &sizedAccount{total: 400, sizeAt: func(int) int64 { return 10 << 20 }}
	if pages := a.walk(t, Options[sizedPage]{Limit: 10, Concurrency: 4, MaxBytes: 20 << 20}); pages != 40 {
		t.Fatalf("%d pages, want 40", pages)
	}
	if p := a.peak.Load(); p != 2 {
		t.Errorf("%d pages outstanding at most, want 2 (20 MB of 10 MB pages)", p)
	}
}
