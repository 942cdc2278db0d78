package mock

import (
	"errors"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
)

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
