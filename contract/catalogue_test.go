package contract

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// conformantAdditive lists the conformant fixtures that carry fields the
// spec does not know, with the pointers that must be reported as additive.
var conformantAdditive = map[string][]string{
	"additive-fields": {"/total", "/tokens/0/createdAt", "/tokens/0/policy/label", "/tokens/0/policy/data/0/note"},
	// A member named like a token: the pointer is redacted too.
	"additive-secret-member-name": {"/ck-let-f…mber"},
}

func TestConformantFixturesPass(t *testing.T) {
	v := newTestValidator(t)
	for _, name := range fixtureNames(t, "conformant") {
		t.Run(name, func(t *testing.T) {
			findings := readExchange(t, filepath.Join("testdata", "conformant", name+".http")).validate(t, v)
			if findings.HasBreaking() {
				t.Fatalf("conformant fixture rejected:\n%s", findings.Breaking())
			}
			var got []string
			for _, f := range findings.Additive() {
				if f.Check != CheckUnknownField {
					t.Errorf("additive finding from check %q, want only %q: %s", f.Check, CheckUnknownField, f)
				}
				got = append(got, f.Pointer)
			}
			want := conformantAdditive[name]
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("additive pointers = %q, want %q", got, want)
			}
		})
	}
}

// driftCatalogue maps every fixture in testdata/drift to the breaking
// finding it must produce. A drift fixture missing from this table, or one
// that the validator lets through, fails the test.
var driftCatalogue = map[string]struct {
	check   Check
	pointer string
}{
	"missing-hasNextPage":        {CheckSchema, "/hasNextPage"},
	"missing-tokens":             {CheckSchema, "/tokens"},
	"missing-token-token":        {CheckSchema, "/tokens/0/token"},
	"missing-token-hostname":     {CheckSchema, "/tokens/0/hostname"},
	"missing-token-expiresAt":    {CheckSchema, "/tokens/0/expiresAt"},
	"missing-token-policy":       {CheckSchema, "/tokens/0/policy"},
	"missing-policy-version":     {CheckSchema, "/tokens/0/policy/version"},
	"missing-policy-data":        {CheckSchema, "/tokens/0/policy/data"},
	"missing-policy-data-type":   {CheckSchema, "/tokens/0/policy/data/0/type"},
	"missing-policy-data-id":     {CheckSchema, "/tokens/0/policy/data/0/id"},
	"missing-policy-data-access": {CheckSchema, "/tokens/0/policy/data/0/access"},
	"renamed-expiresAt":          {CheckSchema, "/tokens/0/expiresAt"},
	"wrong-type-hasNextPage":     {CheckSchema, "/hasNextPage"},
	"wrong-type-tokens":          {CheckSchema, "/tokens"},
	"wrong-type-token":           {CheckSchema, "/tokens/0/token"},
	"wrong-type-access":          {CheckSchema, "/tokens/0/policy/data/0/access"},
	"wrong-type-version":         {CheckSchema, "/tokens/0/policy/version"},
	"wrong-type-data-id":         {CheckSchema, "/tokens/0/policy/data/0/id"},
	"null-token":                 {CheckSchema, "/tokens/0/token"},
	"null-tokens":                {CheckSchema, "/tokens"},
	"null-hasNextPage":           {CheckSchema, "/hasNextPage"},
	"null-policy":                {CheckSchema, "/tokens/0/policy"},
	"null-expiresAt":             {CheckSchema, "/tokens/0/expiresAt"},
	"unknown-enum-access":        {CheckSchema, "/tokens/0/policy/data/0/access/1"},
	"unknown-enum-version":       {CheckSchema, "/tokens/0/policy/version"},
	"unknown-enum-type":          {CheckSchema, "/tokens/0/policy/data/0/type"},
	"new-policy-type":            {CheckSchema, "/tokens/0/policy/data/0/type"},
	"envelope-renamed":           {CheckSchema, "/tokens"},
	"envelope-bare-array":        {CheckSchema, ""},
	"html-body":                  {CheckContentType, ""},
	"html-502":                   {CheckStatus, ""},
	"wrong-status-201":           {CheckStatus, ""},
	"wrong-status-404":           {CheckStatus, ""},
	"invalid-json-truncated":     {CheckJSON, ""},
	"invalid-json-trailing":      {CheckJSON, ""},
	"expires-at-not-rfc3339":     {CheckExpiresAt, "/tokens/0/expiresAt"},
	"expires-at-epoch-string":    {CheckExpiresAt, "/tokens/0/expiresAt"},
	"page-over-limit":            {CheckPageSize, "/tokens"},
	"agent-filter-ignored":       {CheckAgentFilter, "/tokens/1/policy/data"},
	"credentials-rejected-401":   {CheckAuth, ""},
	"secret-in-enum-field":       {CheckSchema, "/tokens/0/policy/data/0/type"},
}

func TestDriftCatalogueIsRejected(t *testing.T) {
	v := newTestValidator(t)
	names := fixtureNames(t, "drift")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, ok := driftCatalogue[name]
			if !ok {
				t.Fatalf("testdata/drift/%s.http has no entry in driftCatalogue: say which check must catch it", name)
			}
			findings := readExchange(t, filepath.Join("testdata", "drift", name+".http")).validate(t, v)
			if !findings.HasBreaking() {
				t.Fatalf("drift fixture passed validation; findings:\n%s", findings)
			}
			for _, f := range findings.Breaking() {
				if f.Check == want.check && f.Pointer == want.pointer {
					return
				}
			}
			t.Errorf("no breaking %q finding at %q; got:\n%s", want.check, want.pointer, findings)
		})
	}
	for name := range driftCatalogue {
		if !slices.Contains(names, name) {
			t.Errorf("driftCatalogue names %q but testdata/drift/%s.http does not exist", name, name)
		}
	}
}

// TestFindingsNeverEchoSecrets runs every fixture and proves that no finding
// quotes a token value: fixture tokens all carry the marker "SECRET", and a
// redacted value keeps only a prefix that ends before it.
func TestFindingsNeverEchoSecrets(t *testing.T) {
	v := newTestValidator(t)
	for _, dir := range []string{"conformant", "drift"} {
		for _, name := range fixtureNames(t, dir) {
			x := readExchange(t, filepath.Join("testdata", dir, name+".http"))
			if tokens := tokenShape.FindAllString(string(x.body), -1); len(tokens) == 0 && strings.Contains(string(x.body), `"token"`) {
				t.Errorf("%s/%s: fixture has tokens but none carries the SECRET marker", dir, name)
			} else {
				for _, tok := range tokens {
					if !strings.Contains(tok, "SECRET") {
						t.Errorf("%s/%s: fixture token %s lacks the SECRET marker", dir, name, tok[:10])
					}
				}
			}
			for _, f := range x.validate(t, v) {
				if line := f.String(); strings.Contains(line, "SECRET") || strings.Contains(line, "ck-let-fxS") {
					t.Errorf("%s/%s: finding leaks a token value: %s", dir, name, line)
				}
			}
		}
	}
}

var tokenShape = regexp.MustCompile(`ck-let-[A-Za-z0-9]+`)
