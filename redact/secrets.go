package redact

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// How much of a secret survives redaction: its kind ("ck-let-" is a token,
// "sk-let-" a key) and, on a long token, its last characters, so that two
// tokens can be told apart in a table or a log ("ck-let-a…9f3c"). Far too
// little to use one. API keys keep the prefix only: there is one key in use,
// nothing to tell apart.
const (
	prefixLen = 8
	suffixLen = 4
	// minLenForSuffix: below this the kept characters would be a large share
	// of the token, so only the prefix is kept.
	minLenForSuffix = 24
	// minExtraLen: extra values shorter than this are not searched for, as
	// they would mask ordinary words.
	minExtraLen = 4
)

// Token returns a form of a client-side access token that is safe to print:
// a short prefix, an ellipsis, and on long tokens the last four characters.
// Values shorter than twice the prefix are hidden entirely.
func Token(secret string) string {
	if len(secret) >= minLenForSuffix {
		return cut(secret, prefixLen) + "…" + tail(secret, suffixLen)
	}
	return Key(secret)
}

// Key returns a form of an API key that is safe to print: a short prefix
// only, or an ellipsis alone for a short value.
func Key(secret string) string {
	switch {
	case secret == "":
		return ""
	case len(secret) < 2*prefixLen:
		return "…"
	}
	return cut(secret, prefixLen) + "…"
}

// cut returns at most the first n bytes of s, never splitting a UTF-8
// sequence, so the result stays valid text.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// tail returns at most the last n bytes of s, never splitting a UTF-8
// sequence.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !isRuneStart(s[i]) {
		i++
	}
	return s[i:]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// secretPattern matches Letta secrets by shape: client-side access tokens
// (ck-let-…) and API keys (sk-let-…). No word boundary before them (an
// underscore would defeat it), and the tail takes backslashes and percent
// signs too, so that a JSON-escaped ("\/") or URL-escaped secret is masked
// whole rather than cut at the escape.
var secretPattern = regexp.MustCompile(`[cs]k-let-[A-Za-z0-9._~+/=%\\-]+`)

// Secrets rewrites every Letta secret found in text, and every occurrence of
// the extra values given (such as the API key in use, in its plain,
// JSON-escaped and URL-escaped forms), with its redacted form. Use it on any
// text that may echo a server's body or a request: error messages,
// validation reports, logs. It is idempotent.
func Secrets(text string, extra ...string) string {
	for _, v := range extra {
		if len(v) < minExtraLen {
			continue
		}
		for _, form := range escapedForms(v) {
			if strings.Contains(text, form) {
				text = strings.ReplaceAll(text, form, Key(v))
			}
		}
	}
	if !strings.Contains(text, "k-let-") {
		return text // the common case: nothing shaped like a secret
	}
	return secretPattern.ReplaceAllStringFunc(text, func(m string) string {
		if len(m) <= prefixLen {
			return m // the prefix of a redacted secret: keeps Secrets idempotent
		}
		if strings.HasPrefix(m, "sk-") {
			return Key(m)
		}
		return Token(m)
	})
}

// Contains reports whether text holds any secret Secrets would mask.
func Contains(text string, extra ...string) bool {
	return Secrets(text, extra...) != text
}

// escapedForms lists v as it may appear in text: as is, inside a JSON
// string (with "/" escaped or not), and URL-encoded in a query or a path.
func escapedForms(v string) []string {
	forms := []string{v}
	// Go's encoder escapes <, > and &, others do not; some escape "/" as
	// "\/" and others leave it.
	for _, escapeHTML := range []bool{true, false} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escapeHTML)
		if enc.Encode(v) != nil {
			continue
		}
		quoted := strings.TrimSuffix(b.String(), "\n")
		inJSON := quoted[1 : len(quoted)-1]
		forms = append(forms, inJSON, strings.ReplaceAll(inJSON, "/", `\/`))
	}
	forms = append(forms, url.QueryEscape(v), url.PathEscape(v))
	out := forms[:1]
	for _, f := range forms[1:] {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
