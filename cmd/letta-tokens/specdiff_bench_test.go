package main

import (
	"os"
	"testing"
)

// BenchmarkSpecDiffCompare is one comparison of openapi.yaml with Letta's
// extract, parsing included: the cost of a spec-diff run without the fetch.
func BenchmarkSpecDiffCompare(b *testing.B) {
	ours, err := os.ReadFile(repoSpec)
	if err != nil {
		b.Fatal(err)
	}
	upstream, err := os.ReadFile(upstreamExtract)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open("openapi.differences.yaml")
	if err != nil {
		b.Fatal(err)
	}
	decl, err := parseDeclarations(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := compareSpecs(b.Context(), ours, upstream, "upstream.json", decl); err != nil {
			b.Fatal(err)
		}
	}
}
