package redact

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Ways a server or a proxy encodes bytes, each with how many bits one
// character spells.
var byteEncodings = []struct {
	name    string
	encode  func([]byte) string
	charLen int
}{
	{"base64", base64.StdEncoding.EncodeToString, 6},
	{"base64 unpadded", base64.RawStdEncoding.EncodeToString, 6},
	{"base64url", base64.URLEncoding.EncodeToString, 6},
	{"base64url unpadded", base64.RawURLEncoding.EncodeToString, 6},
	{"hex", hex.EncodeToString, 4},
	{"HEX", func(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }, 4},
}

// encodedKey returns the encoding of pre+key+post, cut from and to
// characters off its start and end, and the runs of MinWindow characters
// of it that must not survive: those holding 8 bits of key's secret part
// at least, whose first and last characters hold a bit of key (the
// bytes around are the server's, the masker cannot know them) or, when
// pre+key ends in an Authorization value ("Bearer sk-let-…"), whose first
// holds a bit of that. Padding counts as the character before it.
func encodedKey(enc int, pre, key, post string, from, to int) (text string, windows []string) {
	e := byteEncodings[enc]
	b := []byte(pre + key + post)
	s := e.encode(b)
	bitsOf := func(c int) (int, int) { return c * e.charLen, (c + 1) * e.charLen } // character c's bits
	lastBits := (8*len(b)+e.charLen-1)/e.charLen - 1                               // the last character with bits
	keyFrom, keyTo := 8*len(pre), 8*(len(pre)+len(key))
	partFrom := keyTo - 8*len(secretPart(key))
	if strings.HasSuffix(pre, bearer) && secretPart(key) != key {
		keyFrom -= 8 * len(bearer) // Authorization's own: "Bearer sk-let-…"
	}
	s = s[from : len(s)-to]
	for i := 0; i+MinWindow <= len(s); i++ {
		_, lo := bitsOf(from + i) // the first character's last bit
		hi, _ := bitsOf(min(from+i+MinWindow-1, lastBits))
		if lo > keyFrom && hi < keyTo && hi+e.charLen >= partFrom+8 {
			windows = append(windows, s[i:i+MinWindow])
		}
	}
	return s, windows
}

// survivorOf returns a window found in s or in any decoded view of it,
// or "".
func survivorOf(s string, windows []string) string {
	v := &view{s: s}
	for pass := 0; v != nil && pass <= maxDecodePasses; pass++ {
		for _, w := range windows {
			if strings.Contains(v.s, w) {
				return w
			}
		}
		v = v.decode()
	}
	return ""
}

// Issue 20: the key in base64 (either alphabet, padded or not, any byte
// alignment, behind "Bearer " or not, cut at either end) or hex (either
// case) is masked as the key is: no run of MinWindow characters of it
// survives, plain, JSON-escaped or percent-encoded, and HoldsKey finds
// it, as it must before the key goes into a URL.
func TestMaskerKeyEncoded(t *testing.T) {
	m := NewMasker(tKey)
	for enc := range byteEncodings {
		for _, key := range []string{tKey, tKeyPart} {
			for _, pre := range []string{"", "x", "xy", "\xff\x00\x7f", bearer, "ck-let-"} {
				for _, post := range []string{"", "z", "zz", "\x00\xff\x10"} {
					for _, cut := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {2, 3}, {5, 2}} {
						s, windows := encodedKey(enc, pre, key, post, cut[0], cut[1])
						if len(windows) == 0 {
							t.Fatalf("%s of %q+key+%q cut %v: no window to look for", byteEncodings[enc].name, pre, post, cut)
						}
						for _, text := range []string{
							"id " + s + " end",
							`{"agentId":"agent-` + strings.NewReplacer("/", `\/`, "+", `\u002b`).Replace(s) + `"}`,
							"?agentId=" + url.QueryEscape(s) + "&x",
							"ck-let-" + s,
						} {
							got := m.Mask(text)
							if w := survivorOf(got, windows); w != "" {
								t.Fatalf("%s of %q+key+%q cut %v: Mask(%q) = %q: %q survived", byteEncodings[enc].name, pre, post, cut, text, got, w)
							}
							if !m.HoldsKey(text) {
								t.Fatalf("HoldsKey(%q) = false", text)
							}
							if again := m.Mask(got); again != got {
								t.Fatalf("not idempotent: %q then %q", got, again)
							}
						}
					}
				}
			}
		}
	}
}

