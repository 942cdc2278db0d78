package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
)

// BenchmarkReportWriters builds the view and writes all three reports for
// a report of 200 findings, the shape of a badly drifting server.
func BenchmarkReportWriters(b *testing.B) {
	report := &contract.Report{Target: "http://127.0.0.1:1", Exchanges: 40, Tokens: 500, AgentID: "agent-1"}
	for i := range 200 {
		sev := contract.Breaking
		if i%2 == 1 {
			sev = contract.Additive
		}
		report.Findings = append(report.Findings, contract.Finding{
			Check: contract.Checks()[i%len(contract.Checks())], Severity: sev,
			Pointer: fmt.Sprintf("/tokens/%d/field%d", i, i), Message: fmt.Sprintf("finding %d: 100%% \"odd\" <value>\n", i),
		})
	}
	for b.Loop() {
		if err := JUnit(io.Discard, report); err != nil {
			b.Fatal(err)
		}
		Markdown(io.Discard, report)
		if err := Annotations(io.Discard, report); err != nil {
			b.Fatal(err)
		}
	}
}
