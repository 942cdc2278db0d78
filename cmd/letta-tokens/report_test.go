package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/contract/report"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/redact"
)

// reportKey is an API key without Letta's shape, so only the key given to
// write can mask it.
const reportKey = "plain-report-key-7f3a9c1e"

// leakedToken is shaped like a client-side access token.
const leakedToken = "ck-let-0123456789abcdef0123456789abcdef"

// hostileReport holds findings whose strings try to break every report
// format: workflow-command syntax (%, CR, LF, ::, ',' and ':' in a
// property), forged commands, Markdown and HTML, characters XML forbids,
// and secrets.
func hostileReport() *contract.Report {
	return &contract.Report{
		Findings: contract.Findings{
			{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/tokens/0/expiresAt",
				Message: `required property "expiresAt" is missing`},
			{Check: contract.CheckSchema, Severity: contract.Breaking, Pointer: "/tokens/0/a,b:c",
				Message: "100% broken\r\n::error title=forged::owned %0A::warning::x, key " + reportKey + " token " + leakedToken},
			{Check: contract.CheckUnknownField, Severity: contract.Additive, Pointer: "/tokens/0/x\n::error::y",
				Message: "field \"x\" :: , : %25 [click](https://evil.example) <img src=x> ![i](https://evil.example/p.png)"},
			{Check: contract.Check("future,check:\n::error::z"), Severity: contract.Breaking, Message: "m"},
			{Check: contract.CheckStatus, Severity: contract.Breaking, Pointer: "/",
				Message: "bad xml \x00\x01\x1b[31m\ufffe\xff ]]> & < > \" ' \u202e"},
		},
		Target: "http://127.0.0.1:9", Exchanges: 3, Tokens: 2, AgentID: "agent-1",
		Notes: []string{"a note with " + reportKey + " and [a link](https://evil.example)"},
	}
}

