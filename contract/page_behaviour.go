package contract

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// pageBehaviour checks what one page can show on its own beyond the schema.
// It reads the decoded body loosely: a body of the wrong shape has already
// been reported by the schema check.
func (v *Validator) pageBehaviour(r *http.Request, body any) Findings {
	page, _ := body.(map[string]any)
	tokens, _ := page["tokens"].([]any)
	var out Findings

	if limit, ok := v.EffectiveLimit(r); ok && len(tokens) > limit {
		out = append(out, Finding{Check: CheckPageSize, Severity: Breaking, Pointer: "/tokens",
			Message: fmt.Sprintf("page holds %d tokens, more than limit=%d", len(tokens), limit)})
	}
	agentID := r.URL.Query().Get("agentId")
	for i, item := range tokens {
		token, _ := item.(map[string]any)
		if token == nil {
			continue
		}
		if s, ok := token["expiresAt"].(string); ok && !isRFC3339(s) {
			out = append(out, v.expiresAtFinding(jsonPointer("tokens", strconv.Itoa(i), "expiresAt"), s))
		}
		if agentID != "" && !namesAgent(token, agentID) {
			out = append(out, Finding{Check: CheckAgentFilter, Severity: Breaking,
				Pointer: jsonPointer("tokens", strconv.Itoa(i), "policy", "data"),
				Message: fmt.Sprintf("token returned for agentId=%s names no such agent in its policy", v.quoteScalar(agentID))})
		}
	}
	return out
}

// createdBehaviour checks what a created token (a 201) can show beyond
// the schema: the expiresAt a client parses, as on a listed token.
func (v *Validator) createdBehaviour(body any) Findings {
	token, _ := body.(map[string]any)
	if s, ok := token["expiresAt"].(string); ok && !isRFC3339(s) {
		return Findings{v.expiresAtFinding("/expiresAt", s)}
	}
	return nil
}

func (v *Validator) expiresAtFinding(pointer, expiresAt string) Finding {
	return Finding{Check: CheckExpiresAt, Severity: Breaking, Pointer: pointer,
		Message: fmt.Sprintf("expiresAt %s is not an RFC 3339 timestamp", v.quoteScalar(expiresAt))}
}

// isRFC3339 is the rule expiresAt is held to: an RFC 3339 time, with or
// without fractional seconds. It is the rule of the client's
// lettatokens.ExpiresAt (a test keeps the two in agreement): what it
// cannot parse, a caller cannot use.
func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

func namesAgent(token map[string]any, agentID string) bool {
	policy, _ := token["policy"].(map[string]any)
	data, _ := policy["data"].([]any)
	for _, d := range data {
		if entry, _ := d.(map[string]any); entry != nil && entry["id"] == agentID {
			return true
		}
	}
	return false
}

// EffectiveLimit is the page size the server should apply to list
// request r: its limit, else the spec's default. ok is false when r's
// limit is unusable (the request check reports it).
func (v *Validator) EffectiveLimit(r *http.Request) (int, bool) {
	if raw := r.URL.Query().Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		return n, err == nil && n >= 0
	}
	for _, item := range v.doc.Paths.Map() {
		if op := item.Get; op != nil {
			if p := op.Parameters.GetByInAndName("query", "limit"); p != nil && p.Schema != nil && p.Schema.Value != nil {
				d, ok := p.Schema.Value.Default.(float64) // as kin decodes every JSON number
				return int(d), ok
			}
		}
	}
	return 0, false
}
