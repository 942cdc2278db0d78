package lettatokens

import "github.com/letta-tokens/letta-tokens/redact"

// RedactToken returns a form of a client-side access token that is safe to
// print: a short prefix, an ellipsis, and on long tokens the last four
// characters ("ck-let-a…9f3c"). It is [redact.Token], here for callers who
// import only this package.
func RedactToken(secret string) string { return redact.Token(secret) }

// RedactSecrets rewrites every Letta secret found in text (anything shaped
// like a token or an API key), and every occurrence of the extra values
// given (such as the API key in use, in its plain, JSON-escaped and
// URL-escaped forms), with its redacted form. It is [redact.Secrets].
func RedactSecrets(text string, extra ...string) string { return redact.Secrets(text, extra...) }

// safeLine is [redact.Safe] followed by a second masking pass. Escaping can
// itself make a secret's shape: "ck-let-" followed by control characters
// and then letters is no token to the first pass, but escaped it reads
// "ck-let-\x1c\x1cABCD…", which is. Masking only shortens the text, so the
// cap still holds.
func safeLine(s string, limit int, extra ...string) string {
	return redact.Secrets(redact.Safe(s, limit, extra...), extra...)
}
