package contract

import (
	"fmt"
	"slices"
	"strconv"

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

// safe makes one server-supplied string fit for a finding: the API key and
// anything token-shaped masked, control characters escaped, the length
// capped.
func (v *Validator) safe(s string) string {
	return v.masker().Safe(s, redact.MaxLine)
}

// quote is safe, in double quotes, with quotes and backslashes in s
// escaped as Go does, so that where the server's string ends is plain.
func (v *Validator) quote(s string) string {
	return redact.Line(strconv.Quote(v.masker().Mask(s)), redact.MaxLine)
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
		return v.masker().Safe(s.String(), 64)
	}
	switch x.(type) {
	case bool, float64:
		return fmt.Sprint(x)
	}
	return "(" + jsonKind(x) + ")"
}

// tokenValues lists the token values of a body, which no finding may
// quote, whatever field a server echoed one in: a page's (tokens[*].token)
// and a created token's own (token).
func tokenValues(body any) []string {
	page, _ := body.(map[string]any)
	tokens, _ := page["tokens"].([]any)
	var out []string
	for _, item := range slices.Concat([]any{page}, tokens) {
		tok, _ := item.(map[string]any)
		if s, ok := tok["token"].(string); ok && len(s) >= redact.MinWindow {
			out = append(out, s)
		}
	}
	return out
}

// capFindings keeps the first maxFindingsPerSeverity findings of each
// severity, and says how many more there were.
func capFindings(fs Findings) Findings {
	var kept, dropped [2]int
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
