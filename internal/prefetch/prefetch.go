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
//
// Pages ahead are bounded in count (Concurrency) and, given a page's size,
// in bytes (MaxBytes): a server whose pages are each near a client's body
// cap must not turn sixteen requests in flight into sixteen times the cap.
package prefetch

import (
	"context"
	"errors"
	"iter"
	"sync/atomic"
)

// Fetch gets the page at offset, asking for at most limit items, and says
// how many items it holds and whether the server says more follow.
type Fetch[P any] func(ctx context.Context, offset, limit int) (page P, items int, more bool, err error)

// Page is one page of a walk and where it starts.
type Page[P any] struct {
	Offset int
	Value  P
}

// DefaultMaxBytes is Options.MaxBytes when it is 0 and Options.Size is
// set: pages of a few hundred KB (a hundred tokens are about 30 KB) are
// never held back by it, while pages near a 32 MiB body cap are fetched one
// at a time.
const DefaultMaxBytes = 64 << 20

// Options shape a walk of pages of type P.
type Options[P any] struct {
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
	// Size, when set, says how many bytes a fetched page holds. The walk
	// then issues a request ahead only while the pages it holds or has
	// asked for fit in MaxBytes: a page fetched counts for its Size until
	// it is handed out, a request in flight for the largest Size seen so
	// far (until one page has come back, no request is issued ahead). The
	// page the consumer needs next is always asked for, whatever its
	// size, so the walk never stalls. The bound rests on that guess: a
	// server that suddenly serves far larger pages than before can still
	// answer the requests already in flight (at most Concurrency-1) with
	// them, each bounded only by the fetch's own cap on a body; from the
	// first such page on, the next requests are held back by its size.
	Size func(P) int64
	// MaxBytes is the byte budget of Size; 0 means DefaultMaxBytes.
	MaxBytes int64
}

// ErrOptions is returned for a Limit or Concurrency below 1.
var ErrOptions = errors.New("prefetch: Limit and Concurrency must be at least 1, End and MaxBytes not negative")

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
func Pages[P any](ctx context.Context, opts Options[P], fetch Fetch[P]) iter.Seq2[Page[P], error] {
	return func(yield func(Page[P], error) bool) {
		if opts.Limit < 1 || opts.Concurrency < 1 || opts.End < 0 || opts.MaxBytes < 0 {
			yield(Page[P]{}, ErrOptions)
			return
		}
		if opts.MaxBytes == 0 {
			opts.MaxBytes = DefaultMaxBytes
		}
		w := &walk[P]{ctx: ctx, opts: opts, fetch: fetch, stride: opts.Limit}
		defer w.discard()
		next := 0 // offset of the next page to hand out
		for {
			w.fill()
			f := w.pending[0]
			r := <-f.done // fetch honours its context; discard cancels it
			w.pending = w.pending[1:]
			f.cancel()
			w.largest, w.handedOut = max(w.largest, f.size.Load()), true
			if err := ctx.Err(); err != nil && r.err == nil {
				// Pages fetched ahead would otherwise keep coming after the
				// caller cancelled, up to Concurrency-1 of them.
				r.err = err
			}
			if r.err != nil {
				yield(Page[P]{Offset: next}, r.err)
				return
			}
			page := Page[P]{Offset: next, Value: r.page}
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
	// size is the page's Options.Size once it has been fetched, -1 until
	// then (and without Size, or on error): fill reads it while the
	// request may still be running.
	size atomic.Int64
}

type walk[P any] struct {
	ctx     context.Context
	opts    Options[P]
	fetch   Fetch[P]
	stride  int // the items each page is guessed to hold
	issueAt int // offset of the next request to issue
	pending []*future[P]
	// largest is the largest Size of a page handed out so far: what a
	// request in flight is guessed to bring. handedOut says a page was.
	largest   int64
	handedOut bool
}

// fill issues requests until Concurrency are in flight, or up to End, or
// up to the byte budget. The page at the offset the walk hands out next is
// always issued: Pages returns before that offset reaches End, and the
// budget never holds it back.
func (w *walk[P]) fill() {
	for len(w.pending) < w.opts.Concurrency && (w.opts.End <= 0 || w.issueAt < w.opts.End || len(w.pending) == 0) {
		if len(w.pending) > 0 && !w.roomForOneMore() {
			return
		}
		ctx, cancel := context.WithCancel(w.ctx)
		f := &future[P]{done: make(chan result[P], 1), cancel: cancel}
		f.size.Store(-1)
		offset := w.issueAt
		go func() {
			var r result[P]
			r.page, r.items, r.more, r.err = w.fetch(ctx, offset, w.opts.Limit)
			if r.err == nil && w.opts.Size != nil {
				f.size.Store(w.opts.Size(r.page))
			}
			f.done <- r
		}()
		w.pending = append(w.pending, f)
		w.issueAt += w.stride
	}
}

// roomForOneMore reports whether one more request fits the byte budget
// next to those pending, counted as Options.Size says.
func (w *walk[P]) roomForOneMore() bool {
	if w.opts.Size == nil {
		return true
	}
	// Sizes seen on pages not yet handed out count too: a large page
	// waiting behind a slow one already says what the next may bring.
	largest, known := w.largest, w.handedOut
	held, inFlight := int64(0), int64(0)
	for _, f := range w.pending {
		if s := f.size.Load(); s >= 0 {
			held += s
			largest, known = max(largest, s), true
		} else {
			inFlight++
		}
	}
	return known && held+(inFlight+1)*largest <= w.opts.MaxBytes
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
