package mock

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
)

// model is the plain-slice reference the overlay must equal: the account
// as a list, creates appended, deletes removed.
type model []gen.Token

func (m model) page(agentID string, offset, limit int) gen.TokenPage {
	return scanPage(m, agentID, offset, limit)
}

// applyOps runs ops against a fresh account over base and against the
// model, then compares every page shape that matters. Each op byte picks
// create (for one of a few agents) or delete (of a live token, a gone one,
// or an unknown value).
func applyOps(t *testing.T, base tokenList, baseTokens []gen.Token, ops []byte) {
	t.Helper()
	a := newAccount(base)
	m := model(slices.Clone(baseTokens))
	var gone []string
	agents := []string{SeedAgentID(0), SeedAgentID(3), "agent-created-only"}
	for i, op := range ops {
		switch {
		case op%3 != 0: // create
			agent := agents[int(op/3)%len(agents)]
			policy := []gen.AgentPolicy{{Type: gen.AgentPolicyTypeAgent, Id: agent, Access: []gen.AgentAccess{gen.AgentAccessReadAgent}}}
			if op%5 == 0 {
				policy = append(policy, policy[0], gen.AgentPolicy{Type: gen.AgentPolicyTypeAgent, Id: SeedAgentID(1), Access: []gen.AgentAccess{}})
			}
			tok, err := a.create(policy, "https://x.example.com", "2030-01-01T00:00:00.000Z")
			if err != nil {
				t.Fatalf("op %d: create: %v", i, err)
			}
			m = append(m, tok)
		case len(m) > 0 && op%2 == 0: // delete a live token
			k := int(op/6) % len(m)
			if err := a.delete(m[k].Token); err != nil {
				t.Fatalf("op %d: delete live token %d: %v", i, k, err)
			}
			gone = append(gone, m[k].Token)
			m = slices.Delete(m, k, k+1)
		default: // delete a gone or unknown value
			value := fmt.Sprintf("ck-let-mock-%06d-unknown", op)
			if len(gone) > 0 {
				value = gone[int(op)%len(gone)]
			}
			if err := a.delete(value); err != ErrTokenNotFound {
				t.Fatalf("op %d: delete of a gone value: %v, want ErrTokenNotFound", i, err)
			}
		}
	}
	snap := a.snapshot()
	n := len(m)
	for _, agentID := range append([]string{"", SeedAgentID(2), "agent-nobody"}, agents...) {
		for _, offset := range []int{0, 1, 2, n / 3, n / 2, n - 2, n - 1, n, n + 1} {
			for _, limit := range []int{0, 1, 2, 7, n, 1<<63 - 1} {
				offset := max(offset, 0)
				c := cutPage(snap, agentID, offset, limit)
				got := gen.TokenPage{Tokens: c.tokens(), HasNextPage: c.hasNext}
				if want := m.page(agentID, offset, limit); !reflect.DeepEqual(got, want) {
					t.Fatalf("after %d ops, agent %q offset %d limit %d: got %d tokens %v next %v, want %d %v next %v",
						len(ops), agentID, offset, limit, len(got.Tokens), values(got.Tokens), got.HasNextPage,
						len(want.Tokens), values(want.Tokens), want.HasNextPage)
				}
			}
		}
	}
}

// TestOverlayMatchesModel: over a seeded and a loaded base, random creates
// and deletes leave pages, hasNextPage and the agent filter exactly as a
// plain slice would have them.
func TestOverlayMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, n := range []int{0, 1, 15, 46, 300} {
		for round := range 6 {
			ops := make([]byte, rng.IntN(120))
			for i := range ops {
				ops[i] = byte(rng.IntN(256))
			}
			t.Run(fmt.Sprintf("n=%d/round=%d", n, round), func(t *testing.T) {
				applyOps(t, seedList(n), fuzzSeed()[:n], ops)
				applyOps(t, newSliceList(fuzzSeed()[:n]), fuzzSeed()[:n], ops)
			})
		}
	}
}

