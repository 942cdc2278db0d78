package proxy

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
)

// Bounds of what the proxy remembers across exchanges. A walk holds a
// fingerprint and a position per token, and a few ints per page (some 40
// bytes each in a map); the proxy holds at most maxTrackedTokens tokens
// and pages across all walks, about 8 MB, whatever its clients do. It
// remembers the last maxRemembered tokens created and deleted.
const (
	maxWalks         = 64
	maxTrackedTokens = 200_000
	maxRemembered    = 4096
)

// walkKey names one client's walk: its key (fingerprinted: the proxy
// keeps no key for this), its agentId filter and its page size. Two walks
// at different page sizes or filters see different positions.
type walkKey struct {
	key      uint64
	agent    uint64
	filtered bool
	limit    string
}

type walkState struct {
	seen  map[uint64]int // token -> the position it was first seen at
	pages map[int]pageSeen
	used  uint64
	epoch uint64 // when its first page was asked for
	// truncated: the bound dropped some of its tokens, so it cannot show
	// that a listing omits one.
	truncated bool
	// The evidence about hasNextPage: where a page said there is no more
	// (the lowest end), and the furthest page that held tokens.
	endAt, endFrom, endN               int
	furthest, furthestN                int
	shortEnds                          map[int]pageSeen // end offset of a short page that said hasNextPage: true
	empties                            map[int]bool     // offsets that returned no token
	reportedEnd, reportedShort, judged bool
}

type pageSeen struct{ offset, n, limit int }

// remembered is a token created or deleted by a key, and when.
type remembered struct {
	key     uint64
	epoch   uint64 // the walks' epoch once the answer came
	agents  []uint64
	expires time.Time
}

// walks follows each client's walk over offsets and reports what only
// several exchanges show:
//
//   - a token seen twice at two positions: a server whose offsets
//     overlap, or ignore the offset, makes its clients list tokens twice
//     (and miss others);
//   - hasNextPage false while a further offset still returns tokens, and
//     a short page that says hasNextPage true followed by an empty one;
//   - a complete listing (every page from offset 0 to one that says
//     hasNextPage false) that omits a token its key created, unfiltered or
//     filtered by one of the token's agents;
//   - a token listed after its key's delete was answered 204.
//
// A page fetched again (a retry, a refresh) sees its tokens at the same
// positions, which is no repeat; offset 0 fetched again starts the walk
// over (tokens may have expired since). Any create
// or delete, by any key (two keys may share an account), changes the
// account under every walk: a page asked for while one is under way, or
// before one, starts its walk over, so a client that lists again after
// another key changed the account gets no finding. The walk also holds
// when pages arrive out of order (a client fetching pages ahead).
type walks struct {
	mu    sync.Mutex
	m     map[walkKey]*walkState
	clock uint64
	total int
	// epoch counts the starts and ends of creates and deletes; changing
	// is how many are under way.
	epoch    uint64
	changing int
	created  map[uint64]remembered
	deleted  map[uint64]remembered
	order    []uint64 // created and deleted fingerprints, oldest first, for the bound
}

func newWalks() *walks {
	return &walks{m: make(map[walkKey]*walkState), created: make(map[uint64]remembered), deleted: make(map[uint64]remembered)}
}

// begin is called before a request of o is sent: it returns the epoch its
// answer is judged against, and for a create or a delete marks the
// account as changing until end.
func (w *walks) begin(o op) uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	if o == opCreate || o == opDelete {
		w.changing++
		w.epoch++
	}
	return w.epoch
}

// end is called once a create or delete begun has its answer, or none; it
// returns the epoch from which the account shows the change.
func (w *walks) end() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.changing--
	w.epoch++
	return w.epoch
}

