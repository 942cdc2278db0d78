package findingkind

import "testing"

// TestOfElidesArrayIndices: findings that differ only in array indices are
// one kind, however many indices follow each other; any other difference
// makes another kind.
func TestOfElidesArrayIndices(t *testing.T) {
	base := Of("schema", "breaking", "/tokens/0/policy/data/3/id", "missing")
	for _, ptr := range []string{"/tokens/12/policy/data/0/id", "/tokens/7/policy/data/41/id"} {
		if got := Of("schema", "breaking", ptr, "missing"); got != base {
			t.Errorf("%s: another kind than /tokens/0/policy/data/3/id", ptr)
		}
	}
	if Of("schema", "breaking", "/a/0/1", "m") != Of("schema", "breaking", "/a/5/6", "m") {
		t.Error("adjacent indices (/0/1) are not both elided")
	}
	for name, other := range map[string]string{
		"check":    Of("json", "breaking", "/tokens/0/policy/data/3/id", "missing"),
		"severity": Of("schema", "additive", "/tokens/0/policy/data/3/id", "missing"),
		"field":    Of("schema", "breaking", "/tokens/0/policy/data/3/type", "missing"),
		"message":  Of("schema", "breaking", "/tokens/0/policy/data/3/id", "wrong type"),
		"name":     Of("schema", "breaking", "/tokens/0/policy/data3/id", "missing"),
	} {
		if other == base {
			t.Errorf("a finding with another %s is the same kind", name)
		}
	}
}
