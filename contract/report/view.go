// Package report renders a contract.Report, check's or the proxy's, for
// CI: JUnit XML, a Markdown summary (also GitHub's step summary) and
// GitHub Actions annotations. Every string is escaped and capped before
// any renderer sees it (see reportView).
package report

import (
	"cmp"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/redact"
)

// reportLineCap bounds one finding's line in a CI report. A message holds
// a few server strings, each already capped at redact.MaxLine by the
// contract package; this is the last bound.
const reportLineCap = 5 * redact.MaxLine

// reportView is a check report with every string escaped and capped (masked
// by contract/live or proxy, and by each output's boundary): all the CI
// report writers see, so that none of them can print a raw server string.
type reportView struct {
	command   string // "letta-tokens check", "letta-tokens proxy"
	target    string
	requests  int // requests received, for the proxy; 0 for check
	passed    bool
	exchanges int
	tokens    int
	agentID   string
	breaking  int
	additive  int
	ran       int // checks that ran (were not skipped)
	// checks are the producer's, each one test case of the JUnit report
	// (so that a passing run still lists what was checked), then any other
	// seen in a finding.
	checks []checkView
	notes  []string
	// unfinished, when set, says why the run stopped before its end
	// (interrupted, past --deadline): the findings are those of the
	// exchanges it validated, and there is no verdict.
	unfinished string
}

// checkView is one named check and its findings, in the report's order.
type checkView struct {
	name     string
	findings []findingView
	breaking int // findings that fail the run
	// skipped, when set, says why the check did not run: it is then
	// neither passed nor failed.
	skipped string
}

// findingView is one finding, safe to print.
type findingView struct {
	breaking bool   // fails the run; anything else is reported and passes
	severity string // as the contract package names it
	pointer  string // "/" for the whole body
	message  string
	line     string // the report line: severity, check, pointer, message
}

// newReportView is r as the CI reports show it.
func newReportView(r *contract.Report) *reportView {
	checks := r.Checks
	if checks == nil {
		checks = contract.Checks()
	}
	v := &reportView{
		command:    cmp.Or(r.Producer, contract.ProducerCheck),
		requests:   r.Requests,
		target:     redact.Line(r.Target, redact.MaxLine),
		passed:     r.Passed(),
		exchanges:  r.Exchanges,
		tokens:     r.Tokens,
		agentID:    redact.Line(r.AgentID, redact.MaxLine),
		breaking:   len(r.Findings.Breaking()),
		additive:   len(r.Findings.Additive()),
		unfinished: redact.Line(r.Unfinished, reportLineCap),
	}
	index := map[contract.Check]int{}
	for _, c := range checks {
		index[c] = len(v.checks)
		v.checks = append(v.checks, checkView{name: string(c)})
	}
	for _, f := range r.Findings {
		i, ok := index[f.Check]
		if !ok {
			i = len(v.checks)
			index[f.Check] = i
			v.checks = append(v.checks, checkView{name: redact.Line(string(f.Check), redact.MaxLine)})
		}
		if f.Severity == contract.Breaking {
			v.checks[i].breaking++
		}
		v.checks[i].findings = append(v.checks[i].findings, findingView{
			breaking: f.Severity == contract.Breaking,
			severity: redact.Line(string(f.Severity), redact.MaxLine),
			pointer:  redact.Line(cmp.Or(f.Pointer, "/"), redact.MaxLine),
			message:  redact.Line(f.Message, reportLineCap),
			line:     redact.Line(f.String(), reportLineCap),
		})
	}
	for _, n := range r.Notes {
		v.notes = append(v.notes, redact.Line(n, reportLineCap))
	}
	v.ran = len(v.checks)
	if i, ok := index[contract.CheckRoundTrip]; ok && v.command == contract.ProducerCheck && r.Seeded == 0 && len(v.checks[i].findings) == 0 {
		// It needs tokens of the run's own to create, list and delete.
		v.checks[i].skipped = "not run: it needs --seed (tokens the run creates, lists and deletes)"
		v.ran--
	}
	return v
}

// verdict is the report's one-word outcome, as the text report words it.
func (v *reportView) verdict() string {
	if v.unfinished != "" {
		return "not finished, no verdict on drift"
	}
	if v.passed {
		return "no breaking drift"
	}
	return "breaking drift"
}
