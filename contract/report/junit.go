package report

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/letta-tokens/letta-tokens/contract"
)

// The JUnit report follows the Jenkins/Ant junit.xsd that GitLab, Jenkins,
// CircleCI and Buildkite read: testsuites > testsuite > testcase, one test
// case per named check, a <failure> per breaking finding, and additive
// findings as the <system-out> of their case.
const (
	junitClassName = "letta-tokens.check" // check's; a command's is its name, dotted
	// junitTimestamp is the schema's ISO 8601 form, without a zone: UTC.
	junitTimestamp = "2006-01-02T15:04:05"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Skipped   *junitMessage  `xml:"skipped"` // a check that did not run, and why
	Error     *junitMessage  `xml:"error"`   // a run that did not finish, and why
	Failures  []junitFailure `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit writes r as a JUnit XML document. The checks are not timed
// one by one, so every time is 0; "failures" counts failed test cases, as
// JUnit does, and each failed case holds one <failure> per finding.
func JUnit(w io.Writer, r *contract.Report) error {
	v := newReportView(r)
	className := strings.ReplaceAll(v.command, " ", ".")
	suite := junitSuite{
		Name:      v.command,
		Time:      "0",
		Timestamp: time.Now().UTC().Format(junitTimestamp),
		Properties: []junitProperty{
			{"base-url", v.target},
			{"agent-id", v.agentID},
			{"exchanges", strconv.Itoa(v.exchanges)},
			{"tokens", strconv.Itoa(v.tokens)},
			{"breaking", strconv.Itoa(v.breaking)},
			{"additive", strconv.Itoa(v.additive)},
		},
		SystemOut: strings.Join(v.notes, "\n"),
	}
	if v.requests > 0 {
		suite.Properties = append(suite.Properties, junitProperty{"requests", strconv.Itoa(v.requests)})
	}
	for _, c := range v.checks {
		tc := junitCase{Name: c.name, Classname: className, Time: "0"}
		if c.skipped != "" {
			tc.Skipped = &junitMessage{Message: c.skipped}
			suite.Skipped++
		}
		var out []string
		for _, f := range c.findings {
			if f.breaking {
				tc.Failures = append(tc.Failures, junitFailure{Message: f.line, Type: f.severity, Text: f.line})
			} else {
				out = append(out, f.line)
			}
		}
		tc.SystemOut = strings.Join(out, "\n")
		if len(tc.Failures) > 0 {
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	if v.unfinished != "" {
		// A case of its own, so that no CI takes the checks that passed
		// so far for a passing run.
		suite.Cases = append(suite.Cases, junitCase{Name: "run finished", Classname: junitClassName, Time: "0", Error: &junitMessage{Message: v.unfinished}})
		suite.Errors++
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{
		Name: v.command, Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Time: "0",
		Suites: []junitSuite{suite},
	}
	// encoding/xml writes every character XML 1.0 forbids (most C0
	// controls, U+FFFE, invalid UTF-8) as U+FFFD: whatever the view holds,
	// the document stays valid.
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, xml.Header+string(out)+"\n")
	return err
}
