package redact

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
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

// MinWindow is the boundary: 12 characters of the key are masked, 11 are
// not (they would mask ordinary words in other secrets' absence).
func TestMaskerWindowBoundary(t *testing.T) {
	m := NewMasker(tKey)
	for i := 0; i+MinWindow <= len(tKeyPart); i++ {
		run := tKeyPart[i : i+MinWindow]
		if got := m.Mask("<" + run + ">"); strings.Contains(got, run) {
			t.Errorf("run at %d survived: %q", i, got)
		}
		short := run[:MinWindow-1]
		if got := m.Mask("<" + short + ">"); got != "<"+short+">" {
			t.Errorf("11 characters masked: %q", got)
		}
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

func TestKeyAndTokenLengths(t *testing.T) {
	const s = "sk-let-0123456789ABCDEFGHIJ" // 27 bytes
	tests := []struct {
		n          int
		key, token string
	}{
		{8, "…", "…"},
		{15, "…", "…"},
		{16, "sk-let-0…", "sk-let-0…"},
		{23, "sk-let-0…", "sk-let-0…"},
		{24, "sk-let-0…", "sk-let-0…DEFG"},
	}
	for _, tt := range tests {
		in := s[:tt.n]
		if got := Key(in); got != tt.key {
			t.Errorf("Key(%d bytes) = %q, want %q", tt.n, got, tt.key)
		}
		if got := Token(in); got != tt.token {
			t.Errorf("Token(%d bytes) = %q, want %q", tt.n, got, tt.token)
		}
		// Never more than 8 characters of a key, nor of a short token.
		if k := Key(in); strings.Contains(k, in[:min(len(in), 8)]) && tt.n < 16 {
			t.Errorf("Key(%d bytes) = %q keeps its first 8 characters", tt.n, k)
		}
	}
}

func TestLineEscapesDEL(t *testing.T) {
	if got := Line("a\x7fb", 0); got != `a\x7fb` {
		t.Errorf("Line(DEL) = %q", got)
	}
	if got := Line("\x7f", 3); got != `…` {
		t.Errorf("Line(DEL, 3) = %q", got)
	}
}

// Issue 13's hostile cases, at the level of the masker.
func TestMaskerHostileCases(t *testing.T) {
	m := NewMasker(tKey)
	t.Run("create answers ck-let- and the key's secret part", func(t *testing.T) {
		if got := m.Mask("ck-let-" + tKeyPart); survivor(got, tKeyPart) != "" {
			t.Errorf("%q", got)
		}
	})
	t.Run("secret part without prefix in a hostname, an agent id, a field name", func(t *testing.T) {
		for _, s := range []string{"https://" + tKeyPart + ".example.com", "agent-" + tKeyPart, `{"` + tKeyPart + `":1}`} {
			if got := m.Safe(s, MaxLine); survivor(got, tKeyPart) != "" {
				t.Errorf("%q", got)
			}
		}
	})
	t.Run("lowercase %xx in a 400 message, %xx and \\u00xx in a body", func(t *testing.T) {
		for _, s := range []string{
			"invalid key " + encode(tKey, []byte{encPctLower}),
			`{"detail":"` + encode(tKey, []byte{encPctUpper}) + `"}`,
			`{"detail":"` + encode(tKey, []byte{encJSONU}) + `"}`,
		} {
			if got := m.Safe(s, 0); survivor(got, tKeyPart) != "" {
				t.Errorf("%q", got)
			}
		}
	})
	t.Run("Unicode space before a workflow command", func(t *testing.T) {
		for _, sp := range []string{"\u3000", "\u00a0", "\u2000", "\u200a", "\ufeff", "\u200b", " \u3000 "} {
			in := sp + "::error title=forged::pwned"
			got := m.Safe(in, MaxLine)
			if strings.HasPrefix(strings.TrimLeftFunc(got, runnerTrims), "::") {
				t.Errorf("Safe(%q) = %q", in, got)
			}
			for _, line := range strings.Split(string(DefuseJSON([]byte(`"`+in+`"`+"\n"+in))), "\n") {
				if strings.HasPrefix(strings.TrimLeftFunc(line, runnerTrims), "::") {
					t.Errorf("DefuseJSON(%q) holds the line %q", in, line)
				}
			}
		}
	})
	t.Run("control characters after the prefix", func(t *testing.T) {
		in := "ck-let-\x1c\x1cOTHERSECRETVALUE0123456789"
		if got := m.Safe(in, MaxLine); strings.Contains(got, "OTHERSECRET") {
			t.Errorf("%q", got)
		}
	})
	t.Run("a row's own value in its hostname", func(t *testing.T) {
		if got := m.With(tValue).Safe("https://"+tValue+".example.com", MaxLine); survivor(got, tValue) != "" {
			t.Errorf("%q", got)
		}
	})
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
	}
	for _, tt := range tests {
		if got := string(DefuseJSON([]byte(tt.in))); got != tt.want {
			t.Errorf("DefuseJSON(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLineDefusesAfterUnicodeSpace(t *testing.T) {
	for _, sp := range []string{"\u3000", "\u00a0", "\u2000", "\u2005", "\u200a", "\u205f", "\u1680"} {
		got := Line(sp+"::error title=x::forged", MaxLine)
		if strings.HasPrefix(strings.TrimLeftFunc(got, runnerTrims), "::") {
			t.Errorf("Line(%q…) = %q", sp, got)
		}
		if got := Line(sp+"a::b", MaxLine); got != sp+"a::b" {
			t.Errorf("Line(%q) = %q, want it unchanged", sp+"a::b", got)
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

// Mask masks what HoldsKey finds: the case of a secret's letters does not
// let it through, and masking stays idempotent.
func TestMaskerAnyCase(t *testing.T) {
	m := NewMasker(tKey, tValue)
	for _, in := range []string{
		"Bearer " + strings.ToUpper(tKey),
		"https://" + strings.ToLower(tKeyPart[3:20]) + ".example.com",
		"x " + strings.ToUpper(tValue) + " y",
		"CK-LET-0123456789ABCDEFGHIJ",
		"ck-let-0000SK-LET-0000abcdefghij",
	} {
		got := m.Mask(in)
		if w := survivorInAnyCase(got, strings.ToLower(tKeyPart)); w != "" {
			t.Errorf("Mask(%q) = %q: %q survived", in, got, w)
		}
		for _, leak := range []string{"ABCDEFGHIJ", "abcdefghij", strings.ToUpper(tValue[10:22])} {
			if strings.Contains(got, leak) {
				t.Errorf("Mask(%q) = %q holds %q", in, got, leak)
			}
		}
		if again := m.Mask(got); again != got {
			t.Errorf("not idempotent: %q then %q", got, again)
		}
	}
	if got := m.Mask("ck-let-0000sk-let-0000abcdefghij"); got != "sk-let-0…" {
		t.Errorf("a key's shape behind a token's: %q, want the key's masked form", got)
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
