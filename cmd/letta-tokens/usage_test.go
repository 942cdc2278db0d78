package main

import (
	"strings"
	"testing"
)

// The top-level usage names every flag of every command, as each
// command's --help lists them.
func TestRootUsageListsEveryFlag(t *testing.T) {
	usage := runCLI(t, nil, "--help").stdout
	for _, cmd := range []string{"list", "create", "delete", "check", "mock", "spec-diff"} {
		// The command's lines: its own, then those indented past it.
		var lines []string
		for _, line := range strings.Split(usage, "\n") {
			switch {
			case strings.HasPrefix(line, "  letta-tokens "+cmd+" "):
				lines = append(lines, line)
			case len(lines) > 0 && strings.HasPrefix(line, "                         "):
				lines = append(lines, line)
			case len(lines) > 0:
				goto found
			}
		}
	found:
		if len(lines) == 0 {
			t.Errorf("the usage has no line for %s", cmd)
			continue
		}
		synopsis := strings.Join(lines, " ")
		help := runCLI(t, nil, cmd, "--help").stdout
		_, flags, ok := strings.Cut(help, "\nFlags:\n")
		if !ok {
			t.Fatalf("%s --help lists no flags:\n%s", cmd, help)
		}
		for _, line := range strings.Split(flags, "\n") {
			name, ok := strings.CutPrefix(line, "  --")
			if !ok {
				continue
			}
			name, _, _ = strings.Cut(name, " ")
			if !strings.Contains(synopsis, "--"+name) {
				t.Errorf("the usage's %s line lacks --%s: %s", cmd, name, synopsis)
			}
		}
	}
}
