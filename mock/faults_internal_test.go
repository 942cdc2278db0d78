package mock

import (
	"maps"
	"testing"
)

// FuzzParseFaults: any spec is read without a panic, and one it accepts is
// valid Options.Faults whose String reads back as the same rates.
func FuzzParseFaults(f *testing.F) {
	for _, s := range []string{"429=0.1,503=0.05,500=0.01,reset=0.01,slow=0.02", "502=1", "429=.5,503=0.5", "", "429=", "429=0.6,503=0.5", "418=0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		faults, err := ParseFaults(spec)
		if err != nil {
			return
		}
		if _, err := newFaultInjector(faults, 1); err != nil {
			t.Errorf("%q parsed, but New refuses it: %v", spec, err)
		}
		again, err := ParseFaults(faults.String())
		if err != nil || !maps.Equal(again, faults) {
			t.Errorf("%q parsed as %v, whose String %q reads as %v (%v)", spec, faults, faults.String(), again, err)
		}
	})
}

// TestUnitFloatIsStable pins the draw: faults must be the same for a seed
// on every platform and Go version (the README quotes a run's faults), so
// a change of the hash must be deliberate.
func TestUnitFloatIsStable(t *testing.T) {
	for _, tt := range []struct {
		seed, n uint64
		want    float64
	}{
		{1, 0, 0.5665615751722809},
		{1, 1, 0.7457817572627011},
		{42, 1000, 0.3336007540528445},
		{0, 0, 0.8833108082136426},
		{1<<64 - 1, 123456789, 0.800331826162428},
	} {
		if got := unitFloat(tt.seed, tt.n); got != tt.want {
			t.Errorf("unitFloat(%d, %d) = %v", tt.seed, tt.n, got)
		}
	}
}
