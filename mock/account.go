package mock

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

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

// account is the mock's tokens: a fixed base list (seeded or loaded) and
// the overlay of creates and deletes on it. Reads load the current
// overlay and need no lock; changes are serialised by mu and publish a new
// overlay.
type account struct {
	base tokenList
	cur  atomic.Pointer[overlay]

	mu      sync.Mutex // held by changes only
	nextSeq uint64
	// createdSeq maps the value of each live created token to its seq.
	createdSeq map[string]uint64

	// Bounds, the package's constants outside tests.
	maxCreated, maxCreatedBytes, maxDeleted int
}

func newAccount(base tokenList) *account {
	a := &account{
		base:            base,
		createdSeq:      make(map[string]uint64),
		maxCreated:      MaxCreatedTokens,
		maxCreatedBytes: MaxCreatedBytes,
		maxDeleted:      MaxDeletedTokens,
	}
	a.cur.Store(&overlay{})
	return a
}

// snapshot is the account now, for one request.
func (a *account) snapshot() snapshot {
	return snapshot{base: a.base, ov: a.cur.Load()}
}

// create adds a token with a fresh random value, policy and hostname as
// given, and returns it.
func (a *account) create(policy []gen.AgentPolicy, hostname, expiresAt string) (gen.Token, error) {
	tok := cloneToken(gen.Token{
		Hostname:  hostname,
		ExpiresAt: expiresAt,
		Policy:    gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: policy},
	})
	a.mu.Lock()
	defer a.mu.Unlock()
	cur := a.cur.Load()
	if len(cur.created) >= a.maxCreated {
		return gen.Token{}, fmt.Errorf("%w: it holds %d created tokens, its most (delete some first)", ErrMockFull, len(cur.created))
	}
	value, err := a.freshValue()
	if err != nil {
		return gen.Token{}, err
	}
	tok.Token = value
	body, err := json.Marshal(tok)
	if err != nil {
		return gen.Token{}, err
	}
	if cur.createdBytes+len(body) > a.maxCreatedBytes {
		return gen.Token{}, fmt.Errorf("%w: its created tokens would take more than %d bytes (delete some first)", ErrMockFull, a.maxCreatedBytes)
	}
	a.nextSeq++
	a.createdSeq[value] = a.nextSeq
	a.cur.Store(cur.withCreated(&createdToken{token: tok, seq: a.nextSeq, size: len(body)}))
	return tok, nil
}

// freshValue is a random token value, shaped like Cloud's (ck-let-…) and
// held by no token of the account. Called with mu held.
func (a *account) freshValue() (string, error) {
	for range 8 { // a repeat among 2^192 values means a broken reader
		var b [createdValueBytes]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("token value: %w", err)
		}
		value := "ck-let-" + hex.EncodeToString(b[:])
		if _, taken := a.createdSeq[value]; !taken && len(a.base.lookup(value)) == 0 {
			return value, nil
		}
	}
	return "", errors.New("token value: no fresh random value")
}

// delete removes every live token whose value is value: a created one, or
// seeded or loaded ones (a loaded file may repeat a value).
func (a *account) delete(value string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	cur := a.cur.Load()
	if seq, ok := a.createdSeq[value]; ok {
		i := sort.Search(len(cur.created), func(i int) bool { return cur.created[i].seq >= seq })
		delete(a.createdSeq, value)
		a.cur.Store(cur.withoutCreated(i))
		return nil
	}
	var live []int
	for _, pos := range a.base.lookup(value) {
		if !cur.isDeletedBase(pos) {
			live = append(live, pos)
		}
	}
	if len(live) == 0 {
		return ErrTokenNotFound
	}
	if cur.deletedBase()+len(live) > a.maxDeleted {
		return fmt.Errorf("%w: it has deleted %d seeded or loaded tokens, its most", ErrMockFull, cur.deletedBase())
	}
	next := cur
	for _, pos := range live {
		next = next.withDeletedBase(a.base, pos)
	}
	a.cur.Store(next)
	return nil
}
