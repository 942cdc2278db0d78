package mock

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
)

// TestWholePageByteCap: a page rendered whole holds the tokens that fit in
// its byte bound (at least one), says hasNextPage true when it stopped
// early, and is byte for byte json.Marshal of the page it holds, with a
// matching Content-Length.
func TestWholePageByteCap(t *testing.T) {
	const n = 100
	// The bytes of the first ten tokens, joined by commas, as a page
	// holds them.
	ten := 9
	for k := range 10 {
		tok, err := json.Marshal(seedToken(k))
		if err != nil {
			t.Fatal(err)
		}
		ten += len(tok)
	}
	for _, tt := range []struct {
		name      string
		limit     int
		maxBytes  int
		wantCount int
		wantNext  bool
	}{
		{"uncapped", n, 1 << 20, n, false},
		{"uncapped, more follow", 40, 1 << 20, 40, true},
		{"capped", n, ten, 10, true},
		{"capped one byte short", n, ten - 1, 9, true},
		{"a token larger than the bound", n, 1, 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			writeWholePage(rec, newAccount(seedList(n)).page("", 0, tt.limit), tt.maxBytes)
			want, err := json.Marshal(gen.TokenPage{Tokens: SeedTokens(n)[:tt.wantCount], HasNextPage: tt.wantNext})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("body\n%.300s\nwant\n%.300s", rec.Body, want)
			}
			if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(want)) {
				t.Errorf("Content-Length %s, body of %d bytes", cl, len(want))
			}
		})
	}
}
