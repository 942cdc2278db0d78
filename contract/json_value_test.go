package contract

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodePlainJSON: whatever decodePlainJSON decodes, encoding/json's
// Decoder with UseNumber decodes to the same value, with nothing but
// whitespace after it; what it leaves to encoding/json is listed in the
// seeds (an escape, invalid UTF-8, trailing data, deep nesting, a bad
// number), and every response body of the fixtures it can take, it takes.
func FuzzDecodePlainJSON(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "*", "*.http"))
	for _, name := range fixtures {
		body := readExchange(f, name).body
		plain := !bytes.ContainsAny(body, "\\\x00") && strings.Contains(name, "conformant")
		if _, ok := decodePlainJSON(body); plain && !ok {
			f.Errorf("%s: left to encoding/json", name)
		}
		f.Add(body)
	}
	for _, seed := range []struct {
		body string
		ok   bool
	}{
		{` {"a" : [1, -0.5e+3, 2E7, true, false, null, {}, []], "b":"x","b":"y"} `, true},
		{`"snow ☃ \u2603"`, false},
		{"\"bad \xff\"", false},
		{"\"tab\t\"", false},
		{`{"a":1} {"b":2}`, false},
		{`[1,]`, false},
		{`{"a":1,}`, false},
		{`01`, false},
		{`-`, false},
		{`1.`, false},
		{`1e`, false},
		{`nul`, false},
		{`123456789012345678901234567890`, true},
		{strings.Repeat("[", maxPlainDepth) + strings.Repeat("]", maxPlainDepth), true},
		{strings.Repeat("[", maxPlainDepth+1) + strings.Repeat("]", maxPlainDepth+1), false},
		{"", false},
	} {
		if _, ok := decodePlainJSON([]byte(seed.body)); ok != seed.ok {
			f.Errorf("%q: ok %v, want %v", seed.body, ok, seed.ok)
		}
		f.Add([]byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := decodePlainJSON(body)
		if !ok {
			if got != nil {
				t.Fatalf("%q: not taken, yet a value %#v", body, got)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("decoded %q, which encoding/json rejects: %v", body, err)
		}
		if rest := bytes.TrimSpace(body[dec.InputOffset():]); len(rest) > 0 {
			t.Fatalf("decoded %q, which has data after its value", body)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %#v, encoding/json %#v", body, got, want)
		}
	})
}