// A window of the key's encoding is masked whole as the key, and eleven
// characters are not; another key's encodings, in an Authorization value
// or not, are left as they are.
func TestMaskerKeyEncodedExactly(t *testing.T) {
	m := NewMasker(tKey)
	b64 := base64.RawURLEncoding.EncodeToString([]byte(tKey))
	for i := 0; i+MinWindow <= len(b64); i++ {
		w := b64[i : i+MinWindow]
		if got, want := m.Mask("<"+w+">"), "<"+Key(tKey)+">"; got != want {
			t.Errorf("Mask(%q) = %q, want %q", "<"+w+">", got, want)
		}
		if got := m.Mask("<" + w[1:] + ">"); got != "<"+w[1:]+">" {
			t.Errorf("11 characters masked: %q", got)
		}
	}
	other := "sk-let-Zt5Wd8Hq2Lm6Rx9Cv3Bn7Jk1Fg4Pa0Ye"
	for enc := range byteEncodings {
		for _, pre := range []string{"", "x", "xy", bearer, "x" + bearer, "xy" + bearer} {
			text := "<" + byteEncodings[enc].encode([]byte(pre+other)) + ">"
			if got := m.Mask(text); got != text || m.HoldsKey(text) {
				t.Errorf("%s of another key: Mask(%q) = %q, HoldsKey %v", byteEncodings[enc].name, text, got, m.HoldsKey(text))
			}
		}
	}
}

// Where the key's encodings start and end being masked: each run of
// MinWindow characters (and the encoding whole) is masked or left exactly
// as encodedKey says, so that a whole byte of the secret is never shown,
// at any alignment, in any encoding, behind "Bearer " or not; and a run of
// little but the public "Bearer sk-let-", or with a character made of the
// bytes around alone, is not eaten. Eleven characters are never masked.
func TestMaskerKeyEncodedEdges(t *testing.T) {
	m := NewMasker(tKey)
	for enc := range byteEncodings {
		for _, c := range []struct{ pre, key, post string }{
			{"", tKey, ""}, {"x", tKey, "z"}, {"xy", tKey, "zz"},
			{bearer, tKey, ""}, {"x" + bearer, tKey, "\x00"}, {"xy" + bearer, tKey, "\xff"},
			{"", tKeyPart, ""}, {"x", tKeyPart, "\x7f"}, {"xy", tKeyPart, "z"},
		} {
			s, windows := encodedKey(enc, c.pre, c.key, c.post, 0, 0)
			from, to := -1, 0 // the masked span: from the first window to the last
			for i := 0; i+MinWindow <= len(s); i++ {
				w, want := s[i:i+MinWindow], s[i:i+MinWindow]
				if slices.Contains(windows, w) {
					want = Key(tKey)
					if from < 0 {
						from = i
					}
					to = i + MinWindow
				}
				if got := m.Mask("<" + w + ">"); got != "<"+want+">" {
					t.Errorf("%s of %q+%q+%q, run at %d: Mask(%q) = %q, want %q", byteEncodings[enc].name, c.pre, c.key, c.post, i, "<"+w+">", got, "<"+want+">")
				}
				if got := m.Mask("<" + w[1:] + ">"); got != "<"+w[1:]+">" {
					t.Errorf("%s of %q+%q+%q: eleven characters masked: %q", byteEncodings[enc].name, c.pre, c.key, c.post, got)
				}
			}
			if got, want := m.Mask("<"+s+">"), "<"+s[:from]+Key(tKey)+s[to:]+">"; got != want {
				t.Errorf("%s of %q+%q+%q: Mask(%q) = %q, want %q", byteEncodings[enc].name, c.pre, c.key, c.post, "<"+s+">", got, want)
			}
		}
	}
	// The first character of the secret part's base64, where it starts a
	// group of three bytes, holds its bits alone: before it, only the one
	// its own prefix makes (the "-" of "sk-let-", in either case: letters
	// match in any case) starts a run of the key; after any other, its
	// first 11 characters are as short as ever.
	part := base64.RawStdEncoding.EncodeToString([]byte(tKeyPart))[:MinWindow-1]
	dash := string(stdAlphabet['-'&0x3f]) // the low 6 bits of "-"
	for _, c := range stdAlphabet {
		text, want := "<"+string(c)+part+">", "<"+string(c)+part+">"
		if strings.EqualFold(string(c), dash) {
			want = "<" + Key(tKey) + ">"
		}
		if got := m.Mask(text); got != want {
			t.Errorf("Mask(%q) = %q, want %q", text, got, want)
		}
	}
}
