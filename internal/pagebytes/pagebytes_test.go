package pagebytes

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
)

// pageJSON is a page of n tokens whose hostnames are pad bytes long.
func pageJSON(n, pad int) []byte {
	var b strings.Builder
	b.WriteString(`{"hasNextPage":true,"tokens":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"token":"ck-let-%034d","hostname":"https://%s.example.com","expiresAt":"2030-01-01T00:00:00.000Z",`+
			`"policy":{"version":"1","data":[{"type":"agent","id":"agent-%d","access":["read_messages","write_messages"]}]}}`,
			i, strings.Repeat("a", pad), i%7)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// The estimate is within a factor of 1.5 of what the decoded page really
// keeps live on the heap, for small and for fat tokens.
func TestOfMatchesTheHeap(t *testing.T) {
	for _, pad := range []int{1, 2000} {
		body := pageJSON(5000, pad)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		page := new(gen.TokenPage)
		if err := json.Unmarshal(body, page); err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		est := Of(page)
		runtime.KeepAlive(page)
		runtime.KeepAlive(body)
		t.Logf("pad %d: estimate %d, heap %d, body %d", pad, est, live, len(body))
		if est < live*2/3 || est > live*3/2 {
			t.Errorf("pad %d: estimate %d bytes, heap %d bytes (body %d)", pad, est, live, len(body))
		}
	}
}

func TestOfNil(t *testing.T) {
	if n := Of(nil); n != 0 {
		t.Errorf("Of(nil) = %d", n)
	}
}
