package redact

import (
	"cmp"
	"fmt"
	"strings"
	"testing"
)

// A key given to WithKeys that is no Letta key, with characters encoders
// escape ('/', '+', '<', '&', '>'), is masked in each encoder's spelling
// and keeps its first 8 characters only.
func TestSecrets(t *testing.T) {
	const key = "my-custom-api-key-value/SECRET+0123<&>"
	m := NewMasker("").WithKeys(key)
	for _, text := range []string{
		"Authorization: Bearer " + key,
		`{"echo":"my-custom-api-key-value/SECRET+0123\u003c\u0026\u003e"}`,
		`{"echo":"my-custom-api-key-value\/SECRET+0123<&>"}`,
		"GET /x?key=my-custom-api-key-value%2FSECRET%2B0123%3C%26%3E",
		"GET /x/my-custom-api-key-value%2FSECRET+0123%3C&%3E",
	} {
		got := m.Mask(text)
		if strings.Contains(got, "SECRET") || m.Mask(got) != got || !m.Holds(text) {
			t.Errorf("Mask(%q) = %q: a secret survived, Mask is not idempotent, or Holds is false", text, got)
		}
	}
	if got := m.Mask("Bearer " + key); got != "Bearer my-custo…" {
		t.Errorf("a configured key keeps its prefix only, got %q", got)
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name, in string
		limit    int
		want     string
	}{
		{"plain", "agent-1", 0, "agent-1"},
		{"unicode kept", "héllo wörld ✓", 0, "héllo wörld ✓"},
		{"ESC and clear screen", "x\x1b[2Jy", 0, `x\x1b[2Jy`},
		{"window title", "\x1b]0;pwned\x07", 0, `\x1b]0;pwned\x07`},
		{"forged line", "a\nchecked x: 0 breaking", 0, `a\nchecked x: 0 breaking`},
		{"CR and tab", "a\rb\tc", 0, `a\rb\tc`},
		{"C1 control", "a\u009bb", 0, `a\x9bb`},
		{"bidi override", "a\u202eb", 0, `a\u202eb`},
		{"invalid UTF-8", "a\xffb", 0, `a\xffb`},
		{"capped", strings.Repeat("9", 1000), 10, "9999999…"},
		{"capped after escaping", strings.Repeat("\x1b", 100), 12, `\x1b\x1b…`},
		{"tiny cap", "abcdef", 2, "…"},
		// At the cap exactly: nothing is cut, plain or escaped.
		{"", "abcdef", 6, "abcdef"},
		{"", "abcdefg", 6, "abc…"},
		{"", "abc\x1bdef", 10, `abc\x1bdef`},
		{"", "abc\x1bdefg", 10, `abc\x1b…`},
		// The kept part fills what the mark leaves exactly.
		{"", "abc\x1bdefghij", 10, `abc\x1b…`},
		{"", "ab\x1bdefghij", 10, `ab\x1bd…`},
		// A cut is marked, even where it falls inside a character.
		{"", "abcdé", 4, "a…"},
		{"", "abcdé", 5, "ab…"},
		{"", "abcdé", 6, "abcdé"},
		{"", "\x80\x80\x80\x80", 2, "…"},
		{"", "\x80\x80\x80\x80", 8, `\x80…`},
		// '#' and ':' last, where escaping is needed anyway.
		{"", "\x1b#", 0, `\x1b#`},
		{"", "\x1b:", 0, `\x1b:`},
		{"", "\x1b#[", 0, `\x1b\x23[`},
		{"", "::\x1b", 0, `\x3a:\x1b`},
		{"", " \x1b::", 0, ` \x1b::`},
		{"", "\x1f \x20~\x7f\x80", 0, `\x1f  ~\x7f\x80`},
		{"", "a\x80b", 0, `a\x80b`},
		{"", "a\uffffb\ufffe\U000e0001", 0, `a\uffffb\ufffe\U000e0001`},
		{"", "a\u00adb", 0, `a\xadb`},
		{"", "a\x7fb", 0, `a\x7fb`},
		{"", "\x7f", 3, `…`},
	}
	for _, tt := range tests {
		t.Run(cmp.Or(tt.name, fmt.Sprintf("%q/%d", tt.in, tt.limit)), func(t *testing.T) {
			got := Line(tt.in, tt.limit)
			if got != tt.want {
				t.Errorf("Line(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
			if tt.limit > 0 && len(got) > max(tt.limit, len("…")) {
				t.Errorf("Line(%q, %d) is %d bytes", tt.in, tt.limit, len(got))
			}
		})
	}
}
