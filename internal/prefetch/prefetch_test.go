package prefetch

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// account is a fake server: total items, pages capped at maxPage items,
// each answer after a random short delay so that requests in flight finish
// out of order.
type account struct {
	total, maxPage int
	requests       atomic.Int64
	inFlight       atomic.Int64
	peak           atomic.Int64
	failAt         int // offset whose fetch fails; -1 for none
}

var errBoom = errors.New("boom")

func (a *account) fetch(ctx context.Context, offset, limit int) ([]int, int, bool, error) {
	a.requests.Add(1)
	n := a.inFlight.Add(1)
	defer a.inFlight.Add(-1)
	for {
		p := a.peak.Load()
		if n <= p || a.peak.CompareAndSwap(p, n) {
			break
		}
	}
	select {
	case <-time.After(time.Duration(rand.IntN(300)) * time.Microsecond):
	case <-ctx.Done():
		return nil, 0, false, ctx.Err()
	}
	if offset == a.failAt {
		return nil, 0, false, errBoom
	}
	size := limit
	if a.maxPage > 0 {
		size = min(size, a.maxPage)
	}
	end := min(offset+size, a.total)
	var items []int
	for i := offset; i < end; i++ {
		items = append(items, i)
	}
	return items, len(items), end < a.total, nil
}

// collect walks a and returns every item in the order handed out.
func collect(t *testing.T, a *account, opts Options) ([]int, error) {
	t.Helper()
	var got []int
	next := 0
	for p, err := range Pages(t.Context(), opts, a.fetch) {
		if err != nil {
			return got, err
		}
		if p.Offset != next {
			t.Fatalf("page at offset %d, want %d", p.Offset, next)
		}
		got = append(got, p.Value...)
		next += p.Items
	}
	return got, nil
}

func TestOrderAndExactlyOnce(t *testing.T) {
	for _, total := range []int{0, 1, 99, 100, 101, 1000} {
		for _, maxPage := range []int{0, 30, 100} { // 0: pages as large as asked
			for _, conc := range []int{1, 2, 4, 8} {
				t.Run(fmt.Sprintf("total=%d/max=%d/conc=%d", total, maxPage, conc), func(t *testing.T) {
					a := &account{total: total, maxPage: maxPage, failAt: -1}
					got, err := collect(t, a, Options{Limit: 100, Concurrency: conc})
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != total {
						t.Fatalf("got %d items, want %d", len(got), total)
					}
					for i, v := range got {
						if v != i {
							t.Fatalf("item %d is %d", i, v)
						}
					}
					if p := a.peak.Load(); p > int64(conc) {
						t.Errorf("%d requests in flight at once, want at most %d", p, conc)
					}
				})
			}
		}
	}
}

// At the end of a walk of full pages, at most Concurrency-1 requests are
// wasted past the last page.
func TestWasteAtTheEnd(t *testing.T) {
	for _, conc := range []int{1, 4, 8} {
		a := &account{total: 1000, failAt: -1}
		if _, err := collect(t, a, Options{Limit: 100, Concurrency: conc}); err != nil {
			t.Fatal(err)
		}
		pages := int64(10)
		if got := a.requests.Load(); got < pages || got > pages+int64(conc-1) {
			t.Errorf("concurrency %d: %d requests, want %d to %d", conc, got, pages, pages+int64(conc-1))
		}
	}
}

func TestFetchErrorEndsTheWalkInOrder(t *testing.T) {
	for _, conc := range []int{1, 4, 8} {
		a := &account{total: 1000, failAt: 300}
		got, err := collect(t, a, Options{Limit: 100, Concurrency: conc})
		if !errors.Is(err, errBoom) {
			t.Fatalf("concurrency %d: err = %v, want errBoom", conc, err)
		}
		if len(got) != 300 {
			t.Errorf("concurrency %d: %d items before the error, want 300", conc, len(got))
		}
	}
}

func TestConsumerStops(t *testing.T) {
	a := &account{total: 100000, failAt: -1}
	n := 0
	for _, err := range Pages(t.Context(), Options{Limit: 10, Concurrency: 8}, a.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if got := a.requests.Load(); got > 3+7 {
		t.Errorf("%d requests after the consumer stopped at page 3", got)
	}
	if a.inFlight.Load() != 0 {
		t.Error("requests still in flight after the range loop ended")
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var once sync.Once
	blocking := func(ctx context.Context, offset, limit int) ([]int, int, bool, error) {
		if offset > 0 {
			once.Do(cancel) // the walk is cancelled while later pages are in flight
			<-ctx.Done()
			return nil, 0, false, ctx.Err()
		}
		return []int{0}, 1, true, nil
	}
	var last error
	for _, err := range Pages(ctx, Options{Limit: 1, Concurrency: 4}, blocking) {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("walk ended with %v, want context.Canceled", last)
	}
}

// An empty page that says more follow cannot move the walk on: it is the
// last page handed out, so a consumer that ignores it still terminates.
func TestEmptyPageEndsTheWalk(t *testing.T) {
	empty := func(context.Context, int, int) ([]int, int, bool, error) { return nil, 0, true, nil }
	pages := 0
	for _, err := range Pages(t.Context(), Options{Limit: 10, Concurrency: 4}, empty) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if pages != 1 {
		t.Errorf("%d pages, want 1", pages)
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{{Limit: 0, Concurrency: 1}, {Limit: 1, Concurrency: 0}} {
		for _, err := range Pages(t.Context(), o, (&account{}).fetch) {
			if !errors.Is(err, ErrOptions) {
				t.Errorf("%+v: err = %v", o, err)
			}
		}
	}
}
