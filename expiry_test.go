package lettatokens

import (
	"strings"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

func TestExpiresAt(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "2030-01-02T03:04:05.678Z", want: time.Date(2030, 1, 2, 3, 4, 5, 678e6, time.UTC)},
		{in: "2030-01-02T03:04:05Z", want: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)},
		{in: "2030-01-02T05:04:05.5+02:00", want: time.Date(2030, 1, 2, 3, 4, 5, 500e6, time.UTC)},
		{in: "", wantErr: true},
		{in: "2030-01-02 03:04:05", wantErr: true},
		{in: "1893553445", wantErr: true},
		{in: "Wed, 02 Jan 2030 03:04:05 GMT", wantErr: true},
		{in: "ck-let-swappedSECRET0123456789", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ExpiresAt(gen.Token{ExpiresAt: tt.in})
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "RFC 3339") || strings.Contains(err.Error(), "SECRET") {
					t.Errorf("ExpiresAt(%q) = %v, %v; want an error naming RFC 3339 and no secret", tt.in, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ExpiresAt(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestExpiresAtErrorIsSafeToPrint: the value quoted in the error comes from
// the server; it is escaped and capped, so that a megabyte of garbage or a
// terminal escape makes one short, inert line.
func TestExpiresAtErrorIsSafeToPrint(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"megabyte", strings.Repeat("9", 1<<20), "9999"},
		{"escape sequence", "2030\x1b[2J\nforged", `2030\x1b[2J\nforged`},
		{"bidi override", "2030\u202e-01", `2030\u202e-01`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ExpiresAt(gen.Token{ExpiresAt: tt.in})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if len(msg) > redact.MaxLine+100 || hasControl(msg) || strings.Contains(msg, "\u202e") {
				t.Errorf("error = %.300q (%d bytes), want one short line without control characters", msg, len(msg))
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error = %.300q, want it to contain %q", msg, tt.want)
			}
		})
	}
}
