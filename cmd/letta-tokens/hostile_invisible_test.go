package main

import (
	"strings"
	"testing"
)

// interleave writes sep after each byte of s: the key spelled so that a
// terminal or a CI log shows it whole, while no 12 characters of it are
// adjacent in the bytes.
func interleave(s, sep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		b.WriteString(sep)
	}
	return b.String()
}

// invisible are characters a terminal draws as nothing (format characters)
// or acts on (DEL, the C1 CSI, a bidi override), which encoding/json
// leaves raw.
var invisible = []string{"\u200b", "\u00ad", "\u200d", "\u2060", "\ufeff", "\u202e", "\u0085", "\u009b", "\x7f"}

// TestJSONEscapesInvisibleCharacters: a server answers create with the
// API key in a field with an invisible character after each letter, and a
// C1 CSI or a bidi override in another: create --json prints each as a \u
// escape, never raw (list's: TestListPrintsNoSecret).
func TestJSONEscapesInvisibleCharacters(t *testing.T) {
	for _, c := range invisible {
		tok := hostileToken("ck-let-0123456789abcdef0123456789abcdef", "https://"+interleave(testKey, c)+".example.com", "agent-1"+c+"[31m")
		r := runCLI(t, envFor(hostileCreate(t, tok)), createArgs("--json")...)
		if strings.Contains(r.stdout+r.stderr, c) {
			t.Errorf("%q, create --json: printed raw:\n%s", c, r.stdout)
		}
	}
}
