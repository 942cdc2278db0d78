package main

import (
	"io"
	"testing"

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
// most of what the command costs over a hand-rolled loop).
func TestMaskerTokenAllocs(t *testing.T) {
	rows := mock.SeedTokens(100)
	mask := newMasker(testKey, false)
	i := 0
	got := testing.AllocsPerRun(200, func() {
		mask.token(rows[i%len(rows)])
		i++
	})
	const most = 4
	if got > most {
		t.Errorf("masker.token allocates %.1f times a row, want at most %d", got, most)
	}
	t.Logf("masker.token: %.1f allocations a row", got)
}
