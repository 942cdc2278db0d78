package mock

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/letta-tokens/letta-tokens/gen"
)

// Bounds on what creates and deletes can make the mock hold. Past them a
// create or delete answers 400 with a message saying so: the state of a
// long-running mock stays bounded whatever its clients do.
const (
	// MaxCreatedTokens is the most created tokens held at once (deleting
	// one frees its place).
	MaxCreatedTokens = 1_000_000
	// MaxCreatedBytes is the most JSON the held created tokens may take.
	// A create's body is at most 1 MiB, so the count alone does not bound
	// memory.
	MaxCreatedBytes = 256 << 20
	// MaxDeletedTokens is the most seeded or loaded tokens that can be
	// deleted: each deletion is remembered, since the base list is fixed.
	MaxDeletedTokens = 1_000_000
)

// createdValueBytes is the random part of a created token's value, in
// bytes (hex-encoded: twice as many characters).
const createdValueBytes = 24

var (
	// ErrTokenNotFound is a delete of a value that names no live token.
	ErrTokenNotFound = errors.New("client-side access token not found")
	// ErrMockFull is a create or delete past the mock's bounds.
	ErrMockFull = errors.New("the mock holds no more changes")
)

// account is the mock's tokens: a fixed base list (seeded or loaded), the
// tokens created after it and the base tokens deleted, under mu.
type account struct {
	base tokenList

	mu sync.RWMutex
	// created are the live created tokens, oldest first.
	created []*createdToken
	// createdByValue finds a live created token by its value.
	createdByValue map[string]*createdToken
	// createdBytes is the JSON size of created, for the memory bound.
	createdBytes int
	// deleted is the positions of the deleted base tokens, ascending, and
	// deletedByAgent for each agent the ranks of its deleted base tokens
	// in the base's filter for it.
	deleted        []int
	deletedByAgent map[string][]int

	// Bounds, the package's constants outside tests.
	maxCreated, maxCreatedBytes, maxDeleted int
}

// createdToken is a token made by a create, never modified.
type createdToken struct {
	token gen.Token
	size  int // its JSON size
}

func newAccount(base tokenList) *account {
	return &account{
		base:            base,
		createdByValue:  make(map[string]*createdToken),
		deletedByAgent:  make(map[string][]int),
		maxCreated:      MaxCreatedTokens,
		maxCreatedBytes: MaxCreatedBytes,
		maxDeleted:      MaxDeletedTokens,
	}
}

// view is the tokens a list sees, in serving order: base's, at the
// positions basePositions holds, less the ranks in deleted (ascending),
// then created.
type view struct {
	base          tokenList
	basePositions positions
	deleted       []int
	created       []*createdToken
}

// view is the account's tokens, or for a non-empty agentID those whose
// policy names it. It shares the account's slices: read it with mu held.
// It costs O(1), and for an agent a scan of the created tokens.
func (a *account) view(agentID string) view {
	v := view{base: a.base, basePositions: allPositions(a.base.len()), deleted: a.deleted, created: a.created}
	if agentID != "" {
		v.basePositions, v.deleted, v.created = a.base.filter(agentID), a.deletedByAgent[agentID], nil
		for _, c := range a.created {
			if namedEarlier(c.token.Policy.Data, agentID) {
				v.created = append(v.created, c)
			}
		}
	}
	return v
}

func (v view) len() int { return v.basePositions.len() - len(v.deleted) + len(v.created) }

// at is the token at rank. A base token's rank in basePositions is its
// rank plus the number of deleted ranks before it; deleted[i]-i is how
// many kept ranks precede deleted[i], which never decreases in i, so a
// binary search finds that number: O(log len(deleted)).
func (v view) at(rank int) gen.Token {
	if kept := v.basePositions.len() - len(v.deleted); rank >= kept {
		return v.created[rank-kept].token
	}
	k := sort.Search(len(v.deleted), func(i int) bool { return v.deleted[i]-i > rank })
	return v.base.at(v.basePositions.at(rank + k))
}

// pageCut is one page of an account, as it was when the page was cut.
type pageCut struct {
	n       int                   // how many tokens the page holds
	token   func(k int) gen.Token // the page's k-th token
	hasNext bool
}

