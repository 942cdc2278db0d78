package redact

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// listJSON is what `letta-tokens list --all --json` prints for enough
// tokens to make about size bytes: masked values, no secret.
func listJSON(size int) string {
	type policy struct {
		Type   string   `json:"type"`
		ID     string   `json:"id"`
		Access []string `json:"access"`
	}
	var rows []map[string]any
	n := 0
	for i := 0; n < size; i++ {
		row := map[string]any{
			"token":     fmt.Sprintf("ck-let-m…%04x", i%0xffff),
			"hostname":  fmt.Sprintf("https://app-%06d.example.com", i),
			"expiresAt": "2030-01-01T00:00:00.000Z",
			"policy": map[string]any{"version": "1", "data": []policy{
				{"agent", fmt.Sprintf("agent-%08x-4c1d-9a7e-%012d", i, i), []string{"read_messages", "write_messages"}},
			}},
		}
		b, _ := json.Marshal(row)
		n += len(b) + 4
		rows = append(rows, row)
	}
	out, _ := json.MarshalIndent(rows, "", "  ")
	return string(out)
}

// BenchmarkMaskListJSON: Mask on 2.5 MB of list --json output with no
// secret in it, the API key in play.
func BenchmarkMaskListJSON(b *testing.B) {
	b.Run("masked-values", func(b *testing.B) { benchmarkMask(b, listJSON(5<<19)) })
	// Without even a masked token: no shape to look at.
	b.Run("no-shapes", func(b *testing.B) {
		benchmarkMask(b, strings.ReplaceAll(listJSON(5<<19), "ck-let-", "token-"))
	})
}

// withoutForms is NewMasker(key) as it was before it searched for the
// key's encoded forms.
func withoutForms(key string) *Masker {
	m := &Masker{keys: secretsOf([]string{key}, true)}
	m.index()
	return m
}

// BenchmarkNewMasker: building the run's masker, with the key's encoded
// forms and without.
func BenchmarkNewMasker(b *testing.B) {
	b.Run("with-forms", func(b *testing.B) {
		for b.Loop() {
			newMasker([]string{tKey}, nil)
		}
	})
	b.Run("raw-key-only", func(b *testing.B) {
		for b.Loop() {
			withoutForms(tKey)
		}
	})
}

// BenchmarkMaskEncodedForms: what searching for the key's encoded forms
// (issue 20) adds to Mask, on 2.5 MB of list --json output with masked
// values and no secret. Each op masks the text with and without the forms,
// in alternating order; x-wall is the median of the ops' time ratios,
// x-cpu the ratio of the sides' total CPU time: the machine is shared.
func BenchmarkMaskEncodedForms(b *testing.B) {
	text := listJSON(5 << 19)
	with, without := NewMasker(tKey), withoutForms(tKey)
	var ratios []float64
	var cpu [2]time.Duration
	side := func(i int, m *Masker) time.Duration {
		start, c := time.Now(), cpuTime()
		if m.Mask(text) != text {
			b.Fatal("changed")
		}
		cpu[i] += cpuTime() - c
		return time.Since(start)
	}
	b.SetBytes(int64(2 * len(text)))
	n := 0
	for b.Loop() {
		var w, wo time.Duration
		if n%2 == 0 {
			w, wo = side(0, with), side(1, without)
		} else {
			wo, w = side(1, without), side(0, with)
		}
		n++
		ratios = append(ratios, float64(w)/float64(wo))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "x-wall")
	b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "x-cpu")
}

// reportCPU adds the process's CPU time per operation to b's results:
// the machines these run on are shared, and the wall clock moves with
// the neighbours' load.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}

func benchmarkMask(b *testing.B, text string) {
	m := NewMasker(tKey)
	b.SetBytes(int64(len(text)))
	defer reportCPU(b)()
	for b.Loop() {
		if m.Mask(text) != text {
			b.Fatal("changed")
		}
	}
}
