package contract_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/mock"
)

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// TestRejectedCredentialsAreAnAuthFinding: a 401 and a 403 both say the
// credentials were refused, whatever the spec documents for them; a 400
// is not about credentials.
func TestRejectedCredentialsAreAnAuthFinding(t *testing.T) {
	v := contract.NewTestValidator(t)
	req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens", nil)
	body := []byte(`{"message":"no"}`)
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		fs := v.ValidateResponse(req, status, jsonHeader, body)
		if len(fs) != 1 || fs[0].Check != contract.CheckAuth || fs[0].Severity != contract.Breaking ||
			!strings.Contains(fs[0].Message, fmt.Sprintf("credentials rejected (HTTP %d)", status)) {
			t.Errorf("HTTP %d: findings %s, want one breaking auth finding", status, fs)
		}
	}
	for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusProxyAuthRequired} {
		for _, f := range v.ValidateResponse(req, status, jsonHeader, body) {
			if f.Check == contract.CheckAuth {
				t.Errorf("HTTP %d: an auth finding %s, want none", status, f)
			}
		}
	}
}

// TestBearerCredentials: only "Bearer" (any case) followed by a non-blank
// credential passes.
func TestBearerCredentials(t *testing.T) {
	for header, ok := range map[string]bool{
		"Bearer sk-let-abc":  true,
		"bearer x":           true,
		"BEARER x":           true,
		"Bearer ":            false,
		"Bearer    ":         false,
		"Bearer \t":          false,
		"Bearer":             false,
		"Bearerx":            false,
		"Basic dXNlcjpwYXNz": false,
		"":                   false,
		" Bearer x":          false,
	} {
		req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		fs := contract.CheckBearerAuth(req)
		switch {
		case ok && len(fs) != 0:
			t.Errorf("Authorization %q: findings %s, want none", header, fs)
		case !ok && (len(fs) != 1 || fs[0].Check != contract.CheckAuth || fs[0].Severity != contract.Breaking):
			t.Errorf("Authorization %q: findings %s, want one breaking auth finding", header, fs)
		}
	}
}

// TestPageSizeAgainstLimit: a page may hold up to limit tokens; limit=0
// allows none; without limit, the spec's default (10) bounds it; an
// unusable limit is the request check's to report.
func TestPageSizeAgainstLimit(t *testing.T) {
	v := contract.NewTestValidator(t)
	for _, tc := range []struct {
		query  string
		tokens int
		want   string // of the page-size finding; "" for none
	}{
		{"limit=0", 0, ""},
		{"limit=0", 1, "page holds 1 tokens, more than limit=0"},
		{"limit=2", 2, ""},
		{"limit=2", 3, "page holds 3 tokens, more than limit=2"},
		{"", 10, ""},
		{"", 11, "page holds 11 tokens, more than limit=10"},
		{"limit=-1", 1, ""},
		{"limit=x", 1, ""},
	} {
		req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?"+tc.query, nil)
		fs := v.ValidateResponse(req, http.StatusOK, jsonHeader, encodePage(t, mock.SeedTokens(tc.tokens), false))
		got := false
		for _, f := range fs {
			if f.Check == contract.CheckPageSize {
				got = true
				if f.Severity != contract.Breaking || tc.want == "" || !strings.Contains(f.Message, tc.want) {
					t.Errorf("%s, %d tokens: %s, want %q", tc.query, tc.tokens, f, tc.want)
				}
			}
		}
		if tc.want == "" && len(fs) != 0 {
			t.Errorf("%s, %d tokens: findings %s, want none", tc.query, tc.tokens, fs)
		}
		if got != (tc.want != "") {
			t.Errorf("%s, %d tokens: page-size finding %v, want %q (findings %s)", tc.query, tc.tokens, got, tc.want, fs)
		}
	}
}
