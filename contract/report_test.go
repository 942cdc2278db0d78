package contract_test

import (
	"fmt"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
)

// TestDedupeElidesArrayIndices: findings that differ only in array
// indices are one kind, however many indices follow each other; any other
// difference makes another kind.
func TestDedupeElidesArrayIndices(t *testing.T) {
	f := func(check contract.Check, sev contract.Severity, ptr, msg string) contract.Finding {
		return contract.Finding{Check: check, Severity: sev, Pointer: ptr, Message: msg}
	}
	base := f(contract.CheckSchema, contract.Breaking, "/tokens/0/policy/data/3/id", "missing")
	for _, same := range []contract.Finding{
		f(contract.CheckSchema, contract.Breaking, "/tokens/12/policy/data/0/id", "missing"),
		f(contract.CheckSchema, contract.Breaking, "/tokens/7/policy/data/41/id", "missing"),
	} {
		if n := len(contract.Findings{base, same}.Dedupe()); n != 1 {
			t.Errorf("%s: another kind than %s", same.Pointer, base.Pointer)
		}
	}
	if n := len(contract.Findings{f("schema", "breaking", "/a/0/1", "m"), f("schema", "breaking", "/a/5/6", "m")}.Dedupe()); n != 1 {
		t.Error("adjacent indices (/0/1) are not both elided")
	}
	for name, other := range map[string]contract.Finding{
		"check":    f(contract.CheckJSON, contract.Breaking, "/tokens/0/policy/data/3/id", "missing"),
		"severity": f(contract.CheckSchema, contract.Additive, "/tokens/0/policy/data/3/id", "missing"),
		"field":    f(contract.CheckSchema, contract.Breaking, "/tokens/0/policy/data/3/type", "missing"),
		"message":  f(contract.CheckSchema, contract.Breaking, "/tokens/0/policy/data/3/id", "wrong type"),
		"name":     f(contract.CheckSchema, contract.Breaking, "/tokens/0/policy/data3/id", "missing"),
	} {
		if n := len(contract.Findings{base, other}.Dedupe()); n != 2 {
			t.Errorf("a finding with another %s is the same kind", name)
		}
	}
}

// TestCollectorKeepsOneOfEachKindWithinTheCap: a Collector returns and
// keeps the first finding of each kind, at most MaxKeptPerSeverity kinds
// of each severity, counts every breaking finding (repeats included) and
// every kind it dropped.
func TestCollectorKeepsOneOfEachKindWithinTheCap(t *testing.T) {
	var c contract.Collector
	first := contract.Finding{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/tokens/0/id", Message: "missing"}
	if kept := c.Add(contract.Findings{first, first}); len(kept) != 1 || kept[0] != first {
		t.Fatalf("Add of a kind twice returned %v, want it once", kept)
	}
	if kept := c.Add(contract.Findings{{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/tokens/9/id", Message: "missing"}}); len(kept) != 0 {
		t.Errorf("a finding of a kind already kept was returned as new: %v", kept)
	}
	for i := range contract.MaxKeptPerSeverity + 5 {
		c.Add(contract.Findings{
			{Check: contract.CheckUnknownField, Severity: contract.Additive, Pointer: fmt.Sprintf("/field%d", i), Message: "unknown"},
			{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: fmt.Sprintf("/field%d", i), Message: "wrong"},
		})
	}
	fs := c.Findings()
	if got := len(fs.Breaking()); got != contract.MaxKeptPerSeverity {
		t.Errorf("%d breaking kinds kept, want the cap %d", got, contract.MaxKeptPerSeverity)
	}
	if got := len(fs.Additive()); got != contract.MaxKeptPerSeverity {
		t.Errorf("%d additive kinds kept, want the cap %d", got, contract.MaxKeptPerSeverity)
	}
	if fs[0] != first {
		t.Errorf("first kept %v, want the first added", fs[0])
	}
	if got, want := c.Dropped(), 6+5; got != want {
		t.Errorf("Dropped() = %d, want %d", got, want)
	}
	if got, want := c.Breaking(), 3+contract.MaxKeptPerSeverity+5; got != want {
		t.Errorf("Breaking() = %d, want %d (repeats included)", got, want)
	}
}

// TestReportPassed: a report passes with no breaking finding, and never
// when the run did not finish.
func TestReportPassed(t *testing.T) {
	additive := contract.Findings{{Check: contract.CheckUnknownField, Severity: contract.Additive}}
	for _, tt := range []struct {
		r    contract.Report
		want bool
	}{
		{contract.Report{Findings: additive}, true},
		{contract.Report{Findings: append(additive, contract.Finding{Check: contract.CheckSchema, Severity: contract.Breaking})}, false},
		{contract.Report{Findings: additive, Unfinished: "interrupted"}, false},
	} {
		if got := tt.r.Passed(); got != tt.want {
			t.Errorf("Passed() of %+v = %v, want %v", tt.r, got, tt.want)
		}
	}
}
