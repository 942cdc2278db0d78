package lettatokens

import "testing"

// TestKindOutOfRange: a Kind no constant names (one past the last, or
// negative, as a conversion from a stored int may give) is "unknown" and
// exit 2, never a panic; the first and the last named kinds keep their
// names.
func TestKindOutOfRange(t *testing.T) {
	for k, want := range map[Kind]string{
		KindNone: "none", KindInvalid: "invalid",
		KindInvalid + 1: "unknown", -1: "unknown",
	} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
	for _, k := range []Kind{KindInvalid + 1, -1} {
		if got := k.ExitStatus(); got != 2 {
			t.Errorf("Kind(%d).ExitStatus() = %d, want 2", int(k), got)
		}
	}
}
