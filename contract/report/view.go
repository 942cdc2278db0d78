package main

import (
	"cmp"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/redact"
)

// knownChecks are the contract package's named checks, in its order. Each
// is one test case of the JUnit report, so a passing run still lists what
// was checked; a check the list does not know yet is added after them.
var knownChecks = []contract.Check{
	contract.CheckRequest, contract.CheckAuth, contract.CheckStatus, contract.CheckContentType,
	contract.CheckJSON, contract.CheckSchema, contract.CheckUnknownField, contract.CheckExpiresAt,
	contract.CheckPageSize, contract.CheckAgentFilter, contract.CheckPagination, contract.CheckWalkConsistency,
	contract.CheckRoundTrip,
}

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
	checks    []checkView // knownChecks first, then any other seen
	notes     []string
	// unfinished, when set, says why the run stopped before its end
	// (interrupted, past --deadline): the findings are those of the
	// exchanges it validated, and there is no verdict.
	unfinished string
}

// checkView is one named check and its findings, in the report's order.
type checkView struct {
	name     string
	findings []findingView
	// skipped, when set, says why the check did not run: it is then
	// neither passed nor failed.
	skipped string
}

// roundTripSkipped is why the round-trip check does not run without
// --seed: it needs tokens of the run's own to create, list and delete.
const roundTripSkipped = "not run: it needs --seed (tokens the run creates, lists and deletes)"

// ran counts the checks that ran (were not skipped).
func (v *reportView) ran() int {
	n := 0
	for _, c := range v.checks {
		if c.skipped == "" {
			n++
		}
	}
	return n
}

// findingView is one finding, safe to print.
type findingView struct {
	breaking bool   // fails the run; anything else is reported and passes
	severity string // as the contract package names it
	check    string
	pointer  string // "/" for the whole body
	message  string
	line     string // the report line: severity, check, pointer, message
}

// reportSource is the command whose run a report tells: check's when
// zero.
type reportSource struct {
	command  string           // "letta-tokens check" when empty
	checks   []contract.Check // the checks the command runs; knownChecks when nil
	requests int              // requests received (the proxy)
}

// checkCommand names check's reports.
const checkCommand = progName + " check"

func newReportView(report *live.Report, target string) *reportView {
	return reportSource{}.view(report, target)
}

// view is report as src's reports show it.
func (src reportSource) view(report *live.Report, target string) *reportView {
	checks := src.checks
	if checks == nil {
		checks = knownChecks
	}
	v := &reportView{
		command:   cmp.Or(src.command, checkCommand),
		requests:  src.requests,
		target:    redact.Line(target, redact.MaxLine),
		passed:    report.Passed(),
		exchanges: report.Exchanges,
		tokens:    report.Tokens,
		agentID:   redact.Line(report.AgentID, redact.MaxLine),
		breaking:  len(report.Findings.Breaking()),
		additive:  len(report.Findings.Additive()),
	}
	index := map[contract.Check]int{}
	for _, c := range checks {
		index[c] = len(v.checks)
		v.checks = append(v.checks, checkView{name: string(c)})
	}
	for _, f := range report.Findings {
		i, ok := index[f.Check]
		if !ok {
			i = len(v.checks)
			index[f.Check] = i
			v.checks = append(v.checks, checkView{name: redact.Line(string(f.Check), redact.MaxLine)})
		}
		pointer := f.Pointer
		if pointer == "" {
			pointer = "/"
		}
		v.checks[i].findings = append(v.checks[i].findings, findingView{
			breaking: f.Severity == contract.Breaking,
			severity: redact.Line(string(f.Severity), redact.MaxLine),
			check:    v.checks[i].name,
			pointer:  redact.Line(pointer, redact.MaxLine),
			message:  redact.Line(f.Message, reportLineCap),
			line:     redact.Line(f.String(), reportLineCap),
		})
	}
	for _, n := range report.Notes {
		v.notes = append(v.notes, redact.Line(n, reportLineCap))
	}
	if rt := &v.checks[index[contract.CheckRoundTrip]]; src.command == "" && report.Seeded == 0 && len(rt.findings) == 0 {
		rt.skipped = roundTripSkipped
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
