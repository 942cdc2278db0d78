package main

import (
	"strings"

	"github.com/letta-tokens/letta-tokens/gen"
	// Aliased: check.go declares a func named redact.
	"github.com/letta-tokens/letta-tokens/redact"
)

// masker decides what of a server's tokens list may print. A server may
// put a secret in any field: the caller's API key echoed as an agent id or
// inside a hostname, another token's value in an expiry. So every string
// field is masked, not only "token":
//
//   - the API key in use, in any form (plain, JSON- or URL-escaped), and
//     anything shaped like a Letta key (sk-let-…), are masked everywhere,
//     --reveal or not;
//   - anything shaped like a token (ck-let-…) is masked in every field but
//     the token's own value;
//   - the token's own value is shown redacted (ck-let-a…9f3c), or in full
//     with --reveal, unless it holds the API key.
//
// So --reveal shows each token's own value and nothing more: a token value
// in another field is not that row's token, and the key is never shown.
type masker struct {
	apiKey string
	reveal bool
	// keyCore is the longest run of letters and digits in apiKey, when it
	// is long enough to search for: every form of the key that
	// redact.Secrets masks (plain, JSON-escaped, URL-escaped) holds it,
	// as no such escaping touches letters or digits. A string without it
	// holds no form of the key, and needs no masking pass for it. Empty: no
	// shortcut, every string is scanned.
	keyCore string
}

// minKeyCore is the shortest keyCore worth the shortcut.
const minKeyCore = 8

func newMasker(apiKey string, reveal bool) masker {
	m := masker{apiKey: apiKey, reveal: reveal}
	for _, run := range strings.FieldsFunc(apiKey, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) {
		if len(run) > len(m.keyCore) {
			m.keyCore = run
		}
	}
	if len(m.keyCore) < minKeyCore {
		m.keyCore = ""
	}
	return m
}

// mayHoldKey is false when s certainly holds no form of the API key.
func (m masker) mayHoldKey(s string) bool {
	return m.keyCore == "" || strings.Contains(s, m.keyCore)
}

// token returns a copy of tok that is safe to print. It shares no slice
// with tok, so that masking never edits the caller's page.
func (m masker) token(tok gen.Token) gen.Token {
	tok.Token = m.value(tok.Token)
	if !m.fieldsHoldSecret(tok) {
		return tok // the common case, decided with one scan of the row
	}
	tok.Hostname = m.field(tok.Hostname)
	tok.ExpiresAt = m.field(tok.ExpiresAt)
	tok.Policy.Version = gen.TokenPolicyVersion(m.field(string(tok.Policy.Version)))
	if tok.Policy.Data != nil {
		data := make([]gen.AgentPolicy, len(tok.Policy.Data))
		for i, d := range tok.Policy.Data {
			d.Id = m.field(d.Id)
			d.Type = gen.AgentPolicyType(m.field(string(d.Type)))
			if d.Access != nil {
				access := make([]gen.AgentAccess, len(d.Access))
				for j, a := range d.Access {
					access[j] = gen.AgentAccess(m.field(string(a)))
				}
				d.Access = access
			}
			data[i] = d
		}
		tok.Policy.Data = data
	}
	return tok
}

// fieldsHoldSecret reports whether any string of tok but its value would
// be masked. The strings are scanned as one text, joined by NUL, which
// neither a secret's shape nor an API key holds, so no match can span two
// fields: one pass over the row instead of one per field.
func (m masker) fieldsHoldSecret(tok gen.Token) bool {
	var b strings.Builder
	for _, s := range []string{tok.Hostname, tok.ExpiresAt, string(tok.Policy.Version)} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	for _, d := range tok.Policy.Data {
		b.WriteString(d.Id)
		b.WriteByte(0)
		b.WriteString(string(d.Type))
		b.WriteByte(0)
		for _, a := range d.Access {
			b.WriteString(string(a))
			b.WriteByte(0)
		}
	}
	row := b.String()
	if !m.mayHoldKey(row) && !strings.Contains(row, "k-let-") {
		return false
	}
	return redact.Secrets(row, m.apiKey) != row
}

// field masks a string that is not a token's value.
func (m masker) field(s string) string {
	return redact.Secrets(s, m.apiKey)
}

// value is the printable form of a token's own value.
func (m masker) value(v string) string {
	switch {
	case m.holdsKey(v):
		return redact.Secrets(v, m.apiKey)
	case m.reveal:
		return v
	}
	return redact.Token(v)
}

// holdsKey reports whether s holds the API key in use, in any form, or
// anything shaped like an API key. A token's value is shaped like a token,
// which Secrets always masks; with that shape defused ("ck-let-" becomes
// "ck-LET-", in the key too, and no escaping touches those letters), what
// Secrets still masks is the key.
func (m masker) holdsKey(s string) bool {
	if strings.Contains(s, "sk-let-") {
		return true
	}
	if !m.mayHoldKey(s) {
		return false
	}
	defused := strings.ReplaceAll(s, "k-let-", "k-LET-")
	return redact.Secrets(defused, strings.ReplaceAll(m.apiKey, "k-let-", "k-LET-")) != defused
}