// createdToken remembers the token a 201 of key holds, for the listings
// that follow.
func (w *walks) createdToken(key, epoch uint64, body []byte) {
	var tok struct {
		Token     *string `json:"token"`
		ExpiresAt string  `json:"expiresAt"`
		Policy    struct {
			Data []struct {
				ID *string `json:"id"`
			} `json:"data"`
		} `json:"policy"`
	}
	if json.Unmarshal(body, &tok) != nil || tok.Token == nil {
		return // the schema check reports it
	}
	r := remembered{key: key, epoch: epoch}
	r.expires, _ = time.Parse(time.RFC3339Nano, tok.ExpiresAt)
	for _, d := range tok.Policy.Data {
		if d.ID != nil {
			r.agents = append(r.agents, fingerprint.Of(*d.ID))
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.remember(w.created, fingerprint.Of(*tok.Token), r)
}

// deletedToken remembers a token whose delete by key was answered 204.
func (w *walks) deletedToken(key, epoch uint64, token string) {
	fp := fingerprint.Of(token)
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.created, fp)
	w.remember(w.deleted, fp, remembered{key: key, epoch: epoch})
}

func (w *walks) remember(m map[uint64]remembered, fp uint64, r remembered) {
	if _, ok := m[fp]; !ok {
		w.order = append(w.order, fp)
	}
	m[fp] = r
	for len(w.order) > maxRemembered {
		old := w.order[0]
		w.order = w.order[1:]
		delete(w.created, old)
		delete(w.deleted, old)
	}
}

// page checks one 200 answer to a list of key: q is the request's query,
// limit the page size the server should have applied (0 when unknown),
// epoch begin's, body the page. It returns the findings and how many
// tokens the page held.
func (w *walks) page(key uint64, q url.Values, limit int, epoch uint64, body []byte) (contract.Findings, int) {
	var page struct {
		Tokens []struct {
			Token *string `json:"token"`
		} `json:"tokens"`
		HasNextPage *bool `json:"hasNextPage"`
	}
	if json.Unmarshal(body, &page) != nil {
		return nil, 0 // the schema check reports it
	}
	offset := 0
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, len(page.Tokens) // the request check reports it
		}
		offset = n
	}
	agent, filtered := q.Get("agentId"), q.Has("agentId")
	k := walkKey{key: key, agent: fingerprint.Of(agent), filtered: filtered, limit: q.Get("limit")}

	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.relisted(key, epoch, offset, page.Tokens)
	if w.changing > 0 || epoch != w.epoch {
		// The account changed, or is changing, while this page was asked
		// for: it belongs to no walk.
		w.drop(k)
		return out, len(page.Tokens)
	}
	st := w.m[k]
	if st == nil || st.epoch != epoch || offset == 0 && st.hasPage(0) {
		w.drop(k)
		for len(w.m) >= maxWalks {
			w.evictOldestBut(k) // k is not in w.m: any walk
		}
		st = &walkState{seen: make(map[uint64]int), pages: make(map[int]pageSeen), epoch: epoch,
			endAt: -1, furthest: -1, shortEnds: make(map[int]pageSeen), empties: make(map[int]bool)}
		w.m[k] = st
	}
	w.clock++
	st.used = w.clock
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
		if !w.room(k) {
			st.truncated = true
			continue // this walk alone fills the bound: checked on its first tokens
		}
		st.seen[fp] = pos
		w.total++
	}
	if repeats > 1 {
		out[len(out)-1].Message += fmt.Sprintf(" (%d tokens of this page from index %d repeat earlier ones)", repeats, firstRepeat)
	}
	if page.HasNextPage == nil {
		return out, len(page.Tokens) // the schema check reports it
	}
	if _, ok := st.pages[offset]; !ok {
		if !w.room(k) {
			st.truncated = true
			return out, len(page.Tokens)
		}
		w.total++
	}
	n := len(page.Tokens)
	st.pages[offset] = pageSeen{offset, n, limit}
	out = append(out, st.hasNextPage(offset, n, limit, *page.HasNextPage)...)
	out = append(out, w.omitted(st, key, agent, filtered)...)
	return out, n
}

// hasPage reports whether the walk has seen the page at offset.
func (st *walkState) hasPage(offset int) bool {
	_, ok := st.pages[offset]
	return ok
}

// room makes room for one more tracked entry of walk k, evicting other
// walks, and reports whether there is.
func (w *walks) room(k walkKey) bool {
	for w.total >= maxTrackedTokens && w.evictOldestBut(k) {
	}
	return w.total < maxTrackedTokens
}

