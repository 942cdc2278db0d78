// Package prefetch walks offset-paginated pages with several requests in
// flight and hands the pages back in offset order, one at a time.
//
// Against a server tens of milliseconds away, a walk that asks for one page
// at a time spends nearly all its time waiting. Offsets are known in
// advance (each page starts where the one before it ends), so the next
// pages can be asked for while the current one is used. The package knows
// nothing of tokens: the root package's pager and contract/live's
// walks both build on it, and each keeps its own guards against servers
// that lie.
package prefetch

import (
	"context"
	"errors"
	"iter"
)

// Fetch gets the page at offset, asking for at most limit items, and says
// how many items it holds and whether the server says more follow.
type Fetch[P any] func(ctx context.Context, offset, limit int) (page P, items int, more bool, err error)

// Page is one page of a walk and where it starts.
type Page[P any] struct {
	Offset int
	Value  P
	Items  int
	More   bool
}

// Options shape a walk.
type Options struct {
	// Limit is the page size asked for; at least 1.
	Limit int
	// Concurrency is how many pages may be requested at once; at least 1.
	// 1 fetches each page only after the one before it was consumed.
	Concurrency int
	// End, when positive, is where the walk stops: no request is issued at
	// an offset at or past it, and a page reaching it is the last handed
	// out. A caller that stops at a bound anyway (the root pager's
	// MaxTokens) sets it so that no request is wasted past the bound.
	End int
}

// ErrOptions is returned for a Limit or Concurrency below 1.
var ErrOptions = errors.New("prefetch: Limit and Concurrency must be at least 1, End not negative")

// Pages walks from offset 0 until a page says no more follow, a fetch
// fails, a page holds no item (the walk could not advance past it), a page
// reaches Options.End, or the consumer stops. Pages come out in offset order, each exactly once, and
// each page starts where the one before it ended.
//
// Requests are issued ahead on the guess that every page is full. When a
// page holds a different number of items than that guess (the server caps
// its pages below Limit, say), the requests in flight past it are cancelled
// and discarded, and the walk goes on from the page's true end, guessing
// that later pages hold as many items as this one did. At the end of a
// walk at most Concurrency-1 requests are wasted.
//
// A failed fetch is yielded once, after every page before it, and ends the
// walk. Once ctx has ended no page is handed out, even one already fetched:
// the walk ends with ctx's error, yielded once. When the walk ends, however it ends, every request still in flight
// is cancelled and waited for, so no goroutine outlives the range loop.
func Pages[P any](ctx context.Context, opts Options, fetch Fetch[P]) iter.Seq2[Page[P], error] {
	return func(yield func(Page[P], error) bool) {
		if opts.Limit < 1 || opts.Concurrency < 1 || opts.End < 0 {
			yield(Page[P]{}, ErrOptions)
			return
		}
		w := &walk[P]{ctx: ctx, opts: opts, fetch: fetch, stride: opts.Limit}
		defer w.discard()
		next := 0 // offset of the next page to hand out
		w.issueAt = 0
		for {
			w.fill()
			f := w.pending[0]
			r := <-f.done // fetch honours its context; discard cancels it
			w.pending = w.pending[1:]
			f.cancel()
			if err := ctx.Err(); err != nil && r.err == nil {
				// Pages fetched ahead would otherwise keep coming after the
				// caller cancelled, up to Concurrency-1 of them.
				r.err = err
			}
			if r.err != nil {
				yield(Page[P]{Offset: next}, r.err)
				return
			}
			page := Page[P]{Offset: next, Value: r.page, Items: r.items, More: r.more}
			if !yield(page, nil) || !r.more || r.items <= 0 {
				return
			}
			next += r.items
			if opts.End > 0 && next >= opts.End {
				return
			}
			if r.items != w.stride {
				// The guess was wrong: the pages in flight start at the
				// wrong offsets. Drop them and guess again from here. A
				// server that sends more than asked is guessed to go on
				// doing so, rather than re-planned at every page.
				w.discard()
				w.stride = r.items
				w.issueAt = next
			}
		}
	}
}

type result[P any] struct {
	page  P
	items int
	more  bool
	err   error
}

type future[P any] struct {
	done   chan result[P]
	cancel context.CancelFunc
}

type walk[P any] struct {
	ctx     context.Context
	opts    Options
	fetch   Fetch[P]
	stride  int // the items each page is guessed to hold
	issueAt int // offset of the next request to issue
	pending []*future[P]
}

// fill issues requests until Concurrency are in flight, or up to End. The
// page at the offset the walk hands out next is always issued: Pages
// returns before that offset reaches End.
func (w *walk[P]) fill() {
	for len(w.pending) < w.opts.Concurrency && (w.opts.End <= 0 || w.issueAt < w.opts.End || len(w.pending) == 0) {
		ctx, cancel := context.WithCancel(w.ctx)
		f := &future[P]{done: make(chan result[P], 1), cancel: cancel}
		offset := w.issueAt
		go func() {
			var r result[P]
			r.page, r.items, r.more, r.err = w.fetch(ctx, offset, w.opts.Limit)
			f.done <- r
		}()
		w.pending = append(w.pending, f)
		w.issueAt += w.stride
	}
}

// discard cancels every request in flight and waits for each to return.
func (w *walk[P]) discard() {
	for _, f := range w.pending {
		f.cancel()
	}
	for _, f := range w.pending {
		<-f.done
	}
	w.pending = w.pending[:0]
}
