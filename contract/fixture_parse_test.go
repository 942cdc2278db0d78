package contract

import (
	"strconv"
	"testing"
)

// TestParseFixtureWithRequestBody: a fixture whose request has a body
// (a create) is read with the body whole, a line break after it skipped,
// and validated: a valid create passes, one missing its hostname fails.
func TestParseFixtureWithRequestBody(t *testing.T) {
	const response = "HTTP/1.1 201 Created\nContent-Type: application/json\n\n" +
		`{"token":"ck-let-fxSECRET0001parsefixture","hostname":"https://app.example.com","expiresAt":"2030-01-01T00:00:00.000Z","policy":{"version":"1","data":[{"type":"agent","id":"agent-1","access":["read_messages"]}]}}`
	v := newTestValidator(t)
	for _, tt := range []struct {
		body     string
		breaking bool
	}{
		{`{"hostname":"https://app.example.com","policy":[{"type":"agent","id":"agent-1","access":["read_messages"]}]}`, false},
		{`{"policy":[{"type":"agent","id":"agent-1","access":["read_messages"]}]}`, true},
	} {
		raw := "POST /v1/client-side-access-tokens HTTP/1.1\nHost: api.letta.com\nContent-Type: application/json\nContent-Length: " +
			strconv.Itoa(len(tt.body)) + "\n\n" + tt.body + "\n" + response
		f, err := ParseFixture([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if string(f.RequestBody) != tt.body || f.Status != 201 || f.Request.URL.Host != "api.letta.com" {
			t.Fatalf("parsed body %q, status %d, host %q", f.RequestBody, f.Status, f.Request.URL.Host)
		}
		if fs := v.ValidateFixture(f); fs.HasBreaking() != tt.breaking {
			t.Errorf("body %s: findings %s, want breaking %v", tt.body, fs, tt.breaking)
		}
	}
}
