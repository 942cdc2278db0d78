package lettatokens

import (
	"regexp"
	"strings"
)

// How much of a secret survives redaction: the kind ("ck-let-" is a token,
// "sk-let-" a key) and, on a long secret, its last characters, so that two
// tokens can be told apart in a table or a log ("ck-let-a…9f3c"). Far too
// little to use one.
const (
	redactedPrefixLen = 8
	redactedSuffixLen = 4
	// minLenForSuffix: below this the kept characters would be a large share
	// of the secret, so only the prefix is kept.
	minLenForSuffix = 24
)

// RedactToken returns a form of a secret (a client-side access token or an
// API key) that is safe to print: a short prefix, an ellipsis, and on long
// secrets the last four characters. Secrets shorter than twice the prefix
// are hidden entirely.
func RedactToken(secret string) string {
	switch {
	case secret == "":
		return ""
	case len(secret) < 2*redactedPrefixLen:
		return "…"
	case len(secret) < minLenForSuffix:
		return secret[:redactedPrefixLen] + "…"
	}
	return secret[:redactedPrefixLen] + "…" + secret[len(secret)-redactedSuffixLen:]
}

// secretPattern matches Letta secrets by shape: client-side access tokens
// (ck-let-…) and API keys (sk-let-…).
var secretPattern = regexp.MustCompile(`\b[cs]k-let-[A-Za-z0-9._~+/=-]+`)

// RedactSecrets rewrites every Letta secret found in text, and every
// occurrence of the extra values given (such as the API key in use), with its
// redacted form. Use it on any text that may echo a server's body or a
// request: error messages, validation reports, logs.
func RedactSecrets(text string, extra ...string) string {
	for _, v := range extra {
		if len(v) >= 4 { // shorter values would redact ordinary words
			text = strings.ReplaceAll(text, v, RedactToken(v))
		}
	}
	return secretPattern.ReplaceAllStringFunc(text, func(m string) string {
		if len(m) <= redactedPrefixLen {
			return m // the prefix of a redacted secret: keep RedactSecrets idempotent
		}
		return RedactToken(m)
	})
}
