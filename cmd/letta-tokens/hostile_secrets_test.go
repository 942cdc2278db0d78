package main

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/letta-tokens/letta-tokens/mock"
)

// The hostile cases of issue 13: a server on loopback sends the API key
// or token values back in forms the masking once missed. Each must come
// out masked (or defused), whatever the command and output.

// keyPart is the secret part of testKey: what follows sk-let-.
func keyPart() string { return strings.TrimPrefix(testKey, "sk-let-") }

// leak returns a run of 12 characters of secret that out holds, plain or
// spelled with %xx (either case), \u00xx or \xXX escapes, or "".
func leak(out, secret string) string {
	for i := 0; i+12 <= len(secret); i++ {
		w := secret[i : i+12]
		for _, form := range []string{w, escapeEach(w, "%%%02x"), escapeEach(w, "%%%02X"), escapeEach(w, `\u%04x`), escapeEach(w, `\x%02x`)} {
			if strings.Contains(out, form) {
				return form
			}
		}
	}
	return ""
}

func escapeEach(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

// The GitHub runner trims every Unicode space around a line before it
// reads "::"; a token value starting with one must not forge a command.
func TestHostileUnicodeSpaceBeforeWorkflowCommand(t *testing.T) {
	for _, sp := range []string{"\u3000", "\u00a0", "\u2000", "\u2007", "\u200a", "\ufeff"} {
		value := sp + "::error title=forged::pwned-0123456789"
		list := servePage(t, []map[string]any{hostileToken(value, sp+"::warning::x", "agent-1")})
		env := envFor(list)
		env[envGitHubActions] = "true"
		for _, args := range [][]string{{"list", "--reveal"}, {"list", "--reveal", "--json"}, {"list"}} {
			r := runCLI(t, env, args...)
			for _, line := range strings.Split(r.stdout+r.stderr, "\n") {
				if strings.HasPrefix(strings.TrimLeftFunc(line, func(r rune) bool {
					return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
				}), "::") {
					t.Errorf("%U, %q: a workflow command is printed: %q", []rune(sp)[0], args, line)
				}
			}
		}
	}
}

// create's report does not print a token hidden after control
// characters behind a token's prefix (list's: TestListPrintsNoSecret).
func TestHostileControlCharactersAfterPrefix(t *testing.T) {
	const odd = "ck-let-\x1c\x1cOTHERSECRETVALUE0123456789"
	tok := hostileToken("ck-let-created-Hn3Jk8Lm2Pq7Rs4Tv0123", odd, mock.SeedAgentID(0))
	tok["expiresAt"] = "2099-01-01T00:00:00.000Z"
	r := runCLI(t, envFor(hostileCreate(t, tok)), createArgs()...)
	if r.code != exitOK || strings.Contains(r.stdout+r.stderr, "OTHERSECRET") {
		t.Errorf("create: exit %d, report printed the odd token:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