// hasNextPage checks what the pages of the walk say about what follows
// them against what the walk found there.
func (st *walkState) hasNextPage(offset, n, limit int, more bool) contract.Findings {
	var out contract.Findings
	end := offset + n
	switch {
	case !more && (st.endAt < 0 || end < st.endAt):
		st.endAt, st.endFrom, st.endN = end, offset, n
	case more && limit > 0 && n > 0 && n < limit:
		st.shortEnds[end] = pageSeen{offset, n, limit}
	}
	if n > 0 && offset > st.furthest {
		st.furthest, st.furthestN = offset, n
	}
	if n == 0 {
		st.empties[offset] = true
	}
	if !st.reportedEnd && st.endAt >= 0 && st.furthest >= st.endAt {
		st.reportedEnd = true
		out = append(out, contract.Finding{Check: contract.CheckPagination, Severity: contract.Breaking, Pointer: "/hasNextPage",
			Message: fmt.Sprintf("the page at offset %d (%d tokens) said hasNextPage: false, but offset %d returned %d tokens in this client's walk",
				st.endFrom, st.endN, st.furthest, st.furthestN)})
	}
	// A short page that said hasNextPage: true, and an empty page where it
	// ends, in either order.
	short, found := pageSeen{}, false
	if n == 0 {
		short, found = st.shortEnds[offset]
	} else if s, ok := st.shortEnds[end]; ok && st.empties[end] {
		short, found = s, true
	}
	if found && !st.reportedShort {
		st.reportedShort = true
		out = append(out, contract.Finding{Check: contract.CheckPagination, Severity: contract.Breaking, Pointer: "/hasNextPage",
			Message: fmt.Sprintf("the page at offset %d held %d tokens, fewer than limit %d, and said hasNextPage: true, but offset %d returned none",
				short.offset, short.n, short.limit, short.offset+short.n)})
	}
	return out
}

// omitted judges a complete listing (every page from offset 0 to one that
// says hasNextPage: false, nothing dropped by the bound) once: each token
// its key created before the walk began, not deleted since and not
// expired, must be in it, when unfiltered or filtered by one of the
// token's agents.
func (w *walks) omitted(st *walkState, key uint64, agent string, filtered bool) contract.Findings {
	if st.judged || st.truncated || st.endAt < 0 {
		return nil
	}
	for pos := 0; pos < st.endAt; {
		p, ok := st.pages[pos]
		if !ok || p.n == 0 {
			return nil
		}
		pos += p.n
	}
	st.judged = true
	agentFP, now := fingerprint.Of(agent), time.Now()
	var out contract.Findings
	for fp, c := range w.created {
		if c.key != key || c.epoch > st.epoch || (!c.expires.IsZero() && c.expires.Before(now)) {
			continue
		}
		if _, listed := st.seen[fp]; listed {
			continue
		}
		f := contract.Finding{Check: contract.CheckRoundTrip, Severity: contract.Breaking, Pointer: "/tokens",
			Message: fmt.Sprintf("a token this key created (answered 201) is missing from the complete listing (%d tokens)", len(st.seen))}
		if filtered {
			names := false
			for _, a := range c.agents {
				names = names || a == agentFP
			}
			if !names {
				continue
			}
			f.Check = contract.CheckAgentFilter
			f.Message = fmt.Sprintf("a token this key created for this agent (answered 201) is missing from the complete listing filtered by agentId (%d tokens)", len(st.seen))
		}
		out = append(out, f)
		break // one is evidence enough
	}
	return out
}

// relisted reports a token of the page whose delete by key was answered
// 204 before the page was asked for.
func (w *walks) relisted(key, epoch uint64, offset int, tokens []struct {
	Token *string `json:"token"`
}) contract.Findings {
	if len(w.deleted) == 0 {
		return nil
	}
	for i, t := range tokens {
		if t.Token == nil {
			continue
		}
		if d, ok := w.deleted[fingerprint.Of(*t.Token)]; ok && d.key == key && d.epoch <= epoch {
			return contract.Findings{{Check: contract.CheckRoundTrip, Severity: contract.Breaking, Pointer: "/tokens/" + strconv.Itoa(i),
				Message: fmt.Sprintf("token at offset %d is listed after its delete was answered 204", offset+i)}}
		}
	}
	return nil
}

func (w *walks) drop(k walkKey) {
	if st := w.m[k]; st != nil {
		w.total -= len(st.seen) + len(st.pages)
		delete(w.m, k)
	}
}

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
