package lettatokens

import (
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// TestExpiresAt: RFC 3339, with or without fractional seconds, is a time;
// anything else is an error that names RFC 3339 and quotes the value made
// safe to print: no secret, escaped, capped (a megabyte of garbage or a
// terminal escape makes one short, inert line).
func TestExpiresAt(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string // a part of the error, when one is wanted
	}{
		{in: "2030-01-02T03:04:05.678Z", want: time.Date(2030, 1, 2, 3, 4, 5, 678e6, time.UTC)},
		{in: "2030-01-02T03:04:05Z", want: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)},
		{in: "2030-01-02T05:04:05.5+02:00", want: time.Date(2030, 1, 2, 3, 4, 5, 500e6, time.UTC)},
		{in: "", wantErr: `expiresAt ""`},
		{in: "2030-01-02 03:04:05", wantErr: "2030-01-02 03:04:05"},
		{in: "1893553445", wantErr: "1893553445"},
		{in: "Wed, 02 Jan 2030 03:04:05 GMT", wantErr: "Wed, 02 Jan 2030"},
		{in: "ck-let-swappedSECRET0123456789", wantErr: "ck-let-s…"},
		{in: strings.Repeat("9", 1<<20), wantErr: "9999"},
		{in: "2030\x1b[2J\nforged", wantErr: `2030\x1b[2J\nforged`},
		{in: "2030\u202e-01", wantErr: `2030\u202e-01`},
	}
	for _, tt := range tests {
		got, err := ExpiresAt(gen.Token{ExpiresAt: tt.in})
		if tt.wantErr == "" {
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ExpiresAt(%.40q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil {
			t.Fatalf("ExpiresAt(%.40q) = %v, want an error", tt.in, got)
		}
		msg := err.Error()
		if !strings.Contains(msg, "RFC 3339") || !strings.Contains(msg, tt.wantErr) || strings.Contains(msg, "SECRET") {
			t.Errorf("ExpiresAt(%.40q): error %.300q, want one naming RFC 3339, saying %q, without the secret", tt.in, msg, tt.wantErr)
		}
		if len(msg) > redact.MaxLine+100 || hasControl(msg) || strings.Contains(msg, "\u202e") {
			t.Errorf("ExpiresAt(%.40q): error %.300q (%d bytes), want one short line without control characters", tt.in, msg, len(msg))
		}
	}
}
