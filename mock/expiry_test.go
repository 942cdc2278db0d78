package mock_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
)

// TestCreateAcceptsJavaScriptDates: create accepts expires_at in every
// ISO 8601 form a JavaScript Date reads (the request validator lets them
// through, and the mock reads them), and answers expiresAt in Cloud's
// format: UTC, milliseconds.
func TestCreateAcceptsJavaScriptDates(t *testing.T) {
	ts := newServer(t, mock.Options{APIKey: testKey})
	year := time.Now().Year() + 2
	y := func(s string) string {
		return strings.ReplaceAll(s, "YYYY", time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"))
	}
	for _, tt := range []struct{ sent, want string }{
		{"YYYY-01-01T00:00:00.000Z", "YYYY-01-01T00:00:00.000Z"}, // what the Go client sends
		{"YYYY-01-01T00:00:00", "YYYY-01-01T00:00:00.000Z"},      // Python's isoformat() of a naive datetime
		{"YYYY-01-01", "YYYY-01-01T00:00:00.000Z"},
		{"YYYY-01-01T00:00:00.123456", "YYYY-01-01T00:00:00.123Z"},
		{"YYYY-06-01T00:00:00.1+02:00", "YYYY-05-31T22:00:00.100Z"},
		{"YYYY-06-30T23:59:59.9999-01:00", "YYYY-07-01T00:59:59.999Z"},
		{"YYYY-03-04 05:06:07z", "YYYY-03-04T05:06:07.000Z"},
		{"YYYY-01-01T24:00", "YYYY-01-02T00:00:00.000Z"},
	} {
		tok := create(t, ts, createBody("agent-1", "https://a.example.com", y(tt.sent)))
		if tok.ExpiresAt != y(tt.want) {
			t.Errorf("expires_at %q: expiresAt %q, want %q", y(tt.sent), tok.ExpiresAt, y(tt.want))
		}
	}
}

// TestCreateRefusesNonTimes: an expires_at that names no time gets a 400
// whose message names the field and never repeats the value.
func TestCreateRefusesNonTimes(t *testing.T) {
	ts := newServer(t, mock.Options{APIKey: testKey})
	for _, value := range []string{
		"ck-let-SECRET-never-echoed",
		"2030-01-01T00:00:00 ck-let-SECRET",
	} {
		e := send(t, ts, http.MethodPost, listPath, createBody("agent-1", "https://a.example.com", value))
		msg := e.message(t, http.StatusBadRequest)
		if !strings.Contains(msg, "/expires_at") || !strings.Contains(msg, "ISO 8601") {
			t.Errorf("%q: message %q does not name the field and the forms", value, msg)
		}
		if strings.Contains(string(e.body), value) || strings.Contains(string(e.body), "SECRET") {
			t.Errorf("%q: the answer repeats the value: %s", value, e.body)
		}
	}
	if got := allTokens(t, ts, ""); len(got) != 0 {
		t.Errorf("refused creates left %d tokens", len(got))
	}
}
