package contract_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// TestFindingsHoldNoTokenValueOfTheBody: a body's own token value, of no
// shape redaction knows, echoed as a member name, leaves no 12-byte
// window (raw or pointer-escaped) in a finding: a value of exactly
// redact.MinWindow bytes, in a page and in a created token; and a long
// value at every offset around the cap on a quoted name (it was cut to its
// cap before the page's values were masked, so its start was printed).
func TestFindingsHoldNoTokenValueOfTheBody(t *testing.T) {
	v := contract.NewTestValidator(t)
	token := func(val, member string) map[string]any {
		return map[string]any{"token": val, "hostname": "https://h", "expiresAt": "2030-01-02T03:04:05Z",
			"policy": map[string]any{"version": "1", "data": []any{}}, member: 1}
	}
	type exchange struct {
		name, method, val string
		status            int
		body              any
	}
	page := func(tok map[string]any) any { return map[string]any{"tokens": []any{tok}, "hasNextPage": false} }
	const twelve = "plainvalue12" // redact.MinWindow bytes, no ck-let- shape
	cases := []exchange{
		{"page, 12 bytes", http.MethodGet, twelve, http.StatusOK, page(token(twelve, twelve))},
		{"created, 12 bytes", http.MethodPost, twelve, http.StatusCreated, token(twelve, twelve)},
	}
	for _, val := range []string{"hostile-token-value-0123456789abcdef", "hostile/token~value\"0123456789abcdef"} {
		for pad := 150; pad < 205; pad++ {
			cases = append(cases, exchange{fmt.Sprintf("cut at pad %d", pad), http.MethodGet, val, http.StatusOK,
				page(token(val, strings.Repeat("x", pad)+val))})
		}
	}
	escape := strings.NewReplacer("~", "~0", "/", "~1", `"`, `\"`).Replace
	for _, c := range cases {
		body, err := json.Marshal(c.body)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(c.method, "/v1/client-side-access-tokens", nil)
		fs := v.ValidateResponse(req, c.status, jsonHeader, body)
		if len(fs) == 0 {
			t.Fatalf("%s: no finding for the unknown member", c.name)
		}
		for _, f := range fs {
			for _, text := range []string{f.Message, f.Pointer} {
				for i := 0; i+12 <= len(c.val); i++ {
					if w := c.val[i : i+12]; strings.Contains(text, w) || strings.Contains(text, escape(w)) {
						t.Fatalf("%s, value %q: %q holds %q", c.name, c.val, text, w)
					}
				}
			}
		}
	}
}

// encodePage encodes a page of tokens as the server would send it.
func encodePage(t *testing.T, tokens []gen.Token, more bool) []byte {
	t.Helper()
	b, err := json.Marshal(gen.TokenPage{Tokens: tokens, HasNextPage: more})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEnumValueQuotedUpToSixtyFour: an unknown enum value is quoted in
// the finding up to 64 bytes (the spec must learn it), and named by kind
// beyond.
func TestEnumValueQuotedUpToSixtyFour(t *testing.T) {
	v := contract.NewTestValidator(t)
	req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?limit=5", nil)
	for n, quoted := range map[int]bool{64: true, 65: false} {
		value := strings.Repeat("v", n)
		tok := mock.SeedTokens(1)[0]
		tok.Policy.Version = gen.TokenPolicyVersion(value)
		fs := v.ValidateResponse(req, http.StatusOK, jsonHeader, encodePage(t, []gen.Token{tok}, false))
		text := fs.String()
		if got := strings.Contains(text, `"`+value+`"`); got != quoted {
			t.Errorf("enum value of %d bytes: quoted %v, want %v:\n%s", n, got, quoted, text)
		}
	}
}

// TestFindingsCappedPerSeverity: a body keeps the first 100 findings of
// each severity and says, in one note of that severity, that more are not
// listed, naming the check of the first one dropped; 100 exactly are listed
// without the note, and the other severity is kept whole.
func TestFindingsCappedPerSeverity(t *testing.T) {
	v := contract.NewTestValidator(t)
	unknown := func(fields int) string {
		var b strings.Builder
		b.WriteString(`{"tokens":[],"hasNextPage":"not a boolean"`)
		for i := range fields {
			fmt.Fprintf(&b, `,"extra%03d":1`, i)
		}
		return b.String() + "}"
	}
	// 101 tokens without hostname: 101 schema findings, then a page over
	// the default limit, both breaking.
	noHostname := `{"token":"ck-let-0","expiresAt":"2030-01-02T03:04:05Z","policy":{"version":"1","data":[]}}`
	overfull := `{"tokens":[` + strings.TrimSuffix(strings.Repeat(noHostname+",", 101), ",") + `],"hasNextPage":false}`
	for _, c := range []struct {
		name, body string
		notes      map[contract.Severity]contract.Check // the note of each severity capped
	}{
		{"100 unknown fields", unknown(100), nil},
		{"101 unknown fields", unknown(101), map[contract.Severity]contract.Check{contract.Additive: contract.CheckUnknownField}},
		{"101 schema findings and a page size", overfull, map[contract.Severity]contract.Check{contract.Breaking: contract.CheckSchema}},
	} {
		fs := v.ValidateResponse(httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens", nil), http.StatusOK, jsonHeader, []byte(c.body))
		kept := map[contract.Severity]int{}
		notes := map[contract.Severity]contract.Check{}
		for _, f := range fs {
			if !strings.Contains(f.Message, "are not listed") {
				kept[f.Severity]++
			} else if _, twice := notes[f.Severity]; twice {
				t.Errorf("%s: two %s notes", c.name, f.Severity)
			} else {
				notes[f.Severity] = f.Check
			}
		}
		if kept[contract.Breaking] == 0 || kept[contract.Breaking] > 100 || kept[contract.Additive] > 100 || !maps.Equal(notes, c.notes) {
			t.Errorf("%s: kept %v, notes %v; want at least one breaking, at most 100 of each, notes %v", c.name, kept, notes, c.notes)
		}
		for sev := range c.notes {
			if kept[sev] != 100 {
				t.Errorf("%s: %d %s kept before the note, want 100", c.name, kept[sev], sev)
			}
		}
	}
}