// writeReports runs write as check would, under GitHub Actions with a step
// summary that an earlier step already wrote to.
func writeReports(t *testing.T, report *contract.Report, githubActions bool) (stdout string, junit, markdown, summary []byte) {
	t.Helper()
	dir := t.TempDir()
	summaryPath := filepath.Join(dir, "step-summary.md")
	if err := os.WriteFile(summaryPath, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	mask := redact.NewMasker(reportKey)
	f := addReportFlags(fs, mask)
	if err := fs.Parse([]string{"--junit", filepath.Join(dir, "junit.xml"), "--markdown", filepath.Join(dir, "summary.md")}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{envGitHubStepSummary: summaryPath}
	if githubActions {
		env[envGitHubActions] = "true"
	}
	// Workflow commands go to stdout, through its boundary, as in a run.
	var out bytes.Buffer
	cmds := redact.NewWriter(&out, mask)
	if err := f.write(report, cmds, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := cmds.Flush(); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return out.String(), read("junit.xml"), read("summary.md"), read("step-summary.md")
}

// noSecret fails if text holds the key or a token value.
func noSecret(t *testing.T, what, text string) {
	t.Helper()
	if strings.Contains(text, reportKey) || strings.Contains(text, leakedToken) || redact.NewMasker(reportKey).Holds(text) {
		t.Errorf("%s leaks a secret:\n%s", what, text)
	}
}

// workflowCommand is one line GitHub's runner would take for a command.
var workflowCommand = regexp.MustCompile(`^::(error|warning) title=([^:\r\n]*)::([^\r\n]*)$`)

// ghDecode is what the runner does to an escaped property or message.
var ghDecode = strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",").Replace

func TestReportWorkflowCommandsCannotBeForged(t *testing.T) {
	report := hostileReport()
	stdout, _, _, _ := writeReports(t, report, true)
	noSecret(t, "workflow commands", stdout)

	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(report.Findings) {
		t.Fatalf("%d lines for %d findings: a string broke a line or forged one:\n%s", len(lines), len(report.Findings), stdout)
	}
	// Each finding is one command, in the report's check order; decoded,
	// its data is the finding masked and made one line: nothing is lost
	// and nothing is added.
	want := map[string]string{} // decoded data -> command
	mask := redact.NewMasker("").WithKeys(reportKey)
	for _, f := range report.Findings {
		pointer := f.Pointer
		if pointer == "" {
			pointer = "/"
		}
		command := "warning"
		if f.Severity == contract.Breaking {
			command = "error"
		}
		want[mask.Safe(pointer, redact.MaxLine)+": "+mask.Safe(f.Message, 5*redact.MaxLine)] = command
	}
	for i, line := range lines {
		m := workflowCommand.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d is not one workflow command: %q", i, line)
			continue
		}
		data := ghDecode(m[3])
		command, ok := want[data]
		if !ok {
			t.Errorf("line %d: data decodes to %q, not a finding", i, data)
		} else if m[1] != command {
			t.Errorf("line %d: ::%s, want ::%s", i, m[1], command)
		}
		delete(want, data)
		// A raw ',' would start another property; ':' is excluded by the
		// pattern, so a title cannot end early.
		if strings.Contains(m[2], ",") {
			t.Errorf("line %d: title %q holds a raw ','", i, m[2])
		}
		if title := ghDecode(m[2]); !strings.HasPrefix(title, "letta-tokens check: ") || strings.ContainsAny(title, "\r\n") {
			t.Errorf("line %d: title decodes to %q", i, title)
		}
	}
	if len(want) > 0 {
		t.Errorf("findings without a command: %q", want)
	}
	// A literal "%0A" sent by the server stays text: its '%' is escaped.
	if !strings.Contains(stdout, "owned %250A::warning::x%2C") && !strings.Contains(stdout, "owned %250A::warning::x,") {
		t.Errorf("a literal %%0A was not escaped:\n%s", stdout)
	}
}

func TestReportStepSummaryAppends(t *testing.T) {
	_, _, markdown, summary := writeReports(t, hostileReport(), true)
	if want := "earlier step\n" + string(markdown); string(summary) != want {
		t.Errorf("step summary is not the earlier content followed by the summary:\n%s", summary)
	}
}

func TestReportOutsideGitHubActions(t *testing.T) {
	stdout, _, _, summary := writeReports(t, hostileReport(), false)
	if stdout != "" {
		t.Errorf("workflow commands without GITHUB_ACTIONS=true:\n%s", stdout)
	}
	if string(summary) != "earlier step\n" {
		t.Errorf("step summary written without GITHUB_ACTIONS=true:\n%s", summary)
	}
}

func TestReportMarkdown(t *testing.T) {
	hostile := hostileReport()
	_, _, markdown, _ := writeReports(t, hostile, true)
	md := string(markdown)
	noSecret(t, "Markdown summary", md)
	for _, want := range []string{
		"## letta-tokens check: breaking drift\n",
		"Base URL `http://127.0.0.1:9`, 3 exchanges, 2 tokens, agent `agent-1`.",
		"| 4 | 1 |",
		"### schema: 2 breaking, 0 additive\n",
		"### unknown-field: 0 breaking, 1 additive\n",
		"### status: 1 breaking, 0 additive\n",
		"- **breaking** `/tokens/0/expiresAt`: required property \"expiresAt\" is missing\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	// Server text renders as text: no link, image or tag survives.
	for _, bad := range []string{"<b>", "\n::", "\r"} {
		if strings.Contains(md, bad) {
			t.Errorf("summary holds unescaped %q:\n%s", bad, md)
		}
	}
	if regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(md) {
		t.Errorf("summary holds an unescaped ](:\n%s", md)
	}
	if regexp.MustCompile(`(^|[^\\])<img`).MatchString(md) {
		t.Errorf("summary holds an unescaped <img:\n%s", md)
	}
	if got := strings.Count(md, "\n- "); got != len(hostile.Findings)+len(hostile.Notes) {
		t.Errorf("%d list items for %d findings and %d notes:\n%s", got, len(hostile.Findings), len(hostile.Notes), md)
	}

	var clean bytes.Buffer
	report.Markdown(&clean, &contract.Report{Exchanges: 5, Target: "http://x"})
	if !strings.Contains(clean.String(), "## letta-tokens check: no breaking drift\n") || !strings.Contains(clean.String(), "No findings: all 12 checks that ran passed.") ||
		!strings.Contains(clean.String(), "Check `round-trip` not run: it needs --seed") {
		t.Errorf("clean summary:\n%s", clean.String())
	}
}

// junitDoc is the JUnit report read back.
type junitDoc struct {
	Suites []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failures  []struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
		SystemOut string `xml:"system-out"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, data []byte) junitDoc {
	t.Helper()
	if err := validateJUnit(data); err != nil {
		t.Fatalf("JUnit report breaks the schema: %v\n%s", err, data)
	}
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JUnit report does not parse: %v", err)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(doc.Suites))
	}
	return doc
}

func TestReportJUnitHostile(t *testing.T) {
	report := hostileReport()
	_, junit, _, _ := writeReports(t, report, false)
	noSecret(t, "JUnit report", string(junit))
	suite := parseJUnit(t, junit).Suites[0]
	// Every known check, plus the one the list does not know.
	if suite.Tests != len(contract.Checks())+1 || len(suite.Cases) != suite.Tests {
		t.Errorf("tests=%d, %d cases; want %d", suite.Tests, len(suite.Cases), len(contract.Checks())+1)
	}
	if suite.Failures != 3 { // schema, status, and the unknown check
		t.Errorf("failures=%d, want 3 failed cases", suite.Failures)
	}
	var failures int
	for _, c := range suite.Cases {
		failures += len(c.Failures)
		for _, f := range c.Failures {
			if f.Message != f.Text || f.Type != "breaking" || strings.ContainsAny(f.Message, "\x00\x01\x1b\r\n") {
				t.Errorf("case %q: failure %+v", c.Name, f)
			}
		}
	}
	if failures != len(report.Findings.Breaking()) {
		t.Errorf("%d <failure> elements for %d breaking findings", failures, len(report.Findings.Breaking()))
	}
}

// TestReportJUnitDriftingServer runs the live checks against a mock that
// drifts and checks that the JUnit report names each breaking check in a
// failure, lists every check, and passes the rest.
func TestReportJUnitDriftingServer(t *testing.T) {
	ts := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(12), APIKey: testKey}),
		func(page map[string]any) {
			mocktest.ForEachToken(page, func(tok map[string]any) {
				tok["expires_at"] = tok["expiresAt"]
				delete(tok, "expiresAt")                      // breaking: schema
				tok["createdAt"] = "2026-01-01T00:00:00.000Z" // additive: unknown-field
			})
			page["hasNextPage"] = "no" // breaking: schema, and pagination cannot walk
		}))
	tr := newTransport()
	defer tr.CloseIdleConnections()
	report, err := live.CheckLive(t.Context(), live.LiveConfig{BaseURL: ts.URL, APIKey: testKey, Transport: tr})
	if err != nil {
		t.Fatalf("CheckLive: %v", err)
	}
	breaking := report.Findings.Breaking()
	if len(breaking) == 0 || len(report.Findings.Additive()) == 0 {
		t.Fatalf("the drifting mock should give breaking and additive findings:\n%s", report.Findings)
	}

	dir := t.TempDir()
	f := &reportFlags{junit: filepath.Join(dir, "junit.xml"), mask: redact.NewMasker(testKey)}
	var stdout bytes.Buffer
	report.Target = ts.URL
	if err := f.write(report, &stdout, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(f.junit)
	if err != nil {
		t.Fatal(err)
	}
	suite := parseJUnit(t, data).Suites[0]
	if !slices.ContainsFunc(suite.Properties, func(p struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}) bool {
		return p.Name == "base-url" && p.Value == ts.URL
	}) {
		t.Errorf("no base-url property %q: %+v", ts.URL, suite.Properties)
	}
	failed := map[string][]string{}
	passedOut := map[string]string{}
	for _, c := range suite.Cases {
		if c.Classname != "letta-tokens.check" {
			t.Errorf("case %q: classname %q", c.Name, c.Classname)
		}
		for _, fl := range c.Failures {
			failed[c.Name] = append(failed[c.Name], fl.Message)
		}
		passedOut[c.Name] = c.SystemOut
	}
	for _, c := range contract.Checks() {
		if _, ok := passedOut[string(c)]; !ok {
			t.Errorf("no test case for check %q", c)
		}
	}
	mask := redact.NewMasker("").WithKeys(testKey)
	for _, b := range breaking {
		if !slices.Contains(failed[string(b.Check)], mask.Safe(b.String(), 5*redact.MaxLine)) {
			t.Errorf("breaking finding has no failure in case %q: %s", b.Check, b)
		}
	}
	for name, msgs := range failed {
		want := 0
		for _, b := range breaking {
			if string(b.Check) == name {
				want++
			}
		}
		if len(msgs) != want {
			t.Errorf("case %q: %d failures, want %d", name, len(msgs), want)
		}
	}
	for _, a := range report.Findings.Additive() {
		if !strings.Contains(passedOut[string(a.Check)], mask.Safe(a.String(), 5*redact.MaxLine)) {
			t.Errorf("additive finding missing from the system-out of %q: %s", a.Check, a)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout outside GitHub Actions: %s", stdout.String())
	}
}

func TestReportWriteErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	for _, f := range []*reportFlags{
		{junit: filepath.Join(missing, "junit.xml")},
		{markdown: filepath.Join(missing, "summary.md")},
	} {
		err := f.write(hostileReport(), &bytes.Buffer{}, func(string) string { return "" })
		var ce *cliError
		if !errors.As(err, &ce) || ce.code != exitUsage {
			t.Errorf("%+v: err = %v, want exit %d", *f, err, exitUsage)
		}
	}
	f := &reportFlags{}
	env := map[string]string{envGitHubActions: "true", envGitHubStepSummary: filepath.Join(missing, "summary")}
	err := f.write(hostileReport(), &bytes.Buffer{}, func(k string) string { return env[k] })
	var ce *cliError
	if !errors.As(err, &ce) || ce.code != exitUsage || !strings.Contains(ce.msg, envGitHubStepSummary) {
		t.Errorf("unwritable step summary: err = %v, want exit %d naming %s", err, exitUsage, envGitHubStepSummary)
	}
}

// Without --seed the round-trip check does not run: JUnit marks it
// skipped, with the reason, and neither report counts it as passed. With
// seeded tokens it is a test case like any other.
func TestRoundTripSkippedWithoutSeed(t *testing.T) {
	type skippedCase struct {
		Name    string `xml:"name,attr"`
		Skipped *struct {
			Message string `xml:"message,attr"`
		} `xml:"skipped"`
	}
	type skippedDoc struct {
		Suites []struct {
			Skipped int           `xml:"skipped,attr"`
			Cases   []skippedCase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	for _, seeded := range []int{0, 3} {
		var doc skippedDoc
		r := &contract.Report{Exchanges: 5, Seeded: seeded, Target: "http://x"}
		var junit, md bytes.Buffer
		if err := report.JUnit(&junit, r); err != nil {
			t.Fatal(err)
		}
		report.Markdown(&md, r)
		if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil || len(doc.Suites) != 1 {
			t.Fatalf("seeded %d: %v", seeded, err)
		}
		var rt *skippedCase
		for i, c := range doc.Suites[0].Cases {
			if c.Name == string(contract.CheckRoundTrip) {
				rt = &doc.Suites[0].Cases[i]
			}
		}
		switch {
		case rt == nil:
			t.Errorf("seeded %d: no round-trip test case", seeded)
		case seeded == 0 && (rt.Skipped == nil || !strings.Contains(rt.Skipped.Message, "--seed") || doc.Suites[0].Skipped != 1):
			t.Errorf("seeded 0: round-trip not marked skipped for want of --seed: %+v, suite skipped %d", rt.Skipped, doc.Suites[0].Skipped)
		case seeded > 0 && (rt.Skipped != nil || doc.Suites[0].Skipped != 0):
			t.Errorf("seeded %d: round-trip marked skipped", seeded)
		}
		wantRan := "all 12 checks that ran passed"
		if seeded > 0 {
			wantRan = "all 13 checks that ran passed"
		}
		if !strings.Contains(md.String(), wantRan) {
			t.Errorf("seeded %d: summary lacks %q:\n%s", seeded, wantRan, md.String())
		}
	}
}
