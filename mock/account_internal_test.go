package mock

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestAccountBounds: past each bound the account refuses creates or
// deletes with ErrMockFull, and deleting a created token frees its place
// and its bytes. (The bounds are too large to reach through a server in a
// test.)
func TestAccountBounds(t *testing.T) {
	create := func(a *account) error {
		_, err := a.create(nil, "https://x", "2030-01-01T00:00:00.000Z")
		return err
	}
	tok, err := newAccount(seedList(0)).create(nil, "https://x", "2030-01-01T00:00:00.000Z")
	if err != nil {
		t.Fatal(err)
	}
	size, _ := json.Marshal(tok)
	for _, bound := range []string{"MaxCreatedTokens", "MaxCreatedBytes"} {
		a := newAccount(seedList(10))
		if bound == "MaxCreatedTokens" {
			a.maxCreated = 2
		} else {
			a.maxCreatedBytes = 2*len(size) + len(size)/2
		}
		if create(a) != nil || create(a) != nil {
			t.Fatalf("%s: two creates within the bound failed", bound)
		}
		if err := create(a); !errors.Is(err, ErrMockFull) {
			t.Errorf("create past %s: %v", bound, err)
		}
		if err := a.delete(a.created[0].token.Token); err != nil {
			t.Fatal(err)
		}
		if err := create(a); err != nil {
			t.Errorf("%s: create after a delete freed a place: %v", bound, err)
		}
	}
	a := newAccount(seedList(10))
	a.maxDeleted = 1
	if err := a.delete(seedTokenValue(1)); err != nil {
		t.Fatal(err)
	}
	if err := a.delete(seedTokenValue(2)); !errors.Is(err, ErrMockFull) {
		t.Errorf("delete past MaxDeletedTokens: %v", err)
	}
}
