package prefetch

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// account is a fake server of total items, each answer after a random
// short delay so that requests in flight finish out of order.
type account struct {
	total  int
	failAt int // offset whose fetch fails; -1 for none
}

var errBoom = errors.New("boom")

func (a *account) fetch(ctx context.Context, offset, limit int) ([]int, int, bool, error) {
	select {
	case <-time.After(time.Duration(rand.IntN(300)) * time.Microsecond):
	case <-ctx.Done():
		return nil, 0, false, ctx.Err()
	}
	if offset == a.failAt {
		return nil, 0, false, errBoom
	}
	end := min(offset+limit, a.total)
	var items []int
	for i := offset; i < end; i++ {
		items = append(items, i)
	}
	return items, len(items), end < a.total, nil
}

// collect walks a and returns every item in the order handed out.
func collect(t *testing.T, a *account, opts Options[[]int]) ([]int, error) {
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
		next += len(p.Value)
	}
	return got, nil
}

func TestFetchErrorEndsTheWalkInOrder(t *testing.T) {
	for _, conc := range []int{1, 4, 8} {
		a := &account{total: 1000, failAt: 300}
		got, err := collect(t, a, Options[[]int]{Limit: 100, Concurrency: conc})
		if !errors.Is(err, errBoom) {
			t.Fatalf("concurrency %d: err = %v, want errBoom", conc, err)
		}
		if len(got) != 300 {
			t.Errorf("concurrency %d: %d items before the error, want 300", conc, len(got))
		}
	}
}

// An empty page that says more follow cannot move the walk on: it is the
// last page handed out, so a consumer that ignores it still terminates.
// A regression loops for ever on the empty page: the walk gets a short
// deadline, and the loop stops at the second page, so it fails at once.
func TestEmptyPageEndsTheWalk(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	empty := func(context.Context, int, int) ([]int, int, bool, error) { return nil, 0, true, nil }
	pages := 0
	for _, err := range Pages(ctx, Options[[]int]{Limit: 10, Concurrency: 4}, empty) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if pages > 1 {
			break
		}
	}
	if pages != 1 {
		t.Errorf("%d pages, want 1", pages)
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options[[]int]{
		{Limit: 0, Concurrency: 1},
		{Limit: 1, Concurrency: 0},
		{Limit: 1, Concurrency: 1, End: -1},
		{Limit: 1, Concurrency: 1, MaxBytes: -1},
	} {
		for _, err := range Pages(t.Context(), o, (&account{}).fetch) {
			if !errors.Is(err, ErrOptions) {
				t.Errorf("%+v: err = %v", o, err)
			}
		}
	}
}

// The smallest options that are valid walk: a page of one item, one
// request at a time.
func TestSmallestOptionsWalk(t *testing.T) {
	got, err := collect(t, &account{total: 3, failAt: -1}, Options[[]int]{Limit: 1, Concurrency: 1})
	if err != nil || !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("got %v, %v; want [0 1 2], nil", got, err)
	}
}

// End bounds the walk: no request at or past it, and the page reaching it
// is the last, whether it ends exactly there or past it.
func TestEnd(t *testing.T) {
	for _, tt := range []struct {
		end, wantItems int
	}{
		{end: 250, wantItems: 300},
		{end: 300, wantItems: 300},
		{end: 1, wantItems: 100},
	} {
		for _, conc := range []int{1, 4, 8} {
			t.Run(fmt.Sprintf("end=%d/conc=%d", tt.end, conc), func(t *testing.T) {
				var maxOffset atomic.Int64
				a := &account{total: 1000, failAt: -1}
				fetch := func(ctx context.Context, offset, limit int) ([]int, int, bool, error) {
					for {
						m := maxOffset.Load()
						if int64(offset) <= m || maxOffset.CompareAndSwap(m, int64(offset)) {
							break
						}
					}
					return a.fetch(ctx, offset, limit)
				}
				var got []int
				for p, err := range Pages(t.Context(), Options[[]int]{Limit: 100, Concurrency: conc, End: tt.end}, fetch) {
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, p.Value...)
				}
				if len(got) != tt.wantItems {
					t.Errorf("%d items, want %d", len(got), tt.wantItems)
				}
				if m := maxOffset.Load(); m >= int64(tt.end) && tt.end > 0 && m > 0 {
					t.Errorf("a request at offset %d, at or past End %d", m, tt.end)
				}
			})
		}
	}
}

// Once the context has ended, pages already fetched ahead are not handed
// out: the walk ends with the context's error at once.
func TestNoPageAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	instant := func(_ context.Context, offset, limit int) ([]int, int, bool, error) {
		return make([]int, limit), limit, true, nil
	}
	pages := 0
	var errs []error
	for _, err := range Pages(ctx, Options[[]int]{Limit: 10, Concurrency: 8}, instant) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if pages++; pages == 1 {
			time.Sleep(5 * time.Millisecond) // let the pages ahead arrive
			cancel()
		}
		if pages == 100 {
			break // instant ignores its context: without the check, no end
		}
	}
	if pages != 1 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("%d pages then errors %v, want 1 page then context.Canceled once", pages, errs)
	}
}

// A server that sends more items than asked for is walked without
// discarding the requests in flight at every page.
func TestPagesLargerThanAsked(t *testing.T) {
	for _, conc := range []int{1, 4, 8} {
		var requests atomic.Int64
		fetch := func(_ context.Context, offset, _ int) ([]int, int, bool, error) {
			requests.Add(1)
			end := min(offset+30, 3000)
			return make([]int, max(end-offset, 0)), end - offset, end < 3000, nil
		}
		items := 0
		for p, err := range Pages(t.Context(), Options[[]int]{Limit: 10, Concurrency: conc}, fetch) {
			if err != nil {
				t.Fatal(err)
			}
			items += len(p.Value)
		}
		// 100 pages, and at most Concurrency-1 wasted at the start (the
		// first guess) and at the end each.
		if n := requests.Load(); items != 3000 || n > 100+2*int64(conc-1) {
			t.Errorf("concurrency %d: %d items in %d requests, want 3000 in at most %d", conc, items, n, 100+2*(conc-1))
		}
	}
}

// Without End, Concurrency requests are in flight at once: the first fetch
// holds its answer until as many have been issued, or fails after a short
// wait, so a walk that issues one at a time fails in a second.
func TestConcurrencyWithoutEnd(t *testing.T) {
	const conc = 4
	var issued atomic.Int64
	all := make(chan struct{})
	fetch := func(ctx context.Context, offset, limit int) ([]int, int, bool, error) {
		if issued.Add(1) == conc {
			close(all)
		}
		if offset == 0 {
			select {
			case <-all:
			case <-time.After(time.Second):
				return nil, 0, false, fmt.Errorf("%d requests issued while the first page was awaited, want %d", issued.Load(), conc)
			case <-ctx.Done():
				return nil, 0, false, ctx.Err()
			}
		}
		items := make([]int, limit)
		return items, limit, offset+limit < 100*limit, nil
	}
	pages := 0
	for _, err := range Pages(t.Context(), Options[[]int]{Limit: 10, Concurrency: conc}, fetch) {
		if err != nil {
			t.Fatal(err)
		}
		if pages++; pages == 2 {
			break
		}
	}
}
