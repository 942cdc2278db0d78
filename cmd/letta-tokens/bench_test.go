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
