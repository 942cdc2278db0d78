package redact

import (
	"strings"
	"testing"
)

// A GitHub Actions runner reads every line a step prints for workflow
// commands: "::cmd::data" at the start of a line (after spaces), and the
// legacy "##[cmd]data" anywhere in it. A server string must never make one.
func TestLineDefusesWorkflowCommands(t *testing.T) {
	tests := []struct{ name, in string }{
		{"legacy error", "##[error]forged annotation"},
		{"legacy mid-line", "https://x.example.com/##[warning]forged"},
		{"legacy stop-commands", "##[stop-commands]end"},
		{"legacy after more hashes", "###[error]forged"},
		{"legacy with control character", "##[error]\x1bforged"},
		{"legacy after the text before it", "#[error]forged"},
		{"command at start", "::error::forged annotation"},
		{"command after spaces", "   ::error title=x::forged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, limit := range []int{0, MaxLine, 12} {
				got := Line(tt.in, limit)
				if strings.Contains("#"+got, "##[") {
					t.Errorf("Line(%q, %d) = %q: holds a legacy workflow command", tt.in, limit, got)
				}
				if strings.HasPrefix(strings.TrimLeft(got, " "), "::") {
					t.Errorf("Line(%q, %d) = %q: starts a workflow command", tt.in, limit, got)
				}
			}
		})
	}
	// Text that only looks alike stays as it is.
	for _, s := range []string{"a::b", "#tag [x]", "# [x]", "C# [x]"} {
		if got := Line(s, MaxLine); got != s {
			t.Errorf("Line(%q) = %q, want it unchanged", s, got)
		}
	}
}
