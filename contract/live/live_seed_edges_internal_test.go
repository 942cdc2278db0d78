package live

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// An empty ledger has no create in flight (and does not index before its
// first record).
func TestLedgerEmptyHasNothingInFlight(t *testing.T) {
	var l createLedger
	if rec := l.inFlight(); rec != nil {
		t.Fatalf("inFlight() on an empty ledger = %+v, want nil", rec)
	}
}

// Two empty policies are not "the same policy": a create answered with no
// policy at all must not pass as the one the run asked for.
func TestSamePolicyNeedsOne(t *testing.T) {
	p := []gen.AgentPolicy{{Type: "agent", Id: "agent-1", Access: []gen.AgentAccess{"read_messages"}}}
	for _, c := range []struct {
		a, b []gen.AgentPolicy
		want bool
	}{
		{nil, nil, false},
		{[]gen.AgentPolicy{}, nil, false},
		{p, p, true},
		{p, nil, false},
	} {
		if got := samePolicy(c.a, c.b); got != c.want {
			t.Errorf("samePolicy(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// Each part of an UndeletedError is said only when it holds something.
func TestUndeletedErrorSaysOnlyWhatIsLeft(t *testing.T) {
	const undeleted, unanswered = "could not be deleted", "got no usable answer"
	for _, c := range []struct {
		e         UndeletedError
		want, not string
	}{
		{UndeletedError{Count: 1, Created: 3}, undeleted, unanswered},
		{UndeletedError{Unanswered: 1}, unanswered, undeleted},
		{UndeletedError{NotDeleted: []string{"a foreign token"}}, "a foreign token", undeleted},
	} {
		msg := c.e.Error()
		if !strings.Contains(msg, c.want) || strings.Contains(msg, c.not) {
			t.Errorf("%+v: %q; want %q and no %q", c.e, msg, c.want, c.not)
		}
	}
	if msg := (&UndeletedError{NotDeleted: []string{"x"}}).Error(); strings.Contains(msg, unanswered) {
		t.Errorf("no unanswered create, yet: %q", msg)
	}
}

// Every 2xx answer that names a token settles the create in flight (here
// as foreign: the run has no seeding to own it); 200 and 299 are the
// edges of "2xx".
func TestCreateAnsweredSettlesEvery2xx(t *testing.T) {
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"token":"ck-let-0123456789abcdef0123456789abcdef","hostname":"https://example.com","expiresAt":"2030-01-01T00:00:00Z","policy":{"version":"1","data":[]}}`)
	for _, status := range []int{200, 201, 299} {
		r := &liveRun{ledger: &createLedger{}, validator: v}
		r.masker.Store(redact.NewMasker("sk-let-test-key"))
		rec := r.ledger.sent(0, nil)
		req := httptest.NewRequest(http.MethodPost, "/v1/client-side-access-tokens", nil)
		r.createAnswered(req, status, http.Header{"Content-Type": {"application/json"}}, body)
		if rec.state != createForeign {
			t.Errorf("HTTP %d with a token: the create is in state %v, want settled as foreign", status, rec.state)
		}
	}
}
