package mock_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

var (
	// Date.prototype.toISOString's shape: UTC, milliseconds, Z.
	isoMillis   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	seedHost    = regexp.MustCompile(`^https://app-\d+\.example\.com$`)
	seedTokenRe = regexp.MustCompile(`^ck-let-mock-[0-9a-z-]+$`)
)

func TestSeedTokensDeterministic(t *testing.T) {
	a, b := mock.SeedTokens(50), mock.SeedTokens(50)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls to SeedTokens(50) differ")
	}
	if short := mock.SeedTokens(20); !reflect.DeepEqual(short, a[:20]) {
		t.Error("SeedTokens(20) is not a prefix of SeedTokens(50)")
	}
	// A golden value: seeded data must not drift between releases, since
	// callers' tests may pin it (TestSeedExpiryGolden pins expiresAt).
	if a[0].Hostname != "https://app-1.example.com" || a[0].ExpiresAt != "2030-01-01T01:00:00.137Z" {
		t.Errorf("first seeded token %+v", a[0])
	}
}

func TestSeedTokensShape(t *testing.T) {
	for _, n := range []int{1, 4, 15, 95, 1000} {
		tokens := mock.SeedTokens(n)
		if len(tokens) != n {
			t.Fatalf("SeedTokens(%d) returned %d tokens", n, len(tokens))
		}
		access := map[gen.AgentAccess]bool{}
		agents := map[string]bool{}
		values := map[string]bool{}
		var prevExpiry time.Time
		for i, tok := range tokens {
			if !seedTokenRe.MatchString(tok.Token) || values[tok.Token] {
				t.Errorf("n=%d token %d: value %q is not a unique ck-let-mock-… value", n, i, tok.Token)
			}
			values[tok.Token] = true
			if !seedHost.MatchString(tok.Hostname) {
				t.Errorf("n=%d token %d: hostname %q", n, i, tok.Hostname)
			}
			if !isoMillis.MatchString(tok.ExpiresAt) {
				t.Errorf("n=%d token %d: expiresAt %q is not toISOString's format", n, i, tok.ExpiresAt)
			}
			exp, err := time.Parse(time.RFC3339Nano, tok.ExpiresAt)
			if err != nil {
				t.Errorf("n=%d token %d: expiresAt does not parse: %v", n, i, err)
			}
			if !exp.After(prevExpiry) {
				t.Errorf("n=%d token %d: expiresAt not after the previous token's", n, i)
			}
			prevExpiry = exp
			if tok.Policy.Version != gen.TokenPolicyVersionV1 || len(tok.Policy.Data) == 0 {
				t.Errorf("n=%d token %d: policy %+v", n, i, tok.Policy)
			}
			for _, p := range tok.Policy.Data {
				if p.Type != gen.AgentPolicyTypeAgent || !strings.HasPrefix(p.Id, "agent-") || len(p.Access) == 0 {
					t.Errorf("n=%d token %d: agent policy %+v", n, i, p)
				}
				agents[p.Id] = true
				for _, a := range p.Access {
					if !a.Valid() {
						t.Errorf("n=%d token %d: access %q", n, i, a)
					}
					access[a] = true
				}
			}
		}
		if len(access) != 4 {
			t.Errorf("n=%d: %d access values appear, want all 4", n, len(access))
		}
		if n >= 4 && len(agents) < 3 {
			t.Errorf("n=%d: %d agents, want several", n, len(agents))
		}
	}
}

func TestSeedTokensNoneForNonPositive(t *testing.T) {
	for _, n := range []int{0, -1} {
		if got := mock.SeedTokens(n); got == nil || len(got) != 0 {
			t.Errorf("SeedTokens(%d) = %v, want an empty non-nil slice", n, got)
		}
	}
}
