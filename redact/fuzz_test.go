package redact

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSecrets: whatever surrounds them, neither a key given to WithKeys
// (any bytes) nor a token survives Mask, in plain, JSON-escaped or
// URL-escaped form, nor a run of MinWindow characters of the key in base64
// or hex, and Mask is idempotent.
func FuzzSecrets(f *testing.F) {
	f.Add("prefix ", " suffix", "ck-let-0123456789abcdefSECRET", "custom-key/0123+SECRET")
	f.Add(`{"a":"`, `"}`, "ck-let-a\\/bSECRETcdefghijklmnop", "sk-let-KEYSECRET0123456789")
	f.Add("x_", "%2F", "ck-let-%2FSECRETabcdefghijklmn", "k<>&SECRET\"quote")
	f.Fuzz(func(t *testing.T, before, after, tokenTail, key string) {
		token := "ck-let-" + tokenTail
		if end, masked := shapeEnd(token, len("ck-let-")); masked || end != len(token) || len(token) < 2*prefixLen {
			t.Skip("not a whole token by shape")
		}
		if len(key) < 2*prefixLen || strings.Contains(before+after, key) {
			t.Skip("key too short to be masked, or already in the surroundings")
		}
		// A masked key keeps its first 8 characters; a key that repeats
		// 4 characters of itself could have them completed into a run of
		// MinWindow by the text around it, masked again. Real keys are
		// random; such ones are out of scope.
		for i := 0; i+4 <= len(key); i++ {
			if strings.Contains(key[i+1:], key[i:i+4]) {
				t.Skip("the key repeats itself")
			}
		}
		m := NewMasker("").WithKeys(key)
		jsonKey, _ := json.Marshal(key)
		for _, text := range []string{
			before + token + after,
			before + key + after,
			before + string(jsonKey) + after,
			before + url.QueryEscape(key) + after,
		} {
			got := m.Mask(text)
			if again := m.Mask(got); again != got {
				t.Fatalf("not idempotent on %q: %q then %q", text, got, again)
			}
			if strings.Contains(got, key) {
				t.Fatalf("key survived in %q", got)
			}
			if strings.Contains(got, token) {
				t.Fatalf("token survived in %q", got)
			}
		}
		if len(secretPart(key)) < MinWindow {
			return // its encodings are too short to be told from text
		}
		for enc := range byteEncodings {
			s, windows := encodedKey(enc, "", key, "", 0, 0)
			text := before + s + after
			got := m.Mask(text)
			if w := survivorOf(got, windows); w != "" {
				t.Fatalf("%s of the key: %q survived in %q", byteEncodings[enc].name, w, got)
			}
			if again := m.Mask(got); again != got {
				t.Fatalf("not idempotent on %q: %q then %q", text, got, again)
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

// FuzzMasker: a secret, with or without its prefix, its letters in a
// random mix of cases, spelled in a random mix of encodings (raw, %xx in
// either case, \u00xx, Go's \xXX, JSON pointer, JSON's \/) inside random
// text: no run of MinWindow characters of its secret part survives Mask or
// Safe in any case, in the output or in any decoded view of it, HoldsKey
// finds it, and Mask is idempotent. The same for the key as a server
// encodes it (base64 with either alphabet, padded or not, or hex in either
// case, as flips picks), at the byte alignment and with the neighbour
// bytes that before and after give, cut at either end, then spelled in
// those encodings.
func FuzzMasker(f *testing.F) {
	f.Add("Q7vXk2mR9pLw4ZtN8cYb3HsJ6fGd1aEu", true, []byte{encRaw}, "Bearer ", "", uint64(0))
	f.Add("Q7vXk2mR9pLw4ZtN8cYb3HsJ6fGd1aEu", false, []byte{encPctLower, encRaw, encJSONU}, "https://", ".example.com", uint64(0xffff))
	f.Add("my-custom/key~value+0123<&>", false, []byte{encPointer, encJSONSlash, encGoX}, `{"a":"`, `"}`, uint64(0x5555555555555555))
	f.Add("Q7vXk2mR9pLw4ZtN8cYb3HsJ6fGd1aEu", true, []byte{encPctUpper}, "ck-let-", "\x1c::error", ^uint64(0))
	// flips' top bytes: the encoding (hex), the bytes of before and after
	// around the key, how much is cut off each end.
	f.Add("Q7vXk2mR9pLw4ZtN8cYb3HsJ6fGd1aEu", true, []byte{encRaw}, "Bearer x", "zz", uint64(4)<<56|2<<48|1<<40|3<<32|1<<24)
	f.Add("Q7vXk2mR9pLw4ZtN8cYb3HsJ6fGd1aEu", false, []byte{encPctUpper, encRaw, encJSONSlash}, "agent-", "\"}", uint64(2)<<56|1<<48|2<<40)
	f.Fuzz(func(t *testing.T, secret string, prefixed bool, modes []byte, before, after string, flips uint64) {
		if len(secret) < MinWindow || len(secret) > 256 || strings.IndexFunc(secret, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
			t.Skip("a secret is printable ASCII of a sane length")
		}
		// A masked form keeps up to 8 characters of a secret's start and
		// 4 of its end; a secret that repeats 4 characters of itself
		// could have them completed into a run by the text around it.
		// Real secrets are random; such ones are out of scope.
		// In any case: a masker matches letters whatever their case.
		low := strings.ToLower(secret)
		for i := 0; i+4 <= len(low); i++ {
			if strings.Contains(low[i+1:], low[i:i+4]) {
				t.Skip("the secret repeats itself")
			}
		}
		key := secret
		if prefixed {
			key = "sk-let-" + secret
		}
		m := NewMasker(key)
		// The server's spelling: each letter's case flipped where flips
		// says (bit i%64 for character i), then encoded.
		sent := []byte(key)
		for i, c := range sent {
			if flips&(1<<(i%64)) != 0 && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				sent[i] = c ^ 0x20
			}
		}
		text := before + encode(string(sent), modes) + after
		got := m.Mask(text)
		if w := survivorInAnyCase(got, low); w != "" {
			t.Fatalf("Mask(%q) = %q: %q survived", text, got, w)
		}
		// The text around may eat part of the encoding ("%" then "%3x"):
		// HoldsKey must be true when a run is there to find.
		if survivorInAnyCase(text, low) != "" && !m.HoldsKey(text) {
			t.Fatalf("HoldsKey(%q) = false", text)
		}
		// Idempotence is asked of keys as keys are spelled (letters, digits,
		// '-', '_', '.'). A key that holds a quote, a backslash, '%' or '&'
		// can end a shape or start an escape inside its own masked form, so
		// that a second pass reads that form anew; no run of it leaks either
		// way, which the checks above and below hold to.
		if again := m.Mask(got); again != got && !strings.ContainsAny(secret, "\"'\\%&") {
			t.Fatalf("not idempotent on %q: %q then %q", text, got, again)
		}
		for _, limit := range []int{0, MaxLine} {
			if got := m.Safe(text, limit); survivorInAnyCase(got, low) != "" {
				t.Fatalf("Safe(%q, %d) = %q", text, limit, got)
			}
		}

		enc := int(flips>>56) % len(byteEncodings)
		pre := before[:min(len(before), int(flips>>48)%4)]
		post := after[:min(len(after), int(flips>>40)%4)]
		s, windows := encodedKey(enc, pre, key, post, int(flips>>32)%4, int(flips>>24)%4)
		text = before + encode(s, modes) + after
		got = m.Mask(text)
		if w := survivorOf(got, windows); w != "" {
			t.Fatalf("%s of the key: Mask(%q) = %q: %q survived", byteEncodings[enc].name, text, got, w)
		}
		if survivorOf(text, windows) != "" && !m.HoldsKey(text) {
			t.Fatalf("%s of the key: HoldsKey(%q) = false", byteEncodings[enc].name, text)
		}
		if again := m.Mask(got); again != got && !strings.ContainsAny(secret, "\"'\\%&") {
			t.Fatalf("%s of the key: not idempotent on %q: %q then %q", byteEncodings[enc].name, text, got, again)
		}
		if got := m.Safe(text, MaxLine); survivorOf(got, windows) != "" {
			t.Fatalf("%s of the key: Safe(%q) = %q", byteEncodings[enc].name, text, got)
		}
	})
}
