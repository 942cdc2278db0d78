package contract

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/letta-tokens/letta-tokens/redact"
)

// maxFindingText caps a whole finding message or pointer: each server
// string in it is already capped at redact.MaxLine, and a message quotes
// only a few.
const maxFindingText = 4 * redact.MaxLine

// maxFindingsPerSeverity caps the findings one exchange yields of each
// severity: a page of 40,000 tokens, each with a field of its own name,
// must not become 40,000 findings to hold, mask and print.
const maxFindingsPerSeverity = 100

// minMaskedValue is the shortest token value masked wherever it appears in
// a finding: shorter ones would mask ordinary words, and a real token is
// far longer.
const minMaskedValue = 12

// pointerEscaper is RFC 6901's escaping of a pointer segment.
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// safe makes one server-supplied string fit for a finding: the API key and
// anything token-shaped masked, control characters escaped, the length
// capped.
func (v *Validator) safe(s string) string {
	return redact.Safe(s, redact.MaxLine, v.secrets...)
}

// quote is safe, in double quotes, with quotes and backslashes in s
// escaped as Go does, so that where the server's string ends is plain.
func (v *Validator) quote(s string) string {
	q := strconv.Quote(redact.Secrets(s, v.secrets...))
	return redact.Line(q, redact.MaxLine)
}

// pointer builds a JSON pointer from segments, each made safe first: a
// member name is the server's to choose.
func (v *Validator) pointer(segments ...string) string {
	safe := make([]string, len(segments))
	for i, s := range segments {
		safe[i] = v.safe(s)
	}
	return jsonPointer(safe...)
}

// quoteScalar prints a short scalar; anything else is named by kind only.
func (v *Validator) quoteScalar(x any) string {
	if s, ok := x.(string); ok && len(s) <= 64 {
		return v.quote(s)
	}
	if s, ok := x.(fmt.Stringer); ok { // json.Number, whose text the server chose
		return v.safeCapped(s.String(), 64)
	}
	switch x.(type) {
	case bool, float64:
		return fmt.Sprint(x)
	}
	return "(" + jsonKind(x) + ")"
}

func (v *Validator) safeCapped(s string, limit int) string {
	return redact.Safe(s, limit, v.secrets...)
}

// guard is the last pass over a finding's text: masking, escaping and the
// cap again, then masking once more, since escaping can make text look like
// a secret ("ck-let-\x7f…" after escaping matches the token shape).
func (v *Validator) guard(s string, values []string) string {
	s = redact.Secrets(s, v.secrets...)
	s = maskValues(s, values)
	s = maskCutValues(s, values)
	return redact.Secrets(redact.Line(s, maxFindingText), v.secrets...)
}

// cutMark is what redact.Line ends a string it cut with.
const cutMark = "…"

// minCutValue is the shortest start of a value that maskCutValues masks:
// longer than the 8 bytes redact.Token shows anyway, which are followed by
// the same mark in a value already masked ("plain-lo…6789"), and must be
// left alone for the pass to be idempotent.
const minCutValue = 9

// maskCutValues masks what a cut left of a value. The pieces of a finding
// (a member name, a quoted string) are each cut to their cap when they are
// built, before the page's token values are known to mask: a piece that
// held a value across its cap ends in the start of the value, then the cut
// mark, which maskValues, looking for whole values, does not see. Each
// mark is looked at, and the start of a value (in any form maskValues
// knows) right before it is masked as the whole value would be.
func maskCutValues(s string, values []string) string {
	if len(values) == 0 || !strings.Contains(s, cutMark) {
		return s
	}
	var b strings.Builder
	for {
		head, rest, found := strings.Cut(s, cutMark)
		b.WriteString(maskValueStart(head, values))
		if !found {
			return b.String()
		}
		b.WriteString(cutMark)
		s = rest
	}
}

// maskValueStart masks the longest start of a value that head ends with.
func maskValueStart(head string, values []string) string {
	for _, val := range values {
		if len(val) < minMaskedValue {
			continue
		}
		for _, form := range valueForms(val) {
			for k := min(len(form)-1, len(head)); k >= minCutValue; k-- {
				if strings.HasSuffix(head, form[:k]) {
					return head[:len(head)-k] + redact.Token(val)
				}
			}
		}
	}
	return head
}

// maskValues replaces every value in s, as it is and as a finding may
// spell it (Go-quoted, or escaped in a JSON pointer), by its redacted form.
func maskValues(s string, values []string) string {
	for _, val := range values {
		if len(val) < minMaskedValue {
			continue
		}
		for _, form := range valueForms(val) {
			if strings.Contains(s, form) {
				s = strings.ReplaceAll(s, form, redact.Token(val))
			}
		}
	}
	return s
}

func valueForms(val string) []string {
	forms := []string{val}
	if q := strconv.Quote(val); q[1:len(q)-1] != val {
		forms = append(forms, q[1:len(q)-1])
	}
	if p := pointerEscaper.Replace(val); p != val {
		forms = append(forms, p)
	}
	return forms
}

// tokenValues lists the token values of a body, which no finding may
// quote, whatever field a server echoed one in: a page's (tokens[*].token)
// and a created token's own (token).
func tokenValues(body any) []string {
	page, _ := body.(map[string]any)
	tokens, _ := page["tokens"].([]any)
	var out []string
	if s, ok := page["token"].(string); ok && len(s) >= minMaskedValue {
		out = append(out, s)
	}
	for _, item := range tokens {
		if tok, _ := item.(map[string]any); tok != nil {
			if s, ok := tok["token"].(string); ok && len(s) >= minMaskedValue {
				out = append(out, s)
			}
		}
	}
	return out
}

// capFindings keeps the first maxFindingsPerSeverity findings of each
// severity, and says how many more there were.
func capFindings(fs Findings) Findings {
	var kept [2]int
	var dropped [2]int
	var droppedCheck [2]Check
	out := fs[:0:0]
	for _, f := range fs {
		i := severityIndex(f.Severity)
		if kept[i] < maxFindingsPerSeverity {
			kept[i]++
			out = append(out, f)
			continue
		}
		if dropped[i] == 0 {
			droppedCheck[i] = f.Check
		}
		dropped[i]++
	}
	for i, sev := range []Severity{Breaking, Additive} {
		if dropped[i] > 0 {
			out = append(out, Finding{Check: droppedCheck[i], Severity: sev,
				Message: fmt.Sprintf("more %s findings in this body are not listed (at most %d per body)", sev, maxFindingsPerSeverity)})
		}
	}
	return out
}

func severityIndex(s Severity) int {
	if s == Breaking {
		return 0
	}
	return 1
}
