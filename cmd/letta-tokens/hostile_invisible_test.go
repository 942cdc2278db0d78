package main

import (
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
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

// TestCheckJSONEscapesInvisibleCharacters: the same through check's
// findings, which quote what the server sent.
func TestCheckJSONEscapesInvisibleCharacters(t *testing.T) {
	for _, c := range []string{"\u200b", "\u202e", "\u009b"} {
		ts := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(2)}),
			func(page map[string]any) {
				mocktest.ForEachToken(page, func(tok map[string]any) {
					tok["hostname"] = interleave(testKey, c)
					tok["field"+c] = interleave(testKey, c)
				})
			}))
		for _, args := range [][]string{{"check"}, {"check", "--json"}} {
			r := runCLI(t, envFor(ts.URL), args...)
			if strings.Contains(r.stdout+r.stderr, c) {
				t.Errorf("%q, %q: printed raw:\n%s%s", c, args, r.stdout, r.stderr)
			}
		}
	}
}
