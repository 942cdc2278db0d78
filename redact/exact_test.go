package redact

import (
	"fmt"
	"strings"
	"testing"
)

// The tests of this file assert exactly what comes out: what is masked,
// escaped or cut, and what is left as it was. The other tests mostly ask
// that nothing leaks; these also ask that nothing more is touched, at the
// edges where a search, a cut or a merge could be one byte off.

func TestDefuseJSONExact(t *testing.T) {
	tests := []struct{ in, want string }{
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

func TestLineExact(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		// At the cap exactly: nothing is cut, plain or escaped.
		{"abcdef", 6, "abcdef"},
		{"abcdefg", 6, "abc…"},
		{"abc\x1bdef", 10, `abc\x1bdef`},
		{"abc\x1bdefg", 10, `abc\x1b…`},
		// The kept part fills what the mark leaves exactly.
		{"abc\x1bdefghij", 10, `abc\x1b…`},
		{"ab\x1bdefghij", 10, `ab\x1bd…`},
		// A cut is marked, even where it falls inside a character.
		{"abcdé", 4, "a…"},
		{"abcdé", 5, "ab…"},
		{"abcdé", 6, "abcdé"},
		{"\x80\x80\x80\x80", 2, "…"},
		{"\x80\x80\x80\x80", 8, `\x80…`},
		// '#' and ':' last, where escaping is needed anyway.
		{"\x1b#", 0, `\x1b#`},
		{"\x1b:", 0, `\x1b:`},
		{"\x1b#[", 0, `\x1b\x23[`},
		{"::\x1b", 0, `\x3a:\x1b`},
		{" \x1b::", 0, ` \x1b::`},
		{"\x1f \x20~\x7f\x80", 0, `\x1f  ~\x7f\x80`},
		{"a\x80b", 0, `a\x80b`},
		{"a\uffffb\ufffe\U000e0001", 0, `a\uffffb\ufffe\U000e0001`},
		{"a\u00adb", 0, `a\xadb`},
	}
	for _, tt := range tests {
		if got := Line(tt.in, tt.limit); got != tt.want {
			t.Errorf("Line(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

// A run of a secret is masked exactly where it is, at every offset of the
// secret and every alignment with the probes (one gram every probeStride
// bytes), at the start, the end or the middle of a text; 11 characters
// are left alone, and so is everything around a run. Keys, values probed
// one by one, and values indexed (a page of many) alike.
func TestMaskerRunsExact(t *testing.T) {
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
func TestMaskerSecretsExact(t *testing.T) {
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

// Safe holds to its cap when masking lengthens what Line cut: a run of a
// long value (masked in 15 bytes) that only escaping spelled.
func TestSafeRecutsExact(t *testing.T) {
	m := NewMasker("", `ab\x1bcdefghijklmnopqrstuvwxyz`)
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"ab\x1bcdefghij", 14, `ab\x1bcd……`},
		{"ab\x1bcdefghij", 15, `ab\x1bcd…wxyz`},
		{"ab\x1bcdefghij", 0, `ab\x1bcd…wxyz`},
		{"ab\x1bcdefg", 0, `ab\x1bcdefg`},
	}
	for _, tt := range tests {
		got := m.Safe(tt.in, tt.limit)
		if got != tt.want {
			t.Errorf("Safe(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

// Where a secret starts: a Letta prefix right before a run is masked with
// it, even behind what starts an escape (two bytes at most); anything else
// before it is left as it is. AllowTokens shows it: no token shape covers
// the prefix there.
func TestMaskerPrefixExact(t *testing.T) {
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
func TestMaskerMergeExact(t *testing.T) {
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
func TestMaskerShapesExact(t *testing.T) {
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
func TestMaskerEscapedRunsExact(t *testing.T) {
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

// A value that repeats part of itself is found at each place the probe
// matches it, and masked as far as any of them reaches.
func TestMaskerRepeatingValueExact(t *testing.T) {
	const tt = "Ab1Cd2Ef3Gh4Ij5Kl6Mn"
	tests := []struct{ value, in, want string }{
		// Two matches from one start, the second reaching further.
		{"XYZWabcdefghXYZWabcdefghijklmnop", "XYZWabcdefghijkl", "XYZWabcd…mnop"},
		// Two matches to one end, the second from further back.
		{tt[4:] + "!" + tt, "." + tt, ".d2Ef3Gh4…l6Mn"},
	}
	for _, c := range tests {
		if got := NewMasker("", c.value).Mask(c.in); got != c.want {
			t.Errorf("value %q: Mask(%q) = %q, want %q", c.value, c.in, got, c.want)
		}
	}
}

// Keys with characters a decoder spells in two or more bytes: each
// escape is decoded to exactly what it stands for, at the end of a text
// too, and the key found through it is masked whole.
func TestMaskerDecodesExact(t *testing.T) {
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
		{lead + "h\xff", lead + `h\udbff`},
		{lead + "h\xff", lead + `h\udc00`},
		{lead + "h\xff", lead + `h\udfff`},
		{lead + "h\xffA", lead + `h\ud800\u0041`},
		{lead + "h\xff\ue000", lead + `h\ud800\ue000`},
		{lead + "h\xff\xff", lead + `h\ud800\ud800`},
		{lead + "h\xff", lead + `h\U00110000`},
		{lead + "h\xff", lead + `h\UFFFFFFFF`},
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

// The display forms keep whole characters only, and none of bytes that
// start no character.
func TestDisplayFormsExact(t *testing.T) {
	tests := []struct{ in, key, token string }{
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
		if got := Token(tt.in); got != tt.token {
			t.Errorf("Token(%q) = %q, want %q", tt.in, got, tt.token)
		}
	}
}

// A short secret is found whole, in any case, wherever it starts: at the
// start of a text, right after another, first letter 'a' or 'z'.
func TestMaskerShortExact(t *testing.T) {
	tests := []struct {
		m        *Masker
		in, want string
	}{
		{NewMasker("sk-let-abcdefghij"), "ABCDEFGHIJ", "sk-let-a…"},
		{NewMasker("sk-let-abcdefghij"), "x AbCdEfGhIj y", "x sk-let-a… y"},
		{NewMasker("sk-let-abcdefghij"), "abcdefghijABCDEFGHIJ", "sk-let-a…sk-let-a…"},
		{NewMasker("sk-let-abcdefghij"), "abcdefghi ABCDEFGHI", "abcdefghi ABCDEFGHI"},
		{NewMasker("sk-let-zyxwvutsrq"), "ZYXWVUTSRQ.zyxwvutsrq", "sk-let-z….sk-let-z…"},
		{NewMasker("sk-let-@bcdefghij"), "`BCDEFGHIJ @BCDEFGHIJ", "`BCDEFGHIJ sk-let-@…"},
		{NewMasker("sk-let-[bcdefghij"), "{bcdefghij [BCDEFGHIJ", "{bcdefghij sk-let-[…"},
		{NewMasker("", "val-ABCD"), "id VAL-abcd val-abc", "id … val-abc"},
		{NewMasker("", "zval-9"), "ZVAL-9 ZVAL-", "… ZVAL-"},
	}
	for _, tt := range tests {
		if got := tt.m.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
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
func TestMaskerAfterEscapesExact(t *testing.T) {
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
func TestMaskerDecodeDepthExact(t *testing.T) {
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
