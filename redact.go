package lettatokens

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// How much of a secret survives redaction: its kind ("ck-let-" is a token,
// "sk-let-" a key) and, on a long token, its last characters, so that two
// tokens can be told apart in a table or a log ("ck-let-a…9f3c"). Far too
// little to use one. API keys keep the prefix only: there is one key in use,
// nothing to tell apart.
const (
	redactedPrefixLen = 8
	redactedSuffixLen = 4
	// minLenForSuffix: below this the kept characters would be a large share
	// of the token, so only the prefix is kept.
	minLenForSuffix = 24
)

// RedactToken returns a form of a client-side access token that is safe to
// print: a short prefix, an ellipsis, and on long tokens the last four
// characters. Values shorter than twice the prefix are hidden entirely.
func RedactToken(secret string) string {
	if len(secret) >= minLenForSuffix {
		return secret[:redactedPrefixLen] + "…" + secret[len(secret)-redactedSuffixLen:]
	}
	return redactKey(secret)
}

// redactKey keeps a short prefix only.
func redactKey(secret string) string {
	switch {
	case secret == "":
		return ""
	case len(secret) < 2*redactedPrefixLen:
		return "…"
	}
	return secret[:redactedPrefixLen] + "…"
}

// secretPattern matches Letta secrets by shape: client-side access tokens
// (ck-let-…) and API keys (sk-let-…). No word boundary before them (an
// underscore would defeat it), and the tail takes backslashes and percent
// signs too, so that a JSON-escaped ("\/") or URL-escaped secret is redacted
// whole rather than cut at the escape.
var secretPattern = regexp.MustCompile(`[cs]k-let-[A-Za-z0-9._~+/=%\\-]+`)

// RedactSecrets rewrites every Letta secret found in text, and every
// occurrence of the extra values given (such as the API key in use, in its
// plain, JSON-escaped and URL-escaped forms), with its redacted form. Use it
// on any text that may echo a server's body or a request: error messages,
// validation reports, logs.
func RedactSecrets(text string, extra ...string) string {
	for _, v := range extra {
		if len(v) < 4 { // shorter values would redact ordinary words
			continue
		}
		for _, form := range escapedForms(v) {
			text = strings.ReplaceAll(text, form, redactKey(v))
		}
	}
	return secretPattern.ReplaceAllStringFunc(text, func(m string) string {
		if len(m) <= redactedPrefixLen {
			return m // the prefix of a redacted secret: keep RedactSecrets idempotent
		}
		if strings.HasPrefix(m, "sk-") {
			return redactKey(m)
		}
		return RedactToken(m)
	})
}

// escapedForms lists v as it may appear in text: as is, inside a JSON
// string, and URL-encoded in a query or a path.
func escapedForms(v string) []string {
	forms := []string{v}
	if b, err := json.Marshal(v); err == nil {
		inJSON := string(b[1 : len(b)-1])
		// Go leaves "/" alone; other encoders write "\/".
		forms = append(forms, inJSON, strings.ReplaceAll(inJSON, "/", `\/`))
	}
	forms = append(forms, url.QueryEscape(v), url.PathEscape(v))
	out := forms[:1]
	for _, f := range forms[1:] {
		if f != v && !containsString(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
