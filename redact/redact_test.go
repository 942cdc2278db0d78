package redact

import (
	"cmp"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"short", "…"},
		{"ck-let-0123456789abcdef", "ck-let-0…"},
		{"ck-let-mock-000042-0123456789abcdef", "ck-let-m…cdef"},
		{"ck-let-ééééééééééééééééé", "ck-let-…éé"}, // never splits a UTF-8 sequence
	}
	for _, tt := range tests {
		if got := Token(tt.in); got != tt.want {
			t.Errorf("Token(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.ValidString(Token(tt.in)) {
			t.Errorf("Token(%q) is not valid UTF-8", tt.in)
		}
	}
}

// keyMasker masks each of keys as the API key.
func keyMasker(keys ...string) *Masker { return NewMasker("").WithKeys(keys...) }

func TestSecrets(t *testing.T) {
	const token = "ck-let-SECRETabcdef0123456789"
	const key = "my-custom-api-key-value/SECRET+0123<&>"
	tests := []struct{ name, text string }{
		{"token in JSON", `{"token":"` + token + `"}`},
		{"key in a header dump", "Authorization: Bearer " + key},
		{"key JSON-escaped by Go", `{"echo":"my-custom-api-key-value/SECRET+0123\u003c\u0026\u003e"}`},
		{"key JSON-escaped with \\/", `{"echo":"my-custom-api-key-value\/SECRET+0123<&>"}`},
		{"key URL-encoded in a query", "GET /x?key=my-custom-api-key-value%2FSECRET%2B0123%3C%26%3E"},
		{"key URL-encoded in a path", "GET /x/my-custom-api-key-value%2FSECRET+0123%3C&%3E"},
		{"shaped key", "key sk-let-KEYSECRETKEYKEYKEYKEYKEY."},
		{"after an underscore", `{"message":"bad x_` + token + `"}`},
		{"JSON-escaped slash inside a token", `ck-let-abc\/defSECRETghijklmnop`},
		{"percent inside a token", `ck-let-abc%2FdefSECRETghijklmnop`},
		{"token as an agent id", `agent ` + token + ` (read_messages)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keyMasker(key).Mask(tt.text)
			if strings.Contains(got, "SECRET") {
				t.Errorf("Secrets(%q) = %q: a secret survived", tt.text, got)
			}
			if again := keyMasker(key).Mask(got); again != got {
				t.Errorf("not idempotent: %q then %q", got, again)
			}
			if !keyMasker(key).Holds(tt.text) {
				t.Errorf("Contains(%q) = false", tt.text)
			}
		})
	}
	if got := keyMasker(key).Mask("Bearer " + key); got != "Bearer my-custo…" {
		t.Errorf("a configured key keeps its prefix only, got %q", got)
	}
	if got := keyMasker(key).Mask(`"` + token + `"`); got != `"ck-let-S…6789"` {
		t.Errorf("a token keeps prefix and last four, got %q", got)
	}
	if got := keyMasker(key).Mask("plain text with no secret"); got != "plain text with no secret" {
		t.Errorf("plain text changed: %q", got)
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
