package main

import (
	"fmt"
	"io"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
)

// BenchmarkReportWriters builds the view and writes all three reports for
// a report of 200 findings, the shape of a badly drifting server.
func BenchmarkReportWriters(b *testing.B) {
	report := &live.Report{Exchanges: 40, Tokens: 500, AgentID: "agent-1"}
	for i := range 200 {
		sev := contract.Breaking
		if i%2 == 1 {
			sev = contract.Additive
		}
		report.Findings = append(report.Findings, contract.Finding{
			Check: knownChecks[i%len(knownChecks)], Severity: sev,
			Pointer: fmt.Sprintf("/tokens/%d/field%d", i, i), Message: fmt.Sprintf("finding %d: 100%% \"odd\" <value>\n", i),
		})
	}
	for b.Loop() {
		v := newReportView(report, "http://127.0.0.1:1")
		if err := writeJUnit(io.Discard, v); err != nil {
			b.Fatal(err)
		}
		writeMarkdown(io.Discard, v)
		if err := writeWorkflowCommands(io.Discard, v); err != nil {
			b.Fatal(err)
		}
	}
}
