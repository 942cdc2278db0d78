package mock_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestFatTokensMakeCappedPages: tokens of about 900 KB each (a create's
// body may be 1 MiB) are not all put in one page of limit=1000: the page
// ends early, under 3 MiB, with hasNextPage true, and the validator
// accepts it. A walk that follows the pages by the tokens they hold gets
// every token once, in order.
func TestFatTokensMakeCappedPages(t *testing.T) {
	const fat = 6
	v, err := contract.NewValidator(contract.WithSecrets(testKey))
	if err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, mock.Options{APIKey: testKey})
	var want []string
	for i := range fat {
		host := fmt.Sprintf("https://%d%s.example.com", i, strings.Repeat("a", 900_000))
		e := send(t, ts, http.MethodPost, listPath, createBody(mock.SeedAgentID(0), host, ""))
		if e.status != http.StatusCreated {
			t.Fatalf("create %d: status %d, %.200s", i, e.status, e.body)
		}
		want = append(want, host)
	}

	var got []string
	for offset, pages := 0, 0; ; pages++ {
		if pages > fat {
			t.Fatalf("still walking after %d pages", pages)
		}
		e := get(t, ts, url.Values{"limit": {"1000"}, "offset": {fmt.Sprint(offset)}}.Encode())
		if fs := v.ValidateResponse(e.req, e.status, e.header, e.body); len(fs) != 0 {
			t.Errorf("offset %d: findings %v", offset, fs)
		}
		if len(e.body) > 3<<20 {
			t.Errorf("offset %d: a page of %d bytes", offset, len(e.body))
		}
		p := e.page(t)
		if len(p.Tokens) == 0 || offset == 0 && len(p.Tokens) == fat {
			t.Fatalf("offset %d: %d tokens in a page of limit=1000, want at least 1 and (at offset 0) fewer than %d", offset, len(p.Tokens), fat)
		}
		for _, tok := range p.Tokens {
			got = append(got, tok.Hostname)
		}
		offset += len(p.Tokens)
		if !p.HasNextPage {
			break
		}
	}
	if len(got) != fat {
		t.Fatalf("walked %d tokens, want %d", len(got), fat)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("token %d: hostname %.20q…, want %.20q…", i, got[i], want[i])
		}
	}
}
