package contract_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// encodePage encodes a page of tokens as the server would send it.
func encodePage(t *testing.T, tokens []gen.Token, more bool) []byte {
	t.Helper()
	b, err := json.Marshal(gen.TokenPage{Tokens: tokens, HasNextPage: more})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDefaultLimitBoundsAPage: a request without limit gets the spec's
// default (10), so an eleventh token is a page over its limit, and ten
// are not. The default is read from the spec; a validator that cannot
// find it checks nothing.
func TestDefaultLimitBoundsAPage(t *testing.T) {
	v := newValidator(t)
	req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens", nil)
	for n, want := range map[int]bool{10: false, 11: true} {
		fs := v.ValidateResponse(req, http.StatusOK, jsonHeader, encodePage(t, mock.SeedTokens(n), true))
		got := false
		for _, f := range fs {
			if f.Check == contract.CheckPageSize {
				got = true
				if !strings.Contains(f.Message, fmt.Sprintf("page holds %d tokens, more than limit=10", n)) {
					t.Errorf("%d tokens: %s", n, f)
				}
			}
		}
		if got != want {
			t.Errorf("%d tokens without limit: page-size finding %v, want %v (findings %s)", n, got, want, fs)
		}
	}
}

// TestTokenValueOfTwelveIsMasked: a token value of exactly
// redact.MinWindow characters, of no shape redaction knows, echoed as a
// member name, is masked in the finding; in a page and in a created
// token alike.
func TestTokenValueOfTwelveIsMasked(t *testing.T) {
	v := newValidator(t)
	const value = "plainvalue12" // 12 bytes, no ck-let- shape
	tok := mock.SeedTokens(1)[0]
	tok.Token = value
	raw, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	echoed := strings.Replace(string(raw), "{", `{"`+value+`":1,`, 1)
	list := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?limit=5", nil)
	create := httptest.NewRequest(http.MethodPost, "/v1/client-side-access-tokens", nil)
	for name, c := range map[string]struct {
		req    *http.Request
		status int
		body   string
	}{
		"page":    {list, http.StatusOK, `{"tokens":[` + echoed + `],"hasNextPage":false}`},
		"created": {create, http.StatusCreated, echoed},
	} {
		fs := v.ValidateResponse(c.req, c.status, jsonHeader, []byte(c.body))
		if len(fs) == 0 {
			t.Fatalf("%s: no finding for the echoed member", name)
		}
		for _, f := range fs {
			if strings.Contains(f.String(), value) {
				t.Errorf("%s: finding holds the token value: %s", name, f)
			}
		}
	}
}

// TestEnumValueQuotedUpToSixtyFour: an unknown enum value is quoted in
// the finding up to 64 bytes (the spec must learn it), and named by kind
// beyond.
func TestEnumValueQuotedUpToSixtyFour(t *testing.T) {
	v := newValidator(t)
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

// TestFindingsCappedPerSeverity: a body with more unknown fields than a
// body may report keeps the first 100 additive findings and says, as an
// additive finding, that more are not listed; a breaking finding in the
// same body is kept whole, and 100 fields exactly are listed without the
// note.
func TestFindingsCappedPerSeverity(t *testing.T) {
	v := newValidator(t)
	req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?limit=5", nil)
	for fields, wantNote := range map[int]bool{100: false, 101: true} {
		var b strings.Builder
		b.WriteString(`{"tokens":[],"hasNextPage":"not a boolean"`)
		for i := range fields {
			fmt.Fprintf(&b, `,"extra%03d":1`, i)
		}
		b.WriteString("}")
		fs := v.ValidateResponse(req, http.StatusOK, jsonHeader, []byte(b.String()))
		additive, breaking, notes := 0, 0, 0
		for _, f := range fs {
			switch {
			case strings.Contains(f.Message, "are not listed"):
				notes++
				if f.Severity != contract.Additive {
					t.Errorf("%d fields: the note is %s, want additive: %s", fields, f.Severity, f)
				}
			case f.Severity == contract.Additive:
				additive++
			case f.Severity == contract.Breaking:
				breaking++
			}
		}
		if additive != 100 || breaking == 0 || (notes == 1) != wantNote || notes > 1 {
			t.Errorf("%d unknown fields: %d additive, %d breaking, %d notes; want 100 additive, a breaking one, note %v",
				fields, additive, breaking, notes, wantNote)
		}
	}
}