// page cuts the page at offset of at most limit tokens of agentID's view.
// hasNext is whether any token follows the page, which for limit 0 is
// whether any token sits at offset or after (Cloud's limit+1 fetch).
//
// A page is never torn by a concurrent change. One of at most
// maxBufferedPage tokens is copied under the read lock: it costs what its
// tokens cost, O(log deleted) each. A larger one, streamed for as long as
// its client takes to read it, copies instead the deleted ranks and the
// created tokens its view reads (O(deleted + created), 16 MB at the
// bounds), so that it too is the account as it was, and no change waits
// for a slow reader.
func (a *account) page(agentID string, offset, limit int) pageCut {
	a.mu.RLock()
	defer a.mu.RUnlock()
	v := a.view(agentID)
	n := v.len()
	start := min(offset, n)
	c := pageCut{n: min(limit, n-start)} // no overflow for huge limits
	c.hasNext = start+c.n < n
	if c.n > maxBufferedPage {
		v.deleted, v.created = slices.Clone(v.deleted), slices.Clone(v.created)
		c.token = func(k int) gen.Token { return v.at(start + k) }
		return c
	}
	tokens := make([]gen.Token, c.n)
	for k := range tokens {
		tokens[k] = v.at(start + k)
	}
	c.token = func(k int) gen.Token { return tokens[k] }
	return c
}

// create adds a token with a fresh random value, policy and hostname as
// given, and returns it.
func (a *account) create(policy []gen.AgentPolicy, hostname, expiresAt string) (gen.Token, error) {
	var random [createdValueBytes]byte
	_, _ = rand.Read(random[:]) // it never fails
	tok := cloneToken(gen.Token{
		Token:     "ck-let-" + hex.EncodeToString(random[:]),
		Hostname:  hostname,
		ExpiresAt: expiresAt,
		Policy:    gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: policy},
	})
	body, _ := json.Marshal(tok) // a gen.Token always encodes
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case len(a.created) >= a.maxCreated:
		return gen.Token{}, fmt.Errorf("%w: it holds %d created tokens, its most (delete some first)", ErrMockFull, len(a.created))
	case a.createdBytes+len(body) > a.maxCreatedBytes:
		return gen.Token{}, fmt.Errorf("%w: its created tokens would take more than %d bytes (delete some first)", ErrMockFull, a.maxCreatedBytes)
	case a.createdByValue[tok.Token] != nil || len(a.base.lookup(tok.Token)) > 0:
		return gen.Token{}, errors.New("token value: drawn twice among 2^192 (a broken random source)")
	}
	c := &createdToken{token: tok, size: len(body)}
	a.created = append(a.created, c)
	a.createdByValue[tok.Token] = c
	a.createdBytes += c.size
	return tok, nil
}

// delete removes every live token whose value is value: a created one, or
// seeded or loaded ones (a loaded file may repeat a value). Deleting a
// created token costs O(created), a base token O(deleted).
func (a *account) delete(value string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.createdByValue[value]; ok {
		i := slices.Index(a.created, c)
		a.created = slices.Delete(a.created, i, i+1)
		delete(a.createdByValue, value)
		a.createdBytes -= c.size
		return nil
	}
	var live []int
	for _, pos := range a.base.lookup(value) {
		if _, gone := slices.BinarySearch(a.deleted, pos); !gone {
			live = append(live, pos)
		}
	}
	if len(live) == 0 {
		return ErrTokenNotFound
	}
	if len(a.deleted)+len(live) > a.maxDeleted {
		return fmt.Errorf("%w: it has deleted %d seeded or loaded tokens, its most", ErrMockFull, len(a.deleted))
	}
	for _, pos := range live {
		a.deleted = insertSorted(a.deleted, pos)
		policies := a.base.at(pos).Policy.Data
		for j, p := range policies {
			if !namedEarlier(policies[:j], p.Id) {
				filter := a.base.filter(p.Id)
				rank := sort.Search(filter.len(), func(i int) bool { return filter.at(i) >= pos })
				a.deletedByAgent[p.Id] = insertSorted(a.deletedByAgent[p.Id], rank)
			}
		}
	}
	return nil
}

// insertSorted inserts n into the ascending s, in place: a streamed page
// holds a copy.
func insertSorted(s []int, n int) []int {
	i, _ := slices.BinarySearch(s, n)
	return slices.Insert(s, i, n)
}
