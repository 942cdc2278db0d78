package lettatokens

import (
	"regexp"
	"strings"
)

// redactedPrefixLen is how much of a secret survives redaction: enough to
// tell two tokens apart in a log ("ck-let-a…"), far too little to use one.
const redactedPrefixLen = 8

// RedactToken returns a form of a secret (a client-side access token or an
// API key) that is safe to print: a short prefix followed by an ellipsis.
// Secrets shorter than twice the prefix are hidden entirely, since their
// prefix would be a large share of the secret.
func RedactToken(secret string) string {
	if secret == "" {
		return ""
	}
	if len(secret) < 2*redactedPrefixLen {
		return "…"
	}
	return secret[:redactedPrefixLen] + "…"
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
		if len(m) <= redactedPrefixLen+len("…") && strings.HasSuffix(m, "…") || len(m) <= redactedPrefixLen {
			return m // already redacted: keep RedactSecrets idempotent
		}
		return RedactToken(m)
	})
}
