package redact

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The secrets of these tests: random-looking, as real ones are, so that no
// run of MinWindow characters is shared by chance.
const (
	tKey     = "sk-let-Q7vXk2mR9pLw4ZtN8cYb3HsJ6fGd1aEu"
	tKeyPart = "Q7vXk2mR9pLw4ZtN8cYb3HsJ6fGd1aEu"
	tValue   = "letta-selfhosted-pass-Vb8Nw2Qx5Rz7Ty4Uk1" // a token value not shaped ck-let-
)

// Encodings a server or an encoder may use for one character.
const (
	encRaw = iota
	encPctUpper
	encPctLower
	encJSONU
	encGoX
	encPointer
	encJSONSlash
	numEncodings
)

// encode spells s, character i in encoding modes[i%len(modes)].
func encode(s string, modes []byte) string {
	if len(modes) == 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch modes[i%len(modes)] % numEncodings {
		case encPctUpper:
			fmt.Fprintf(&b, "%%%02X", c)
		case encPctLower:
			fmt.Fprintf(&b, "%%%02x", c)
		case encJSONU:
			fmt.Fprintf(&b, `\u%04x`, c)
		case encGoX:
			fmt.Fprintf(&b, `\x%02x`, c)
		case encPointer:
			switch c {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(c)
			}
		case encJSONSlash:
			switch c {
			case '/', '"', '\\':
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// survivor returns a run of MinWindow characters of part found in s or in
// any decoded view of it, or "".
func survivor(s, part string) string {
	v := &view{s: s}
	for pass := 0; v != nil && pass <= maxDecodePasses; pass++ {
		for i := 0; i+MinWindow <= len(part); i++ {
			if w := part[i : i+MinWindow]; strings.Contains(v.s, w) {
				return w
			}
		}
		v = v.decode()
	}
	return ""
}

// survivorInAnyCase is survivor with each view lower-cased: low is a
// secret part lower-cased.
func survivorInAnyCase(s, low string) string {
	v := &view{s: s}
	for pass := 0; v != nil && pass <= maxDecodePasses; pass++ {
		lowered := strings.ToLower(v.s)
		for i := 0; i+MinWindow <= len(low); i++ {
			if w := low[i : i+MinWindow]; strings.Contains(lowered, w) {
				return w
			}
		}
		v = v.decode()
	}
	return ""
}

func TestMaskerKeyInEveryForm(t *testing.T) {
	m := NewMasker(tKey)
	forms := map[string]string{
		"raw":                     tKey,
		"secret part alone":       tKeyPart,
		"a 12-character run":      tKeyPart[9:21],
		"behind a token's prefix": "ck-let-" + tKeyPart,
		"uppercase %xx":           encode(tKey, []byte{encPctUpper}),
		"lowercase %xx":           encode(tKey, []byte{encPctLower}),
		"JSON \\u00xx":            encode(tKey, []byte{encJSONU}),
		"Go \\xXX":                encode(tKey, []byte{encGoX}),
		"mixed":                   encode(tKey, []byte{encRaw, encPctLower, encJSONU, encGoX, encPctUpper}),
		"prefix escaped only":     encode("sk-let-", []byte{encJSONU}) + tKeyPart,
		"run escaped":             encode(tKeyPart[3:18], []byte{encPctLower, encRaw}),
		"escape escaped":          strings.ReplaceAll(encode(tKeyPart, []byte{encPctUpper}), "%", "%25"),
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			for _, text := range []string{form, "https://" + form + ".example.com/x", `{"message":"bad key ` + form + `"}`, "x_" + form + "_y"} {
				got := m.Mask(text)
				if w := survivor(got, tKeyPart); w != "" {
					t.Errorf("Mask(%q) = %q: %q survived", text, got, w)
				}
				if again := m.Mask(got); again != got {
					t.Errorf("not idempotent: %q then %q", got, again)
				}
				if !m.Holds(text) || !m.HoldsKey(text) {
					t.Errorf("Holds/HoldsKey(%q) = false", text)
				}
				if got := m.Safe(text, MaxLine); survivor(got, tKeyPart) != "" {
					t.Errorf("Safe(%q) = %q", text, got)
				}
			}
		})
	}
}

func TestMaskerReplacements(t *testing.T) {
	m := NewMasker(tKey, tValue)
	tests := []struct{ in, want string }{
		{"Bearer " + tKey, "Bearer sk-let-Q…"},
		{"host " + tKeyPart + ".example.com", "host sk-let-Q….example.com"},
		{"ck-let-" + tKeyPart, "sk-let-Q…"}, // the key behind a token's prefix is the key
		{"pass " + tValue + " end", "pass letta-se…4Uk1 end"},
		{`"ck-let-SECRETabcdef0123456789"`, `"ck-let-S…6789"`},
		{"plain text", "plain text"},
		// 10 characters of the key behind a prefix: a token shape, not a
		// run of the key (the prefix does not count towards MinWindow).
		{"x ck-let-" + tKeyPart[:10] + " y", "x ck-let-Q… y"},
		{"ck-let-a…9f3c and sk-let-K…", "ck-let-a…9f3c and sk-let-K…"}, // masked forms stay
	}
	for _, tt := range tests {
		if got := m.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := m.Mask(tt.want); got != tt.want {
			t.Errorf("not idempotent: Mask(%q) = %q", tt.want, got)
		}
	}
}

// A server may follow a prefix with bytes no token has, to cut the rest
// out of the shape: the whole run up to the next space or quote is the
// token's.
func TestMaskerShapeWithOddBytes(t *testing.T) {
	m := NewMasker("")
	for _, in := range []string{
		"ck-let-\x1c\x1cOTHERSECRETVALUE0123456789",
		"ck-let-\x7fOTHERSECRETVALUE",
		"ck-let-\u00a0OTHERSECRETVALUE",
		"ck-let-\xffOTHERSECRETVALUE",
		"ck-let-:OTHERSECRETVALUE",
		"sk-let-\x00OTHERSECRETVALUE",
		encode("ck-let-", []byte{encPctLower}) + "OTHERSECRETVALUE",
		`ck\u002dlet\u002dOTHERSECRETVALUE`,
	} {
		for _, f := range []func(string) string{m.Mask, func(s string) string { return m.Safe(s, MaxLine) }} {
			got := f("token " + in + " end")
			if strings.Contains(got, "OTHERSECRET") {
				t.Errorf("%q came out as %q", in, got)
			}
			if !strings.HasSuffix(got, " end") {
				t.Errorf("%q: the text after the token was eaten: %q", in, got)
			}
		}
	}
}

func TestMaskerWithValues(t *testing.T) {
	base := NewMasker(tKey)
	row := base.With(tValue)
	host := "https://" + tValue + ".example.com"
	if got := row.Mask(host); strings.Contains(got, tValue[4:16]) {
		t.Errorf("the row's value in its hostname survived: %q", got)
	}
	if got := row.Mask(encode(tValue, []byte{encJSONU, encRaw})); survivor(got, tValue) != "" {
		t.Errorf("the row's value, escaped, survived: %q", got)
	}
	if got := base.Mask(host); got != host {
		t.Errorf("With changed its receiver: %q", got)
	}
	if row.HoldsKey(tValue) {
		t.Error("HoldsKey is true for a token value")
	}
	if !row.Holds(tValue) {
		t.Error("Holds is false for a value given to With")
	}
	// A page of many tokens: values are indexed rather than probed.
	var page []string
	for i := range 20 {
		page = append(page, fmt.Sprintf("ck-let-pg%02d-Vb8Nw2Qx5Rz7Ty4Uk1", i))
	}
	many := base.With(page...)
	for _, v := range page {
		if got := many.Mask("host-" + secretPart(v)); survivor(got, secretPart(v)) != "" {
			t.Errorf("value %s of a large page survived: %q", v, got)
		}
	}
	if allow := row.AllowTokens(); allow.Mask("ck-let-0123456789abcdefghij") != "ck-let-0123456789abcdefghij" || allow.Mask(tKey) == tKey || allow.Mask(tValue) == tValue {
		t.Error("AllowTokens must let token shapes through, and nothing else")
	}
}

func TestDefuseJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`["##[error]x"]`, `["#\u0023[error]x"]`},
		{"[\n  \"a\"\n]", "[\n  \"a\"\n]"},
		{" ::error::x", ` \u003a:error::x`},
		{"\u3000::error::x", "\u3000\\u003a:error::x"},
		{`{"a::b":"c"}`, `{"a::b":"c"}`},
		// Raw in encoding/json's output, escaped here as in text.
		{"[\"s\u200bk\u200b-\u202ex\u009b31m\x7fy\U000e0001\"]", `["s\u200bk\u200b-\u202ex\u009b31m\u007fy\udb40\udc01"]`},
		{"[\"é\u3000日本\"]", "[\"é\u3000日本\"]"},
		// '#' and ':' at either end of the input.
		{"#[x]", `\u0023[x]`},
		{"#", "#"},
		{"a#", "a#"},
		{"#a#", "#a#"},
		{"x::y:", "x::y:"},
		{"::", `\u003a:`},
		{":", ":"},
		{"a\n::b", "a\n\\u003a:b"},
		{"a\n b::c", "a\n b::c"},
		// DEL alone, and nothing but non-ASCII: found without any '#' or ':'.
		{"\x7f", `\u007f`},
		{"a\x7fb", `a\u007fb`},
		{"\u200b", `\u200b`},
		{"\u009b", `\u009b`},
		{"~", "~"},
		// U+FFFD spelled out is not printable; an invalid byte is left as
		// it is (encoding/json never writes one).
		{"\ufffd", `\ufffd`},
		{"\xff", "\xff"},
		{"a\xffb\u202ec", "a\xffb\\u202ec"},
		{"é\U000e0001é", `é\udb40\udc01é`},
	}
	// DEL and a format character at every byte of a word and past it,
	// behind ASCII just below DEL ('~'): found wherever they fall.
	for i := range 17 {
		pad := strings.Repeat("~", i)
		tests = append(tests, struct{ in, want string }{pad + "\x7f" + pad, pad + `\u007f` + pad},
			struct{ in, want string }{pad + "\u200b", pad + `\u200b`}, struct{ in, want string }{pad + "~", pad + "~"})
	}
	for _, tt := range tests {
		if got := string(DefuseJSON([]byte(tt.in))); got != tt.want {
			t.Errorf("DefuseJSON(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// What the runner trims before a line (Unicode spaces, format characters)
// does not hide a workflow command from Line or DefuseJSON.
func TestLineDefusesAfterUnicodeSpace(t *testing.T) {
	for _, sp := range []string{"\u3000", "\u00a0", "\u2000", "\u2005", "\u200a", "\u205f", "\u1680", "\ufeff", "\u200b", " \u3000 "} {
		in := sp + "::error title=x::forged"
		if got := Line(in, MaxLine); strings.HasPrefix(strings.TrimLeftFunc(got, runnerTrims), "::") {
			t.Errorf("Line(%q) = %q", in, got)
		}
		for _, line := range strings.Split(string(DefuseJSON([]byte(`"`+in+`"`+"\n"+in))), "\n") {
			if strings.HasPrefix(strings.TrimLeftFunc(line, runnerTrims), "::") {
				t.Errorf("DefuseJSON(%q) holds the line %q", in, line)
			}
		}
		// Text that only looks alike is left alone (a format character is
		// escaped as any is).
		if got, want := Line(sp+"a::b", MaxLine), Line(sp, 0)+"a::b"; got != want {
			t.Errorf("Line(%q) = %q, want %q", sp+"a::b", got, want)
		}
	}
}

// A key or value too short for runs of MinWindow is masked whole, in every
// form.
func TestMaskerShortSecrets(t *testing.T) {
	for _, key := range []string{"short-key-1", "C0-let-000000000", "sk-let-abcdefghij"} {
		m := NewMasker(key, "val-0123")
		for _, text := range []string{"Bearer " + key, "x" + encode(key, []byte{encPctLower}) + "x", `"` + encode(key, []byte{encJSONU, encRaw}) + `"`} {
			if got := m.Mask(text); strings.Contains(got, key) || got == text {
				t.Errorf("key %q: Mask(%q) = %q", key, text, got)
			}
		}
		if got := m.Mask("id val-0123."); got != "id …." {
			t.Errorf("short value: %q", got)
		}
	}
	if secretPart("C0-let-000000000") != "C0-let-000000000" {
		t.Error("C0-let- is no Letta prefix")
	}
}

// What the seeded live run's key guard needed of HoldsKey: a key in
// another case is the key, a key's shape counts wherever it starts, and a
// short key is searched for whole.
func TestMaskerHoldsKeyInAnyCase(t *testing.T) {
	m := NewMasker(tKey)
	for value, want := range map[string]bool{
		strings.ToUpper(tKey):                          true,
		strings.ToLower(tKey):                          true,
		"ck-let-" + strings.ToUpper(tKeyPart[5:17]):    true,  // 12 characters, upper-cased
		"ck-let-" + strings.ToLower(tKeyPart[5:17]):    true,  // lower-cased
		"ck-let-" + strings.ToUpper(tKeyPart[5:16]):    false, // 11: chance
		"ck-let-0000sk-let-0000":                       true,  // a key's shape behind a token's
		"SK-LET-whatever":                              true,
		"Sk-LeT-whatever":                              true,
		encode("SK-LET-WHATEVER", []byte{encPctLower}): true,
		"ck-let-whatever":                              false,
	} {
		if got := m.HoldsKey(value); got != want {
			t.Errorf("HoldsKey(%q) = %v, want %v", value, got, want)
		}
	}
	short := NewMasker("sk-let-hunter2")
	if !short.HoldsKey("ck-let-xxxHUNTER2xxx") || short.HoldsKey("ck-let-hunte") {
		t.Error("a short key's secret part is not searched for whole, in any case")
	}
	if NewMasker("").HoldsKey("ck-let-" + tKeyPart) {
		t.Error("without a key, a token shape holds no key")
	}
}

// foldGram lower-cases exactly the ASCII capitals of all eight bytes,
// whatever their neighbours (the sums it takes must not carry).
func TestFoldGram(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			for _, fill := range []byte{0x00, 'Z', '@', '[', 0x7f, 0x80, 0xc1, 0xff} {
				var in, want [8]byte
				for i := range in {
					in[i] = fill
				}
				in[pos] = byte(c)
				for i, b := range in {
					want[i] = lowerByte(b)
				}
				g := foldGram(binary.LittleEndian.Uint64(in[:]))
				if got := binary.LittleEndian.Uint64(want[:]); g != got {
					t.Fatalf("foldGram(% x) = %x, want %x", in, g, got)
				}
			}
		}
	}
}

// A foldFinder finds what a lower-cased search finds, called again and
// again from the last match on.
func TestFoldFinder(t *testing.T) {
	texts := []string{"", "k", "K-LET-", "xk-let-ck-LET-Sk-Let-", "kkkkkk-let-", "KkKk-lEt-k-let", strings.Repeat("k-", 40) + "let-"}
	for _, s := range texts {
		for _, needle := range []string{"k-let-", "-let-", "kk"} {
			var want, got []int
			low := strings.ToLower(s)
			for from := 0; ; {
				i := strings.Index(low[from:], needle)
				if i < 0 {
					break
				}
				want = append(want, from+i)
				from += i + 1
			}
			f := foldFinder{s: s, needle: needle}
			for from := 0; ; {
				i := f.next(from)
				if i < 0 {
					break
				}
				got = append(got, i)
				from = i + 1
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q in %q: found at %v, want %v", needle, s, got, want)
			}
		}
	}
}

// A run of a secret is masked exactly where it is, at every offset of the
// secret and every alignment with the probes (one gram every probeStride
// bytes), at the start, the end or the middle of a text; 11 characters
// are left alone, and so is everything around a run. Keys, values probed
// one by one, and values indexed (a page of many) alike.
func TestMaskerRuns(t *testing.T) {
	page := manyValues()
	tests := []struct {
		name       string
		m          *Masker
		part, repl string
	}{
		{"key", NewMasker(tKey), tKeyPart, "sk-let-Q…"},
		{"key with values", NewMasker(tKey, "ck-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz", "another-value-3Hd8Kq"), tKeyPart, "sk-let-Q…"},
		{"probed value", NewMasker("", tValue), tValue, "letta-se…4Uk1"},
		{"probed value among others", NewMasker("", "ck-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz", tValue), tValue, "letta-se…4Uk1"},
		{"indexed value", NewMasker(tKey, append(page, tValue)...), tValue, "letta-se…4Uk1"},
		{"indexed value before others", NewMasker("", append([]string{tValue}, page...)...), tValue, "letta-se…4Uk1"},
	}
	for _, tt := range tests {
		for _, part := range []string{tt.part, strings.ToUpper(tt.part), strings.ToLower(tt.part)} {
			for i := 0; i+MinWindow-1 <= len(part); i++ {
				for _, n := range []int{MinWindow - 1, MinWindow, MinWindow + 1} {
					if i+n > len(part) {
						continue
					}
					run := part[i : i+n]
					for pad := 0; pad <= probeStride; pad++ {
						for _, after := range []string{"", ".", "._"} {
							in := strings.Repeat(".", pad) + run + after
							want := in
							if n >= MinWindow {
								want = strings.Repeat(".", pad) + tt.repl + after
							}
							if got := tt.m.Mask(in); got != want {
								t.Fatalf("%s: Mask(%q) = %q, want %q", tt.name, in, got, want)
							}
							if got := tt.m.Holds(in); got != (n >= MinWindow) {
								t.Fatalf("%s: Holds(%q) = %v", tt.name, in, got)
							}
						}
					}
				}
			}
		}
	}
}

// Which secrets a Masker searches for, and as what: values of 4 bytes and
// more (shorter ones would mask words), each once, every value given to
// With kept along with the earlier ones, a key's part of 4 bytes and more
// searched for behind any prefix, a shorter part only as the whole key.
func TestMaskerSecrets(t *testing.T) {
	tests := []struct {
		name, in, want string
		m              *Masker
	}{
		{"a 4-byte value", "id wxyz. wxy", "id …. wxy", NewMasker("", "wxyz")},
		{"a 3-byte value is no secret", "id wxy.", "id wxy.", NewMasker("", "wxy")},
		{"a 4-byte key", "id wxyz.", "id ….", NewMasker("wxyz")},
		{"a 3-byte key is no secret", "id wxy.", "id wxy.", NewMasker("wxy")},
		{"two values", "a Hq4Jm7Lp2Ns9Dw b " + tValue + " c", "a ck-let-H…3Gz7 b letta-se…4Uk1 c",
			NewMasker("", "ck-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz7", tValue)},
		{"a value given twice", "a " + tValue, "a letta-se…4Uk1", NewMasker("", tValue, tValue)},
		{"values given to With after others", "a Hq4Jm7Lp2Ns9Dw b " + tValue + " c", "a ck-let-H…3Gz7 b letta-se…4Uk1 c",
			NewMasker("", "ck-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz7").With(tValue)},
		{"With nothing", "a " + tValue, "a letta-se…4Uk1", NewMasker("", tValue).With()},
		{"With on nil", "a " + tValue, "a letta-se…4Uk1", (*Masker)(nil).With(tValue)},
		{"With after many values", "a " + tValue[10:30] + " b Wq3Ez5Rt7Yu9", "a letta-se…4Uk1 b ck-let-p…o1Pa",
			NewMasker("", manyValues()...).With(tValue)},
		{"a short value among many", "a val-0123 b", "a … b", NewMasker("", append(manyValues(), "val-0123")...)},
		{"With many after a few", "a " + tValue[10:30] + " b Wq3Ez5Rt7Yu9", "a letta-se…4Uk1 b ck-let-p…o1Pa",
			NewMasker("", tValue).With(manyValues()...)},
		{"a key's 4-byte part, alone", "x abcd y", "x … y", NewMasker("sk-let-abcd")},
		{"a key's 3-byte part: the whole key only", "x abc y sk-let-abc", "x abc y …", NewMasker("sk-let-abc")},
		{"a value's short part: the whole value only", "x abcdefghijk y ck-let-abcdefghijk", "x abcdefghijk y ck-let-a…",
			NewMasker("", "ck-let-abcdefghijk")},
		{"a value's 12-byte part, alone", "x abcdefghijkl y", "x ck-let-a… y", NewMasker("", "ck-let-abcdefghijkl")},
		{"a key's 11-byte part, alone", "x abcdefghijk y", "x sk-let-a… y", NewMasker("sk-let-abcdefghijk")},
		{"a key's 12-byte part, alone", "x abcdefghijkl y", "x sk-let-a… y", NewMasker("sk-let-abcdefghijkl")},
		{"a key's 12-byte part, 11 of it", "x abcdefghijk y", "x abcdefghijk y", NewMasker("sk-let-abcdefghijkl")},
		{"a key that is a prefix only, masked whole", "ck-let- x", "… x", NewMasker("ck-let-")},
		{"WithKeys", "a " + tKeyPart[:12] + " b Hq4Jm7Lp2Ns9 c", "a sk-let-Q… b ck-let-H… c",
			NewMasker(tKey).WithKeys("ck-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz7")},
		{"WithKeys keeps the values", "a " + tValue + " b", "a letta-se…4Uk1 b", NewMasker("", tValue).WithKeys(tKey)},
		{"WithKeys keeps AllowTokens", "ck-let-0123456789abcdefghij " + tKeyPart, "ck-let-0123456789abcdefghij sk-let-Q…",
			NewMasker("").AllowTokens().WithKeys(tKey)},
		// A short secret is found whole, in any case, wherever it starts:
		// at the start of a text, right after another, first letter 'a' or
		// 'z', '@' or '[' (which coarse folding would merge with '`', '{').
		{"a short key in capitals", "ABCDEFGHIJ", "sk-let-a…", NewMasker("sk-let-abcdefghij")},
		{"a short key in mixed case", "x AbCdEfGhIj y", "x sk-let-a… y", NewMasker("sk-let-abcdefghij")},
		{"a short key twice in a row", "abcdefghijABCDEFGHIJ", "sk-let-a…sk-let-a…", NewMasker("sk-let-abcdefghij")},
		{"a short key, one short", "abcdefghi ABCDEFGHI", "abcdefghi ABCDEFGHI", NewMasker("sk-let-abcdefghij")},
		{"a short key starting z", "ZYXWVUTSRQ.zyxwvutsrq", "sk-let-z….sk-let-z…", NewMasker("sk-let-zyxwvutsrq")},
		{"a short key starting @", "`BCDEFGHIJ @BCDEFGHIJ", "`BCDEFGHIJ sk-let-@…", NewMasker("sk-let-@bcdefghij")},
		{"a short key starting [", "{bcdefghij [BCDEFGHIJ", "{bcdefghij sk-let-[…", NewMasker("sk-let-[bcdefghij")},
		{"a short value in any case", "id VAL-abcd val-abc", "id … val-abc", NewMasker("", "val-ABCD")},
		{"a short value starting z", "ZVAL-9 ZVAL-", "… ZVAL-", NewMasker("", "zval-9")},
		// A value that repeats part of itself is found at each place the
		// probe matches it, and masked as far as any of them reaches.
		{"two matches from one start", "XYZWabcdefghijkl", "XYZWabcd…mnop", NewMasker("", "XYZWabcdefghXYZWabcdefghijklmnop")},
		{"two matches to one end", ".Ab1Cd2Ef3Gh4Ij5Kl6Mn", ".d2Ef3Gh4…l6Mn", NewMasker("", "d2Ef3Gh4Ij5Kl6Mn!Ab1Cd2Ef3Gh4Ij5Kl6Mn")},
	}
	for _, tt := range tests {
		if got := tt.m.Mask(tt.in); got != tt.want {
			t.Errorf("%s: Mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	// Capitals, only 'A' or only 'Z': the secret is searched for in any case.
	for _, part := range []string{"q7vxk2mr9plw4ztn8cyb3hsj6fgd1aeZ", "q7vxk2mr9plw4ztn8cyb3hsj6fgd1aeA", "Z7vxk2mr9plw", "A7vxk2mr9plw"} {
		for _, in := range []string{part, strings.ToUpper(part), strings.ToLower(part)} {
			if got := NewMasker("sk-let-" + part).Mask(in); got != Key("sk-let-"+part) {
				t.Errorf("key %q: Mask(%q) = %q", part, in, got)
			}
		}
	}
}

// Safe masks before it cuts, and masks what Line's escapes spell (a
// token's shape out of what was none); it holds to its cap when masking
// lengthens what Line cut: a run of a long value (masked in 15 bytes) that
// only escaping spelled.
func TestSafe(t *testing.T) {
	long := NewMasker("", `ab\x1bcdefghijklmnopqrstuvwxyz`)
	tests := []struct {
		m     *Masker
		in    string
		limit int
		want  string
	}{
		{NewMasker(""), "prefix ck-let-SECRETabcdef0123456789\x1b[2J", 24, "prefix ck-let-S…789…"},
		{NewMasker(""), "ck-let-\x1c\x1cBBBBBBBBBBBBBBBBBBBBBBBB", MaxLine, `ck-let-\…`},
		{long, "ab\x1bcdefghij", 14, `ab\x1bcd……`},
		{long, "ab\x1bcdefghij", 15, `ab\x1bcd…wxyz`},
		{long, "ab\x1bcdefghij", 0, `ab\x1bcd…wxyz`},
		{long, "ab\x1bcdefg", 0, `ab\x1bcdefg`},
	}
	for _, tt := range tests {
		if got := tt.m.Safe(tt.in, tt.limit); got != tt.want {
			t.Errorf("Safe(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

// Where a secret starts: a Letta prefix right before a run is masked with
// it, even behind what starts an escape (two bytes at most); anything else
// before it is left as it is. AllowTokens shows it: no token shape covers
// the prefix there.
func TestMaskerPrefix(t *testing.T) {
	allow := NewMasker(tKey).AllowTokens()
	tests := []struct{ in, want string }{
		{"ck-let-" + tKeyPart, "sk-let-Q…"},
		{"x ck-let-" + tKeyPart[3:], "x sk-let-Q…"},
		{"CK-LET-" + tKeyPart, "sk-let-Q…"},
		{"Ck-Let-" + tKeyPart, "sk-let-Q…"},
		{"sk-let-" + tKeyPart, "sk-let-Q…"},
		{"ck-let-%" + tKeyPart, "sk-let-Q…"},
		{`ck-let-\` + tKeyPart, "sk-let-Q…"},
		{`ck-let-%\` + tKeyPart, "sk-let-Q…"},
		{"ck-let-%%%" + tKeyPart, "ck-let-%%%sk-let-Q…"},
		{"ck-let-x" + tKeyPart, "ck-let-xsk-let-Q…"},
		{"cx-let-" + tKeyPart, "cx-let-sk-let-Q…"},
		{"xk-let-" + tKeyPart, "xk-let-sk-let-Q…"},
		{"ck_let-" + tKeyPart, "ck_let-sk-let-Q…"},
		{"ck-lat-" + tKeyPart, "ck-lat-sk-let-Q…"},
		{"k-let-" + tKeyPart, "k-let-sk-let-Q…"},
		{"-let-" + tKeyPart, "-let-sk-let-Q…"},
		{"ck-let-0123456789abcdefghij", "ck-let-0123456789abcdefghij"},
	}
	for _, tt := range tests {
		if got := allow.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A value's prefix likewise.
	v := NewMasker("", "ck-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz7").AllowTokens()
	for in, want := range map[string]string{
		"id ck-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz7 x": "id ck-let-H…3Gz7 x",
		"id ck-let-Lp2Ns9Dw6Fx3G x":         "id ck-let-H…3Gz7 x",
		"id sk-let-Lp2Ns9Dw6Fx3G x":         "id sk-let-L… x",
		"id Lp2Ns9Dw6Fx3G x":                "id ck-let-H…3Gz7 x",
		"id ck-let-Lp2Ns9Dw6Fx":             "id ck-let-Lp2Ns9Dw6Fx",
	} {
		if got := v.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// Hits that touch are masked each with its own form; hits that overlap
// are masked as one, in the form of the strongest kind (key, key shape,
// value, token shape), the first found of that kind where two are alike.
func TestMaskerMerge(t *testing.T) {
	const other = "sk-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz7" // another key
	key := NewMasker(tKey)
	tests := []struct {
		name, in, want string
		m              *Masker
	}{
		{"a run, then a token shape", tKeyPart + "ck-let-abcdefghijklmnopqrstuvwx", "sk-let-Q…ck-let-a…uvwx", key},
		{"a token shape, then a run", "ck-let-abcdefghijklmnopqrstuvwx " + tKeyPart, "ck-let-a…uvwx sk-let-Q…", key},
		{"two runs of one key", tKeyPart[:12] + tKeyPart[20:], "sk-let-Q…sk-let-Q…", key},
		{"two runs of two keys", tKeyPart[:12] + "Hq4Jm7Lp2Ns9", "sk-let-Q…sk-let-H…", key.WithKeys(other)},
		{"a run of a value, then one of the key", "Hq4Jm7Lp2Ns9" + tKeyPart[:12], "ck-let-H…3Gz7sk-let-Q…", key.With("ck-let-Hq4Jm7Lp2Ns9Dw6Fx3Gz7")},
		// Two keys sharing a run: the one that starts first gives the form.
		{"overlapping keys", "Aa1Bb2Cc3" + "Dd4Ee5Ff6Gg7Hh" + "Ii8Jj9",
			"sk-let-A…", NewMasker("").WithKeys("sk-let-Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh", "other-key-Dd4Ee5Ff6Gg7HhIi8Jj9")},
		{"overlapping keys, the other first", "Aa1Bb2Cc3" + "Dd4Ee5Ff6Gg7Hh" + "Ii8Jj9",
			"sk-let-A…", NewMasker("").WithKeys("other-key-Dd4Ee5Ff6Gg7HhIi8Jj9", "sk-let-Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh")},
		// A key found at the same place as a value: the key's form.
		{"a value inside the key", tKeyPart, "sk-let-Q…", key.With("value-" + tKeyPart[:14])},
		{"a value over the key's start", "value-" + tKeyPart[:14], "vXk2mR9p…", NewMasker(tKeyPart[2:]).With("ck-let-value-" + tKeyPart[:14])},
		{"a value inside a token shape", "ck-let-xx" + tValue, "letta-se…4Uk1", NewMasker("", tValue)},
		// One key that extends another: masked whole, whichever is given
		// first, whichever probe finds it first.
		{"a key that extends another", "<" + tKeyPart + "Zz9Yy8>", "<sk-let-Q…>", key.WithKeys(tKey + "Zz9Yy8")},
		{"a key that another extends", "<Zz9Y" + tKeyPart + ">", "<sk-let-Z…>", key.WithKeys("sk-let-Zz9Y" + tKeyPart)},
		{"a key that another extends, probed late", "<" + tKeyPart[:3] + "Zz9Y" + tKeyPart[3:] + ">", "<sk-let-Q…>", NewMasker("sk-let-" + tKeyPart[3:]).WithKeys("sk-let-" + tKeyPart[:3] + "Zz9Y" + tKeyPart[3:])},
	}
	for _, tt := range tests {
		if got := tt.m.Mask(tt.in); got != tt.want {
			t.Errorf("%s: Mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// Shapes: where a token's or a key's shape starts and ends, and what
// stays as it is: a masked form, a prefix with too little after it.
func TestMaskerShapes(t *testing.T) {
	m := NewMasker("")
	tests := []struct{ in, want string }{
		{"ck-let-abcdefghijklmnopqrstuvwx", "ck-let-a…uvwx"},
		{"sk-let-abcdefghijklmnopqrstuvwx", "sk-let-a…"},
		{"CK-LET-ABCDEFGHIJKLMNOPQRSTUVWX", "CK-LET-A…UVWX"},
		{"Sk-lEt-abcdefghijklmnop", "Sk-lEt-a…"},
		{"xck-let-abcdefghijklmnop.", "xck-let-a…nop."},
		{"ak-let-abcdefghijklmnop", "ak-let-abcdefghijklmnop"},
		{"c-let-abcdefghijklmnop", "c-let-abcdefghijklmnop"},
		{"k-let-abcdefghijklmnop", "k-let-abcdefghijklmnop"},
		{"k-let-x ck-let-abcdefghijklmnop", "k-let-x ck-let-a…"},
		{"K-LET-x sk-let-abcdefghijklmnop", "K-LET-x sk-let-a…"},
		// Too short to be a secret: the prefix and one byte.
		{"x ck-let-", "x ck-let-"},
		{"x ck-let-a", "x ck-let-a"},
		{"x ck-let-a y", "x ck-let-a y"},
		{"x ck-let-ab", "x …"},
		{"x sk-let-ab y", "x … y"},
		// One shape inside another: a key's inside a token's is a key's
		// (masked from the token's start); a token's inside a key's is
		// the key's.
		{"ck-let-0000sk-let-0000abcdefghij", "sk-let-0…"},
		{"ck-let-0000SK-LET-0000abcdefghij", "SK-LET-0…"},
		{"sk-let-0000ck-let-0000abcdefghij", "sk-let-0…"},
		{"sk-let-abcdefghijklmnop ck-let-abcdefghijklmnopqrstuvwx", "sk-let-a… ck-let-a…uvwx"},
		{"ck-let-abcdefghijklmnop ck-let-abcdefghijklmnop", "ck-let-a… ck-let-a…"},
		// Masked forms stay, and so does what follows them.
		{"ck-let-a…9f3c", "ck-let-a…9f3c"},
		{"ck-let-a…", "ck-let-a…"},
		{"ck-let-…", "ck-let-…"},
		{"ck-let-é…abcd", "ck-let-é…abcd"},
		{"sk-let-Q…", "sk-let-Q…"},
		{"ck-let-a…9f3c ck-let-abcdefghijklmnop", "ck-let-a…9f3c ck-let-a…"},
		{"ck-let-a…9f3cck-let-abcdefghijklmnop", "ck-let-a…9f3cck-let-a…"},
		{"ck-let-a…9f3c9f3cabcdefghijklmnop", "ck-let-a…9f3c9f3cabcdefghijklmnop"},
		// A masked form does not hide a shape right after it.
		{"ck-let-a…ck-let-abcdefghijklmnopqrstuvwx", "ck-let-a…ck-let-a…uvwx"},
		{"sk-let-Q…sk-let-abcdefghijklmnop", "sk-let-Q…sk-let-a…"},
		{"sk-let-Q…ck-let-abcdefghijklmnop", "sk-let-Q…ck-let-a…"},
		{"ck-let-a…sk-let-abcdefghijklmnop", "ck-let-a…sk-let-a…"},
		// Multi-byte after the prefix.
		{"ck-let-éabcdefghijklmnop", "ck-let-…mnop"},
	}
	for _, tt := range tests {
		if got := m.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := m.Mask(tt.want); got != tt.want {
			t.Errorf("not idempotent: Mask(%q) = %q", tt.want, got)
		}
	}
	// A shape ends at each of these, which stays.
	for _, c := range " \t\n\r\v\f\"'`,;()[]{}<>|&?#" {
		in := "ck-let-abcdefghijklmnop" + string(c) + "tail"
		if got, want := m.Mask(in), "ck-let-a…"+string(c)+"tail"; got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	// HoldsKey: key shapes only, wherever they start.
	for in, want := range map[string]bool{
		"sk-let-ab":                              true,
		"sk-let-a":                               false,
		"ck-let-abcdefghijklmnop":                false,
		"sk-let-Q…sk-let-abcdefghijklmnop":       true,
		"sk-let-Q…":                              false,
		"x sk-let-abcdefghijklmnop":              true,
		"ck-let-abcdefghijklmnopsk-let-abcdefgh": true,
	} {
		if got := m.HoldsKey(in); got != want {
			t.Errorf("HoldsKey(%q) = %v, want %v", in, got, want)
		}
	}
}

// An escaped run of the key is masked exactly, escapes and all: every
// encoding, the run's first or last character alone escaped, at every
// offset and probe alignment, at the start or the end of a text. What is
// around it stays, and 11 characters, however spelled, are left alone.
func TestMaskerEscapedRuns(t *testing.T) {
	m := NewMasker(tKey)
	spell := [][]byte{
		{encPctUpper}, {encPctLower}, {encJSONU}, {encGoX},
		{encRaw, encPctLower}, {encJSONU, encRaw, encRaw},
	}
	for i := 0; i+MinWindow-1 <= len(tKeyPart); i++ {
		for _, n := range []int{MinWindow - 1, MinWindow} {
			if i+n > len(tKeyPart) {
				continue
			}
			run := tKeyPart[i : i+n]
			var forms []string
			for _, modes := range spell {
				forms = append(forms, encode(run, modes))
			}
			for _, modes := range spell[:4] {
				forms = append(forms,
					encode(run[:1], modes)+run[1:],     // the first character alone
					run[:n-1]+encode(run[n-1:], modes), // the last alone
					encode(run[:1], modes)+run[1:n-1]+encode(run[n-1:], modes))
			}
			for _, form := range forms {
				for pad := 0; pad <= probeStride; pad++ {
					for _, after := range []string{"", "."} {
						in := strings.Repeat(".", pad) + form + after
						want := in
						if n >= MinWindow {
							want = strings.Repeat(".", pad) + "sk-let-Q…" + after
						}
						if got := m.Mask(in); got != want {
							t.Fatalf("Mask(%q) = %q, want %q", in, got, want)
						}
					}
				}
			}
		}
	}
}

// Keys with characters a decoder spells in two or more bytes: each
// escape is decoded to exactly what it stands for, at the end of a text
// too, and the key found through it is masked whole.
func TestMaskerDecodes(t *testing.T) {
	const lead = "Ab1Cd2Ef3G" // 10 bytes: one more character makes a run
	tests := []struct{ key, in string }{
		{lead + "h/", lead + `h\/`},
		{lead + "h/", lead + "h~1"},
		{lead + "h~", lead + "h~0"},
		{lead + `h"`, lead + `h\"`},
		{lead + `h'`, lead + `h\'`},
		{lead + `h\`, lead + `h\\`},
		{lead + "h\n", lead + `h\n`},
		{lead + "h\t", lead + `h\t`},
		{lead + "h\r", lead + `h\r`},
		{lead + "h\b", lead + `h\b`},
		{lead + "h\f", lead + `h\f`},
		{"/" + lead + "h", "~1" + lead + "h"},
		{"~" + lead + "h", "~0" + lead + "h"},
		{lead + "hO_o?", lead + "h%4F%5f%6f%3F"},
		{lead + "hO_o?", lead + `h\x4F\x5f\u006f\u003F`},
		{lead + "hPYZJ", lead + "h%50%59%5A%4a"},
		{lead + "h\x00", lead + `h\u0000`},
		{lead + "h\x00", lead + `h\U00000000`},
		{lead + "h\u0080", lead + `h\u0080`},
		{lead + "h\u0080", lead + `h\U00000080`},
		{lead + "h\u07ff", lead + `h\u07FF`},
		{lead + "h\ue000", lead + `h\ue000`},
		{lead + "h\uffff", lead + `h\uFFFF`},
		{lead + "\U00010000", lead + `\ud800\udc00`},
		{lead + "\U0010FFFF", lead + `\udbff\udfff`},
		{lead + "\U0010FFFF", lead + `\U0010ffff`},
		{lead + "\U0001F600", lead + `\uD83D\uDE00`},
		// Eight bytes and a four-byte character: a run only if each of
		// its bytes is decoded right.
		{lead[:8] + "\U00010000", lead[:8] + `\ud800\udc00`},
		{lead[:8] + "\U0010FFFF", lead[:8] + `\udbff\udfff`},
		{lead[:8] + "\U0001F600", lead[:8] + `\uD83D\uDE00`},
		{lead[:8] + "\U00010401", lead[:8] + `\ud801\udc01`},
		// What stands for no character reads as one 0xFF byte.
		{lead + "h\xff\xff", lead + `h\udc00\udc00`},
		{lead + "h\xff", lead + `h\ud800`},
		{lead + "h\xff", lead + `h\udc00`},
		{lead + "h\xffA", lead + `h\ud800\u0041`},
		{lead + "h\xff\ue000", lead + `h\ud800\ue000`},
		{lead + "h\xff\xff", lead + `h\ud800\ud800`},
		{lead + "h\xff", lead + `h\U00110000`},
	}
	for _, tt := range tests {
		m := NewMasker("").WithKeys(tt.key)
		want := Key(tt.key)
		for _, around := range [][2]string{{"", ""}, {"<", ">"}, {"x~", "~"}} {
			in := around[0] + tt.in + around[1]
			if got := m.Mask(in); got != around[0]+want+around[1] {
				t.Errorf("key %q: Mask(%q) = %q, want %q", tt.key, in, got, around[0]+want+around[1])
			}
		}
	}
	// Escapes that decode to nothing, or to something else, are left as
	// they are.
	m := NewMasker("").WithKeys(lead + "hX")
	for _, in := range []string{lead + `h\u00`, lead + `h\x5`, lead + `h%5`, lead + `h\U0000005`, lead + `h\`, lead + "h%", lead + "h~", lead + "h~2", lead + `h\q`, lead + `h\u00g8`, lead + "h%g8", lead + "h%8g"} {
		if got := m.Mask(in); got != in {
			t.Errorf("Mask(%q) = %q, want it unchanged", in, got)
		}
	}
}

// The display forms: a key keeps 8 bytes, a token 8 and on 24 bytes or
// more its last 4, a value under 16 bytes nothing; whole characters only,
// and none of bytes that start no character.
func TestDisplayForms(t *testing.T) {
	const s = "sk-let-0123456789ABCDEFGHIJ"
	tests := []struct{ in, key, token string }{
		{"", "", ""},
		{"short", "…", "…"},
		{s[:15], "…", "…"},
		{s[:16], "sk-let-0…", "sk-let-0…"},
		{s[:23], "sk-let-0…", "sk-let-0…"},
		{s[:24], "sk-let-0…", "sk-let-0…DEFG"},
		{"ck-let-mock-000042-0123456789abcdef", "ck-let-m…", "ck-let-m…cdef"},
		{"ck-let-ééééééééééééééééé", "ck-let-…", "ck-let-…éé"},
		{strings.Repeat("\x80", 16), "…", "…"},
		{strings.Repeat("\x80", 24), "…", "…"},
		{"ck-let-" + strings.Repeat("\x80", 17), "ck-let…", "ck-let…"},
		{"ck-let-é" + strings.Repeat("a", 12) + "xéé", "ck-let-…", "ck-let-…éé"},
		{"ck-let-" + strings.Repeat("a", 14) + "éabc", "ck-let-a…", "ck-let-a…abc"},
		{"ck-let-0123456789abcdé", "ck-let-0…", "ck-let-0…"},
		{"ck-let-0123456789abcdeé", "ck-let-0…", "ck-let-0…deé"},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.key {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.key)
		}
		if got := Token(tt.in); got != tt.token || !utf8.ValidString(got) {
			t.Errorf("Token(%q) = %q, want %q", tt.in, got, tt.token)
		}
	}
}

// manyValues is a page of more values than are probed one by one: they
// are indexed.
func manyValues() []string {
	var page []string
	for i := range maxProbedValues + 1 {
		page = append(page, fmt.Sprintf("ck-let-pg%02d-Wq3Ez5Rt7Yu9Io1Pa", i))
	}
	return page
}

// Text before a run, escaped or not, is left as it is, to the byte: a
// raw byte after an escape maps to itself in the decoded view.
func TestMaskerAfterEscapes(t *testing.T) {
	m := NewMasker(tKey)
	for _, before := range []string{"%41.", `\u0041.`, "~0.", "~1.", `\".`, `\x41..`, "%2541.", "%%41."} {
		for _, run := range []string{tKeyPart[:12], encode(tKeyPart[:12], []byte{encJSONU, encRaw}), tKeyPart[3:20] + "%33"} {
			in := before + run + ".%41"
			if got, want := m.Mask(in), before+"sk-let-Q….%41"; got != want {
				t.Errorf("Mask(%q) = %q, want %q", in, got, want)
			}
		}
	}
}

// Layers of escapes are peeled up to maxDecodePasses deep, and no deeper:
// the bound on the work one text costs.
func TestMaskerDecodeDepth(t *testing.T) {
	m := NewMasker(tKey)
	run := encode(tKeyPart[:12], []byte{encPctUpper}) // one layer
	for depth := 1; depth <= maxDecodePasses+1; depth++ {
		in := "<" + run + ">"
		want := "<sk-let-Q…>"
		if depth > maxDecodePasses {
			want = in
		}
		if got := m.Mask(in); got != want {
			t.Errorf("%d layers: Mask(%q) = %q, want %q", depth, in, got, want)
		}
		run = strings.ReplaceAll(run, "%", "%25")
	}
}
