package lettatokens

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/redact"
)

// FuzzPageWalk walks two pages served in turn (so that a server repeating
// itself, alternating, or overlapping is covered) through a real Client,
// decodePage and the walk's guards, and checks what must hold whatever the
// server sends: no panic; no token yielded twice; at most maxTokens
// yielded; at most three pages (a fourth would repeat the first) and so
// at most three times Concurrency requests (each page may have had
// Concurrency-1 requests ahead of it discarded, and as many are wasted
// past the end); and every error one of the package's types, on one line,
// without a control character, the API key or an unmasked token. The
// concurrency is 1 + conc%8: with several requests in flight, which body
// answers which offset depends on the order they arrive in.
func FuzzPageWalk(f *testing.F) {
	page := func(hasNext bool, toks ...string) []byte {
		var b strings.Builder
		b.WriteString(`{"tokens":[`)
		for i, tok := range toks {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"token":` + strconv.Quote(tok) + `,"hostname":"h","expiresAt":"2030-01-02T03:04:05Z","policy":{"version":"1","data":[]}}`)
		}
		b.WriteString(`],"hasNextPage":` + strconv.FormatBool(hasNext) + `}`)
		return []byte(b.String())
	}
	tokA, tokB, tokC := "ck-let-AAAAAAAAAAAAAAAAAAAAAAAA", "ck-let-BBBBBBBBBBBBBBBBBBBBBBBB", "ck-let-CCCCCCCCCCCCCCCCCCCCCCCC"
	seeds := []struct {
		a, b      []byte
		maxTokens uint16
		declared  bool
		conc      uint8
	}{
		{page(true, tokA), page(false, tokB), 0, true, 0},                 // honest
		{page(true, tokA), page(true, tokB), 0, false, 0},                 // A, B, A, B, ...
		{page(true, tokA, tokB, tokA), page(false), 0, true, 0},           // repeat within a page
		{page(true, tokA, tokB), page(true, tokB, tokC), 0, true, 0},      // overlap
		{page(true), page(false), 0, true, 0},                             // empty page with more to come
		{page(true, tokA, tokB), page(true, tokC), 2, false, 0},           // bound reached
		{page(false, tokA, tokB, tokC), page(false), 1, true, 0},          // bound inside the last page
		{page(true, testAPIKey, "x"), page(false, "\x1b[2J"), 0, true, 0}, // the key as a token value
		{[]byte(`{"message":"` + testAPIKey + ` ` + tokA + `","tokens":3}`), nil, 0, true, 0},
		{[]byte(`{"tokens":null,"hasNextPage":true}`), nil, 0, false, 0},
		{[]byte(`{"tokens":[{"token":"` + tokA + `"}],"hasNextPage":1}`), nil, 0, true, 0},
		{[]byte(`{"tokens":[{"token":"` + tokA), nil, 0, false, 0}, // truncated
		{[]byte("\x1b]0;owned\x07\n" + tokA), nil, 0, true, 0},
		// At concurrency 4 and 8: bodies answer offsets in arrival order.
		{page(true, tokA), page(false, tokB), 0, true, 3},
		{page(true, tokA), page(true, tokB), 0, false, 7},
		{page(true, tokA, tokB), page(true, tokB, tokC), 2, true, 3},
	}
	for _, s := range seeds {
		f.Add(s.a, s.b, s.maxTokens, s.declared, s.conc)
	}
	f.Fuzz(func(t *testing.T, a, b []byte, maxTokens uint16, declared bool, conc uint8) {
		concurrency := 1 + int(conc%8)
		// The bodies in turn (A, B, A, B, ...), as 200 JSON, the length
		// declared or not, with no network.
		var requests atomic.Int64
		c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
			body := [2][]byte{a, b}[(requests.Add(1)-1)%2]
			resp := fakeAnswer(req, http.StatusOK, "application/json", body)
			resp.ContentLength = -1
			if declared {
				resp.ContentLength = int64(len(body))
			}
			return resp, nil
		}), WithMaxRetries(0))
		bound := int(maxTokens)
		if bound == 0 {
			bound = DefaultMaxTokens
		}
		seen := map[string]bool{}
		var walkErr error
		for tok, err := range c.Tokens(context.Background(), ListOptions{Limit: 7, MaxTokens: int(maxTokens), Concurrency: concurrency}) {
			if err != nil {
				walkErr = err
				break
			}
			if seen[tok.Token] {
				t.Fatalf("token %q yielded twice", redact.Token(tok.Token))
			}
			seen[tok.Token] = true
		}
		if len(seen) > bound {
			t.Errorf("yielded %d tokens, bound %d", len(seen), bound)
		}
		if n := requests.Load(); n > 3*int64(concurrency) {
			t.Errorf("walk made %d requests at concurrency %d, want at most %d", n, concurrency, 3*concurrency)
		}
		if walkErr != nil {
			checkWalkError(t, walkErr)
		}
	})
}

// testKeyMasker masks testAPIKey, built once for every fuzz input.
var testKeyMasker = redact.NewMasker(testAPIKey)

// checkWalkError fails t unless err is one of the errors a walk may end
// with, safe to print.
func checkWalkError(t *testing.T, err error) {
	t.Helper()
	texts := []string{err.Error()}
	var apiErr *Error
	var pe *PaginationError
	var le *LimitError
	switch {
	case errors.As(err, &apiErr):
		texts = append(texts, apiErr.Message, apiErr.Body, apiErr.RequestID)
	case errors.As(err, &pe), errors.As(err, &le):
	default:
		t.Errorf("walk ended with %T %v, want *Error, *PaginationError or *LimitError", err, err)
	}
	for _, s := range texts {
		if hasControl(s) || redact.Line(s, 0) != s {
			t.Errorf("error text %q is not one printable line", s)
		}
		if testKeyMasker.Holds(s) {
			t.Errorf("error text %q holds the API key or an unmasked token", s)
		}
	}
}
