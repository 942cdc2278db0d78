package redact

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSecrets: whatever surrounds them, neither the key in use nor a token
// survives Secrets, in plain, JSON-escaped or URL-escaped form, and
// Secrets is idempotent.
func FuzzSecrets(f *testing.F) {
	f.Add("prefix ", " suffix", "ck-let-0123456789abcdefSECRET", "custom-key/0123+SECRET")
	f.Add(`{"a":"`, `"}`, "ck-let-a\\/bSECRETcdefghijklmnop", "sk-let-KEYSECRET0123456789")
	f.Add("x_", "%2F", "ck-let-%2FSECRETabcdefghijklmn", "k<>&SECRET\"quote")
	f.Fuzz(func(t *testing.T, before, after, tokenTail, key string) {
		token := "ck-let-" + tokenTail
		if !secretPattern.MatchString(token) || secretPattern.FindString(token) != token || len(token) < 2*prefixLen {
			t.Skip("not a whole token by shape")
		}
		if len(key) < 2*prefixLen || strings.Contains(before+after, key) {
			t.Skip("key too short to be masked, or already in the surroundings")
		}
		jsonKey, _ := json.Marshal(key)
		for _, text := range []string{
			before + token + after,
			before + key + after,
			before + string(jsonKey) + after,
			before + url.QueryEscape(key) + after,
		} {
			got := Secrets(text, key)
			if again := Secrets(got, key); again != got {
				t.Fatalf("not idempotent on %q: %q then %q", text, got, again)
			}
			if strings.Contains(got, key) {
				t.Fatalf("key survived in %q", got)
			}
			if strings.Contains(got, token) {
				t.Fatalf("token survived in %q", got)
			}
		}
	})
}

// FuzzLine: the output never holds a control character, an ESC or a
// newline, is valid UTF-8, and respects the cap.
func FuzzLine(f *testing.F) {
	f.Add("plain", 0)
	f.Add("\x1b[2J\x1b]0;title\x07\nchecked: 0 breaking", 40)
	f.Add("\xff\xfe\u202e\u0085", 5)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		limit %= 4096
		got := Line(s, limit)
		if !utf8.ValidString(got) {
			t.Fatalf("Line(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if !printable(r) {
				t.Fatalf("Line(%q) = %q holds %U", s, got, r)
			}
		}
		if limit > 0 && len(got) > max(limit, len("…")) {
			t.Fatalf("Line(%q, %d) = %d bytes", s, limit, len(got))
		}
	})
}
