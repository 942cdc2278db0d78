package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// tokenSink writes tokens as they arrive, a page at a time, so that a walk
// over every page never holds more than one page in memory.
type tokenSink interface {
	// page writes a batch of tokens and flushes them to the output. The
	// sink does not keep the slice.
	page(tokens []gen.Token) error
	// end finishes the output after total tokens; more, when not empty,
	// is the flags that list the tokens that follow (see nextPageFlags).
	end(total int, more string) error
	// stop finishes the output of a listing that ended early, with no
	// count line: cut short on purpose (a bound, an interrupt), JSON stays
	// a valid array of the tokens written; after an error, it is left
	// visibly incomplete.
	stop(onPurpose bool)
}

// jsonSink writes a JSON array of tokens incrementally: "[", the elements
// as they arrive, "]"; "[]" for none. The result is byte for byte what
// json.MarshalIndent(tokens, "", "  ") gives for the whole slice (but "#["
// written "\u0023[", see redact.DefuseJSON). Strings are masked (see
// masker) but neither escaped nor capped: encoding/json escapes control
// characters, and a program reading the JSON gets the values whole.
type jsonSink struct {
	w    *bufio.Writer
	mask masker
	n    int
}

func newJSONSink(w io.Writer, mask masker) *jsonSink {
	return &jsonSink{w: bufio.NewWriter(w), mask: mask}
}

func (s *jsonSink) page(tokens []gen.Token) error {
	mask := s.mask.page(tokens)
	for _, tok := range tokens {
		elem, err := json.MarshalIndent(mask.token(tok), "  ", "  ")
		if err != nil {
			return err
		}
		if s.n == 0 {
			s.w.WriteString("[\n  ")
		} else {
			s.w.WriteString(",\n  ")
		}
		s.w.Write(redact.DefuseJSON(elem))
		s.n++
	}
	return s.w.Flush()
}

func (s *jsonSink) end(int, string) error {
	if s.n == 0 {
		s.w.WriteString("[]\n")
	} else {
		s.w.WriteString("\n]\n")
	}
	return s.w.Flush()
}

// stop ends the line but, after an error, not the array: a JSON parser
// must reject an incomplete listing rather than take it for a whole one.
func (s *jsonSink) stop(onPurpose bool) {
	if onPurpose {
		_ = s.end(s.n, "")
		return
	}
	if s.n > 0 {
		s.w.WriteString("\n")
	}
	_ = s.w.Flush()
}

// tableSink writes an aligned table. text/tabwriter aligns only what it has
// buffered, so streaming through it would mean a flush per page and columns
// that jump from page to page. Instead each column's width only grows: the
// first page is aligned exactly (a single-page listing is always perfectly
// aligned), and a later page widens a column only if it holds a wider cell.
//
// Every cell is masked (see masker), escaped (redact.Line: a server cannot
// write escape sequences to the terminal or start a forged row) and capped:
// at cellMax bytes, and the agents cell at agentsCellMax.
type tableSink struct {
	w      *bufio.Writer
	mask   masker
	widths [len(tableHeader) - 1]int // the last column is not padded
	header bool
	rows   [][len(tableHeader)]string // scratch, reused across pages
}

var tableHeader = [...]string{"TOKEN", "HOSTNAME", "EXPIRES", "AGENTS"}

const columnGap = 2

// Cell caps, in bytes of the escaped text. A cell is one server string
// (token, hostname, expiry), at most redact.MaxLine like any server string
// in a report line; the agents cell lists every agent of a policy, so it
// gets room for several (each agent id is capped at cellMax too). A longer
// value ends in "…"; --json prints it whole.
const (
	cellMax       = redact.MaxLine
	agentsCellMax = 4 * redact.MaxLine
)

func newTableSink(w io.Writer, mask masker) *tableSink {
	t := &tableSink{w: bufio.NewWriter(w), mask: mask}
	for i := range t.widths {
		t.widths[i] = utf8.RuneCountInString(tableHeader[i])
	}
	return t
}

