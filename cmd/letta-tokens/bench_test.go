package main

import (
	"io"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// BenchmarkSinks measures writing one page of 100 tokens, the work list
// does per page of a walk: masking every field, escaping and capping the
// table's cells.
func BenchmarkSinks(b *testing.B) {
	page := mock.SeedTokens(100)
	mask := newMasker(testKey, false)
	for _, tt := range []struct {
		name string
		sink func() tokenSink
	}{
		{"table", func() tokenSink { return newTableSink(io.Discard, mask) }},
		{"json", func() tokenSink { return newJSONSink(io.Discard, mask) }},
	} {
		b.Run(tt.name, func(b *testing.B) {
			sink := tt.sink()
			b.ReportAllocs()
			for b.Loop() {
				if err := sink.page(page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMaskerTokenAllocs bounds what masking one ordinary row allocates:
// list --all masks every token it prints, so an allocation here is 10,000
// in a walk of 10,000 tokens (see BenchmarkListAllJSON, where masking is
// most of what the command costs over a hand-rolled loop). Row by row, for
// every length of hostname up to 300 bytes: the one scan of a row is sized
// before it is built, so that no length of its fields costs one more
// allocation (an average over rows hid a size short by a few bytes).
func TestMaskerTokenAllocs(t *testing.T) {
	rows := mock.SeedTokens(100)
	rows[0].Policy.Data = append(rows[0].Policy.Data, gen.AgentPolicy{Type: "agent", Id: "agent-2", Access: []gen.AgentAccess{"read_messages", "write_messages"}})
	mask := newMasker(testKey, false)
	const most = 4
	for n := range 300 {
		row := rows[n%len(rows)]
		row.Hostname = "https://" + strings.Repeat("h", n)
		if got := testing.AllocsPerRun(20, func() { mask.token(row) }); got > most {
			t.Fatalf("a hostname of %d bytes: masker.token allocates %.1f times a row, want at most %d", len(row.Hostname), got, most)
		}
	}
}
