package proxy

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
)

// Bounds of the walks the proxy follows. A walk holds a fingerprint and a
// position per token (some 40 bytes in a map); the proxy holds at most
// maxTrackedTokens across all walks, about 8 MB, whatever its clients do.
const (
	maxWalks         = 64
	maxTrackedTokens = 200_000
)

// walkKey names one client's walk: its key (fingerprinted: the proxy
// keeps no key for this), its agentId filter and its page size. Two walks
// at different page sizes or filters see different positions.
type walkKey struct {
	key   uint64
	agent uint64
	limit string
}

type walkState struct {
	seen map[uint64]int // token -> the position it was first seen at
	used uint64
}

// walks follows each client's walk over offsets and reports a token seen
// twice at two positions: a server whose offsets overlap, or ignore the
// offset, makes its clients list tokens twice (and miss others). A page
// fetched again (a retry, a refresh) sees its tokens at the same
// positions, which is no repeat; offset 0 starts the walk over, and a
// create or delete by the same key resets its walks, since the account
// changed under them. The walk also holds when pages arrive out of order
// (a client fetching pages ahead).
type walks struct {
	mu    sync.Mutex
	m     map[walkKey]*walkState
	clock uint64
	total int
}

func newWalks() *walks { return &walks{m: make(map[walkKey]*walkState)} }

// page checks one 200 answer to a list: q is the request's query, body
// the page.
func (w *walks) page(key uint64, q url.Values, body []byte) contract.Findings {
	offset := 0
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil // the request check reports it
		}
		offset = n
	}
	var page struct {
		Tokens []struct {
			Token *string `json:"token"`
		} `json:"tokens"`
	}
	if json.Unmarshal(body, &page) != nil {
		return nil // the schema check reports it
	}
	k := walkKey{key: key, agent: fingerprint.Of(q.Get("agentId")), limit: q.Get("limit")}

	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.m[k]
	if st == nil || offset == 0 {
		w.drop(k)
		for len(w.m) >= maxWalks {
			w.evictOldest()
		}
		st = &walkState{seen: make(map[uint64]int)}
		w.m[k] = st
	}
	w.clock++
	st.used = w.clock
	var out contract.Findings
	repeats, firstRepeat := 0, -1
	for i, t := range page.Tokens {
		if t.Token == nil {
			continue
		}
		fp, pos := fingerprint.Of(*t.Token), offset+i
		if first, ok := st.seen[fp]; ok {
			if first != pos {
				if repeats == 0 {
					firstRepeat = i
					out = append(out, contract.Finding{Check: contract.CheckPagination, Severity: contract.Breaking,
						Pointer: "/tokens/" + strconv.Itoa(i),
						Message: fmt.Sprintf("token at offset %d was already returned at offset %d in this client's walk", pos, first)})
				}
				repeats++
			}
			continue
		}
		for w.total >= maxTrackedTokens && w.evictOldestBut(k) {
		}
		if w.total >= maxTrackedTokens {
			continue // this walk alone fills the bound: checked on its first tokens
		}
		st.seen[fp] = pos
		w.total++
	}
	if repeats > 1 {
		out[0].Message += fmt.Sprintf(" (%d tokens of this page from index %d repeat earlier ones)", repeats, firstRepeat)
	}
	return out
}

// reset forgets every walk of key.
func (w *walks) reset(key uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for k := range w.m {
		if k.key == key {
			w.drop(k)
		}
	}
}

func (w *walks) drop(k walkKey) {
	if st := w.m[k]; st != nil {
		w.total -= len(st.seen)
		delete(w.m, k)
	}
}

func (w *walks) evictOldest() { w.evictOldestBut(walkKey{limit: "\x00none"}) }

// evictOldestBut drops the least recently used walk other than keep, and
// reports whether there was one.
func (w *walks) evictOldestBut(keep walkKey) bool {
	var oldest walkKey
	found := false
	for k, st := range w.m {
		if k != keep && (!found || st.used < w.m[oldest].used) {
			oldest, found = k, true
		}
	}
	if found {
		w.drop(oldest)
	}
	return found
}