func (t *tableSink) page(tokens []gen.Token) error {
	if len(tokens) == 0 {
		return nil
	}
	rows := t.rows[:0]
	mask := t.mask.page(tokens)
	for _, tok := range tokens {
		tok = mask.token(tok)
		row := [len(tableHeader)]string{cell(tok.Token), cell(tok.Hostname), cell(tok.ExpiresAt), agentsCell(tok.Policy)}
		for i := range t.widths {
			t.widths[i] = max(t.widths[i], utf8.RuneCountInString(row[i]))
		}
		rows = append(rows, row)
	}
	if !t.header {
		t.writeRow(tableHeader)
		t.header = true
	}
	for _, row := range rows {
		t.writeRow(row)
	}
	clear(rows)
	t.rows = rows[:0]
	return t.w.Flush()
}

func (t *tableSink) writeRow(row [len(tableHeader)]string) {
	for i, c := range row {
		t.w.WriteString(c)
		if i < len(t.widths) {
			pad := t.widths[i] - utf8.RuneCountInString(c) + columnGap
			for range pad {
				t.w.WriteByte(' ')
			}
		}
	}
	t.w.WriteByte('\n')
}

func (t *tableSink) end(total int, more string) error {
	line := plural(total, "token")
	if more != "" {
		line += " (more: " + more + ")"
	}
	t.w.WriteString(line + "\n")
	return t.w.Flush()
}

func (t *tableSink) stop(bool) { _ = t.w.Flush() }

// agentsCell lists a policy's agents with their access, as
// "agent-1(read_messages,write_agent); agent-2(read_agent)", escaped and
// capped like every cell.
func agentsCell(p gen.TokenPolicy) string {
	if len(p.Data) == 0 {
		return "-"
	}
	var b strings.Builder
	for i, d := range p.Data {
		if i > 0 {
			b.WriteString("; ")
		}
		if b.Len() > agentsCellMax {
			break // the rest would be cut anyway
		}
		if d.Type != gen.AgentPolicyTypeAgent {
			b.WriteString(redact.Line(string(d.Type), cellMax) + ":")
		}
		b.WriteString(redact.Line(d.Id, cellMax))
		b.WriteByte('(')
		for j, a := range d.Access {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(redact.Line(string(a), cellMax))
		}
		b.WriteByte(')')
	}
	return redact.Line(b.String(), agentsCellMax)
}

// cell is a masked server string as the table shows it: "-" when empty,
// else escaped and capped (see tableSink).
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return redact.Line(s, cellMax)
}

// progress reports a run's progress on stderr, on one line rewritten in
// place ("fetched 300 tokens"), when stderr is a terminal. It is safe for
// concurrent use.
type progress struct {
	w          io.Writer
	on         bool
	verb, noun string
	mu         sync.Mutex
	shown      int // length of the line shown, 0 for none
}

// newProgress is list --all's: shown only when stderr is a terminal and
// stdout is not: when both are, the rows streaming past are the progress,
// and a line rewritten in place would tangle with them.
func newProgress(stderr, stdout io.Writer) *progress {
	return &progress{w: stderr, on: isTerminal(stderr) && !isTerminal(stdout), verb: "fetched", noun: "token"}
}

func (p *progress) update(n int) {
	if p.on {
		p.mu.Lock()
		defer p.mu.Unlock()
		line := p.verb + " " + plural(n, p.noun)
		fmt.Fprint(p.w, "\r"+line)
		p.shown = len(line)
	}
}

// done leaves the final count on its own line.
func (p *progress) done(n int) {
	if p.on {
		p.mu.Lock()
		defer p.mu.Unlock()
		fmt.Fprintf(p.w, "\r%s %s\n", p.verb, plural(n, p.noun))
		p.shown = 0
	}
}

// plural is "1 token", "0 tokens", "2 tokens": n and noun, in English.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// abort clears the progress line, so that an error or a report starts on
// an empty line and no stale count (or a "^C" the terminal echoed after it)
// is left. Spaces, not an escape sequence, so that any terminal clears it.
func (p *progress) abort() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown > 0 {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.shown+len("^C"))+"\r")
		p.shown = 0
	}
}

// isTerminal reports whether v (stdin, stdout or stderr) is a character
// device: a terminal (or /dev/null, where progress costs nothing, and
// where delete has no token to read either).
func isTerminal(v any) bool {
	// The masking writer around stdout and stderr, and any writer around it.
	for u, ok := v.(interface{ Unwrap() io.Writer }); ok; u, ok = v.(interface{ Unwrap() io.Writer }) {
		v = u.Unwrap()
	}
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
