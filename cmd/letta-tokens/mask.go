package main

import (
	"strings"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// masker decides what of a server's tokens list may print. A server may
// put a secret in any field: the caller's API key echoed as an agent id or
// inside a hostname, another token's value in an expiry, a row's own value
// in its hostname. So every string field is masked, not only "token", by
// redact's Masker, which knows every form (see redact.Masker.Mask):
//
//   - the API key in use, in any form, and anything shaped like a Letta
//     key (sk-let-…), are masked everywhere, --reveal or not;
//   - anything shaped like a token (ck-let-…), and the row's own value in
//     any shape, are masked in every field but the token's own value;
//   - the token's own value is shown redacted (ck-let-a…9f3c), or in full
//     with --reveal, unless it holds the API key.
//
// So --reveal shows each token's own value and nothing more: a token value
// in another field is not that row's token, and the key is never shown.
// This is display policy, which the boundary cannot apply: on list's and
// create's stdout it lets token shapes through, and it knows no row.
type masker struct {
	key    *redact.Masker // the run's (see boundary)
	reveal bool
	// keyFreeValues: no token value of the page holds the key (see page).
	keyFreeValues bool
}

// page returns the masker for the rows of one page: it also masks, in
// every field, each row's value that is not shaped like a token (shaped
// ones are masked anyway), so that one row cannot print another's value.
// Rows of other pages are not known here: a server that puts a value of
// page 1 in a field of page 2 is caught only by shape. It looks for the
// key in all the page's values at once: a row's value is looked at alone
// (see value) only when one of them holds it.
func (m masker) page(tokens []gen.Token) masker {
	var plain []string
	values := make([]string, len(tokens))
	for i, tok := range tokens {
		if !strings.Contains(tok.Token, "k-let-") {
			plain = append(plain, tok.Token)
		}
		values[i] = tok.Token
	}
	// One value a line: no secret spans two values.
	m.keyFreeValues = !m.key.HoldsKey(strings.Join(values, "\n"))
	m.key = m.key.With(plain...) // the same masker when there are none
	return m
}

// token returns a copy of tok that is safe to print. It shares no slice
// with tok, so that masking never edits the caller's page.
func (m masker) token(tok gen.Token) gen.Token {
	row := m.key.With(tok.Token)
	tok.Token = m.value(tok.Token)
	if !m.fieldsHoldSecret(row, tok) {
		return tok // the common case, decided with one scan of the row
	}
	tok.Hostname = row.Mask(tok.Hostname)
	tok.ExpiresAt = row.Mask(tok.ExpiresAt)
	tok.Policy.Version = gen.TokenPolicyVersion(row.Mask(string(tok.Policy.Version)))
	if tok.Policy.Data != nil {
		data := make([]gen.AgentPolicy, len(tok.Policy.Data))
		for i, d := range tok.Policy.Data {
			d.Id = row.Mask(d.Id)
			d.Type = gen.AgentPolicyType(row.Mask(string(d.Type)))
			if d.Access != nil {
				access := make([]gen.AgentAccess, len(d.Access))
				for j, a := range d.Access {
					access[j] = gen.AgentAccess(row.Mask(string(a)))
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
// be masked. The strings are scanned as one text, one field a line, so
// that no run of a secret spans two fields: one pass over the row instead
// of one per field.
func (m masker) fieldsHoldSecret(row *redact.Masker, tok gen.Token) bool {
	// Sized before it is built: no length of a field costs one more
	// allocation (TestMaskerTokenAllocs).
	n := len(tok.Hostname) + len(tok.ExpiresAt) + len(tok.Policy.Version) + 3
	for _, d := range tok.Policy.Data {
		n += len(d.Id) + len(d.Type) + 2
		for _, a := range d.Access {
			n += len(a) + 1
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range []string{tok.Hostname, tok.ExpiresAt, string(tok.Policy.Version)} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	for _, d := range tok.Policy.Data {
		b.WriteString(d.Id)
		b.WriteByte('\n')
		b.WriteString(string(d.Type))
		b.WriteByte('\n')
		for _, a := range d.Access {
			b.WriteString(string(a))
			b.WriteByte('\n')
		}
	}
	return row.Holds(b.String())
}

// value is the printable form of a token's own value.
func (m masker) value(v string) string {
	switch {
	case !m.keyFreeValues && m.key.HoldsKey(v):
		return m.key.Mask(v)
	case m.reveal:
		return v
	}
	return redact.Token(v)
}
