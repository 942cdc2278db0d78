package proxy

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
)

// pageOf is a list body of n tokens named from start.
func pageOf(start, n int) []byte {
	var b strings.Builder
	b.WriteString(`{"tokens":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"token":"t-%d"}`, start+i)
	}
	b.WriteString(`],"hasNextPage":true}`)
	return []byte(b.String())
}

// TestWalksStayBounded: however many clients walk, and however far, the
// proxy keeps at most maxWalks walks and maxTrackedTokens fingerprints,
// dropping the least recently used walks first, a walk that alone
// reaches the bound is still checked on what it holds, and the last
// maxRemembered deleted tokens are remembered.
func TestWalksStayBounded(t *testing.T) {
	w := newWalks()
	q := url.Values{"limit": {"10"}, "offset": {"0"}}
	for i := range 3 * maxWalks {
		w.page(fingerprint.Of(fmt.Sprint("key-", i)), q, 10, 0, pageOf(0, 10))
	}
	if len(w.m) > maxWalks || w.total != len(w.m)*11 {
		t.Errorf("%d walks holding %d tokens and pages; want at most %d walks, 10 tokens and a page each", len(w.m), w.total, maxWalks)
	}
	// The least recently used walks were dropped: the last but one holds.
	if fs, _ := w.page(fingerprint.Of(fmt.Sprint("key-", 3*maxWalks-2)), url.Values{"limit": {"10"}, "offset": {"10"}}, 10, 0, pageOf(5, 1)); len(fs) != 1 {
		t.Errorf("findings %v, want the repeat in the walk used last but one", fs)
	}
	key := fingerprint.Of("big")
	const page = 50_000
	end := maxTrackedTokens + 2*page
	for off := 0; off < end; off += page {
		w.page(key, url.Values{"limit": {"50000"}, "offset": {fmt.Sprint(off)}}, page, 0, pageOf(off, page))
		if w.total > maxTrackedTokens {
			t.Fatalf("%d tokens tracked at offset %d, more than %d", w.total, off, maxTrackedTokens)
		}
	}
	if len(w.m) != 1 || w.total != maxTrackedTokens {
		t.Errorf("%d walks holding %d: want the big walk alone at the bound, the others dropped to make room", len(w.m), w.total)
	}
	// A repeat of a token the walk still holds is found.
	fs, _ := w.page(key, url.Values{"limit": {"50000"}, "offset": {fmt.Sprint(end)}}, page, 0, pageOf(5, 1))
	if len(fs) != 1 || fs[0].Check != contract.CheckPagination {
		t.Errorf("findings %v, want the repeat of token 5", fs)
	}
	// The last maxRemembered deletes are remembered, and no more.
	w = newWalks()
	for i := range maxRemembered + 1 {
		w.deletedToken(key, 0, fmt.Sprint("t-", i))
	}
	if fs, _ := w.page(key, q, 10, 0, pageOf(0, 2)); len(fs) != 1 || fs[0].Pointer != "/tokens/1" {
		t.Errorf("findings %v, want token 1 listed after its delete, token 0 forgotten", fs)
	}
}

// TestKeysPastTheBoundWithholdText: past maxKeys distinct keys, a key
// could go unmasked, so findings keep their check and lose their text.
func TestKeysPastTheBoundWithholdText(t *testing.T) {
	k := newKeySet(false)
	f := contract.Findings{{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/x", Message: "key-0001-abcdefgh echoed"}}
	k.add("key-0001-abcdefgh")
	if got := k.seen().mask(f); strings.Contains(got[0].Message, "key-0001-abcdefgh") || got[0].Message == withheld {
		t.Errorf("masked message %q: want the key masked, the rest kept", got[0].Message)
	}
	for i := range maxKeys {
		k.add(fmt.Sprintf("key-%04d-abcdefgh", i+2))
	}
	if got := k.seen().mask(f); got[0].Message != withheld || got[0].Pointer != "" || got[0].Check != contract.CheckSchema {
		t.Errorf("past %d keys: %+v, want the text withheld", maxKeys, got[0])
	}
}

// TestPagesDuringAChangeBelongToNoWalk: pages answered while a create is
// under way may or may not show it: the shift between them is no repeat.
func TestPagesDuringAChangeBelongToNoWalk(t *testing.T) {
	w := newWalks()
	w.begin(opCreate)
	key, q := fingerprint.Of("k"), url.Values{"limit": {"10"}}
	w.page(key, q, 10, w.begin(opList), pageOf(0, 10))
	q.Set("offset", "10")
	if fs, _ := w.page(key, q, 10, w.begin(opList), pageOf(9, 10)); len(fs) != 0 {
		t.Errorf("findings %v, want none: the create under way shifted the second page", fs)
	}
}
