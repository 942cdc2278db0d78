package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/letta-tokens/letta-tokens/contract"
)

// markdownMaxPerCheck bounds the findings listed under one check: GitHub
// rejects a step summary over 1 MiB, and a hundred lines of one kind say
// all there is to say. The counts always cover every finding.
const markdownMaxPerCheck = 100

// Markdown writes r as a Markdown summary: the verdict, the base URL,
// the counts, and the findings grouped by check. Every string that comes
// from a server is escaped so that it renders as the text it is, never as
// a link, an image, HTML or a table.
func Markdown(w io.Writer, r *contract.Report) {
	v := newReportView(r)
	fmt.Fprintf(w, "## %s: %s\n\n", v.command, v.verdict())
	if v.unfinished != "" {
		fmt.Fprintf(w, "The run did not finish (%s): below is what the exchanges it validated showed.\n\n", mdText(v.unfinished))
	}
	fmt.Fprintf(w, "Base URL %s, ", mdCode(v.target))
	if v.requests > 0 {
		fmt.Fprintf(w, "%d requests, ", v.requests)
	}
	fmt.Fprintf(w, "%d exchanges, %d tokens", v.exchanges, v.tokens)
	if v.agentID != "" {
		fmt.Fprintf(w, ", agent %s", mdCode(v.agentID))
	}
	fmt.Fprintf(w, ".\n\n| breaking | additive |\n| ---: | ---: |\n| %d | %d |\n\n", v.breaking, v.additive)
	if v.breaking+v.additive == 0 {
		fmt.Fprintf(w, "No findings: all %d checks that ran passed.\n", v.ran)
	}
	for _, c := range v.checks {
		if c.skipped != "" {
			fmt.Fprintf(w, "\nCheck %s %s\n", mdCode(c.name), mdText(c.skipped))
		}
	}
	for _, c := range v.checks {
		if len(c.findings) == 0 {
			continue
		}
		fmt.Fprintf(w, "### %s: %d breaking, %d additive\n\n", mdText(c.name), c.breaking, len(c.findings)-c.breaking)
		for i, f := range c.findings {
			if i == markdownMaxPerCheck {
				fmt.Fprintf(w, "- and %d more (see the log or the JUnit report)\n", len(c.findings)-i)
				break
			}
			fmt.Fprintf(w, "- **%s** %s: %s\n", mdText(f.severity), mdCode(f.pointer), mdText(f.message))
		}
		fmt.Fprintln(w)
	}
	if len(v.notes) > 0 {
		fmt.Fprint(w, "Notes:\n\n")
		for _, n := range v.notes {
			fmt.Fprintf(w, "- %s\n", mdText(n))
		}
		fmt.Fprintln(w)
	}
}

// mdText escapes s for Markdown text, backslash-escaping only what could
// start markup inside a line, so that the raw file still reads as the
// text it is: code spans and emphasis (` * _ ~), links and images ([ ]),
// HTML and autolinks (< > &), table cells (|), the escape itself (\), and
// the ":" of "://", the "." of "www." and every "@", which GitHub would
// otherwise turn into links. Nothing in s can then open a link, an image,
// an HTML tag, emphasis or a table cell. s holds no newline (redact.Line
// escaped them) and never starts a line of the summary, so block markup
// (#, -, >, 1.) cannot start there.
func mdText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("\\`*_~[]<>&|@", c) >= 0,
			c == ':' && strings.HasPrefix(s[i+1:], "//"),
			c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mdCode is s as a code span: fenced by one backtick more than the longest
// run of backticks in s, and padded when s starts or ends with one.
func mdCode(s string) string {
	if s == "" {
		return "(none)"
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || (strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ")) {
		s = " " + s + " "
	}
	return fence + s + fence
}