// FuzzOverlay: for any account size and sequence of creates and deletes,
// the account serves what the plain slice model does.
func FuzzOverlay(f *testing.F) {
	f.Add(uint16(25), []byte{1, 2, 0, 6, 12, 3, 4})
	f.Add(uint16(0), []byte{1, 0, 0, 2, 3})
	f.Add(uint16(46), []byte{0, 6, 12, 18, 24, 30, 36, 42, 48, 54, 60, 1, 2})
	f.Add(uint16(300), []byte{5, 10, 20, 40, 80, 160, 3, 9, 27})
	f.Fuzz(func(t *testing.T, n uint16, ops []byte) {
		n %= 400
		if len(ops) > 200 {
			ops = ops[:200]
		}
		applyOps(t, seedList(int(n)), fuzzSeed()[:n], ops)
	})
}

// TestAccountBounds: past its bounds the account refuses creates and
// deletes with ErrMockFull, and a delete of a created token frees a place.
func TestAccountBounds(t *testing.T) {
	a := newAccount(seedList(10))
	a.maxCreated, a.maxDeleted = 2, 1
	policy := []gen.AgentPolicy{}
	var made []gen.Token
	for range 2 {
		tok, err := a.create(policy, "https://x", "2030-01-01T00:00:00.000Z")
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, tok)
	}
	if _, err := a.create(policy, "https://x", "2030-01-01T00:00:00.000Z"); !errors.Is(err, ErrMockFull) {
		t.Errorf("create past MaxCreatedTokens: %v", err)
	}
	if err := a.delete(made[0].Token); err != nil {
		t.Fatal(err)
	}
	if _, err := a.create(policy, "https://x", "2030-01-01T00:00:00.000Z"); err != nil {
		t.Errorf("create after a delete freed a place: %v", err)
	}
	if err := a.delete(seedTokenValue(1)); err != nil {
		t.Fatal(err)
	}
	if err := a.delete(seedTokenValue(2)); !errors.Is(err, ErrMockFull) {
		t.Errorf("delete past MaxDeletedTokens: %v", err)
	}

	b := newAccount(seedList(0))
	b.maxCreatedBytes = 400
	if _, err := b.create(policy, "https://x", "2030-01-01T00:00:00.000Z"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.create(policy, "https://"+string(make([]byte, 300)), "2030-01-01T00:00:00.000Z"); !errors.Is(err, ErrMockFull) {
		t.Errorf("create past MaxCreatedBytes: %v", err)
	}
}

// TestSeedLookup: a seeded value is found by the index it spells, and
// nothing else is.
func TestSeedLookup(t *testing.T) {
	l := seedList(2_000_000)
	for _, i := range []int{0, 7, 999_999, 1_999_999} {
		if got := l.lookup(seedTokenValue(i)); !slices.Equal(got, []int{i}) {
			t.Errorf("lookup(seed %d) = %v", i, got)
		}
	}
	for _, v := range []string{seedTokenValue(2_000_000), "ck-let-mock-000007-", "ck-let-mock--1-x", "ck-let-mock-00000000000000000007-" + seedTokenValue(7)[19:], "x", ""} {
		if got := l.lookup(v); len(got) != 0 {
			t.Errorf("lookup(%q) = %v, want none", v, got)
		}
	}
}

// TestSnapshotIsStable: a snapshot taken before changes serves the account
// as it was, so a page being streamed is never torn.
func TestSnapshotIsStable(t *testing.T) {
	a := newAccount(seedList(20))
	before := a.snapshot()
	want := cutPage(before, "", 0, 100).tokens()
	for range 5 {
		if _, err := a.create(nil, "https://x", "2030-01-01T00:00:00.000Z"); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.delete(seedTokenValue(3)); err != nil {
		t.Fatal(err)
	}
	if got := cutPage(before, "", 0, 100).tokens(); !reflect.DeepEqual(got, want) {
		t.Error("an old snapshot changed with the account")
	}
	if got := cutPage(a.snapshot(), "", 0, 100); got.len() != 24 {
		t.Errorf("the account now holds %d tokens, want 24", got.len())
	}
}
