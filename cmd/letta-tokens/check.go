package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync/atomic"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/redact"
)

const checkUsage = `Usage: letta-tokens check [--mock] [--seed] [--agent-id ID] [--json] [--junit FILE] [--markdown FILE]
                          [--max-tokens N] [--concurrency N] [--timeout DURATION] [--deadline DURATION]

Checks a server against openapi.yaml, validating every exchange: the default
page, limit=1, full walks at two page sizes that must agree, and the agentId
filter. Prints a drift report: one line per finding (severity, check, JSON
pointer, message), notes on what could not be exercised, and a summary.
Breaking findings can break a spec-conformant client; additive ones (a new
field) are reported but pass.

The server is LETTA_BASE_URL, called with LETTA_API_KEY; with --mock it is an
in-process mock seeded with 25 tokens, and no account or key is needed.

--seed writes to the account: the run first creates 3 tokens of its own
(hostname ` + live.SeedHostname + `<run id>, expiring after 1h, for
--agent-id or an agent seen in the data, and a second agent), so that an
account without tokens still exercises every check, and checks create, list
(each token listed as created, the agentId filter) and delete (204, then gone
from the list) on them. Every token it creates is deleted before it exits,
on failure and Ctrl-C too (within 30s). If the server refuses to create them
(a 4xx: an unknown agent, a key without the right), a note says so and the
run goes on unseeded. Their values are never printed. A token is taken for
the run's own only if create's answer is valid, names the run's hostname
and policy, holds no part of the API key, and was not listed before the
run; any other is breaking drift, named masked, and never deleted. A
create left without a usable answer (--timeout, --deadline, Ctrl-C) is
named with the run's hostname: list --all --hostname HOSTNAME finds it.

--concurrency sets how many pages each walk asks for at once (default 4):
against a distant server the walks take about that many times less time;
1 walks one page at a time. Every bound and check is the same at any value.

Bounds: the first walk stops after --max-tokens tokens (an account that
large could not be checked completely: exit 2, raise the bound); the later
walks (limit=7, and the agentId filter) cover the first 10,000 tokens (or
--max-tokens, if fewer) and are compared with the first walk's; each response body is capped at 4 MiB.
Each request attempt gives up after --timeout; the whole run after
--deadline, whose default of 3h covers a 1,000,000-token account (about
21,600 requests).

On a terminal, stderr counts the exchanges validated as the run goes. A
run interrupted (Ctrl-C, SIGTERM) or stopped at --deadline still writes
--junit and --markdown with what it validated, marked not finished (no
verdict). --json prints one object however the run ends once the flags
parse, always with "passed"; "error" says why a run did not finish.

`

const checkUsageTail = "\n" + envHelp + `  LETTA_MAX_TOKENS  default of --max-tokens (the flag wins)
  (LETTA_API_KEY and LETTA_BASE_URL are not read with --mock)

Exit status: 0 no breaking drift; 1 breaking drift; 2 usage error,
LETTA_API_KEY missing or rejected, a report file (--junit, --markdown,
$GITHUB_STEP_SUMMARY) that cannot be written (checked before anything is
sent; a file the run created is removed if the run ends without a
report), the server unreachable or unavailable (429/5xx after retries, or
no complete answer within --timeout), a server that is not Letta's API
(404 without JSON for the token collection: check LETTA_BASE_URL), or a
run that could not be checked completely (--max-tokens) or finished
(--deadline).

Examples:
  letta-tokens check --mock
  letta-tokens check --agent-id agent-123 --json
`

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer, env runEnv) (err error) {
	fs := newFlagSet("check")
	useMock := fs.Bool("mock", false, "check an in-process mock instead of LETTA_BASE_URL (no account needed)")
	agentID := fs.String("agent-id", "", "agent `ID` for the agentId filter check (default: the first agent seen)")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	maxTokens := fs.Int("max-tokens", live.DefaultMaxTokens, "stop the first walk after `N` tokens, at most 10000000; "+envMaxTokens+" sets the default")
	seed := fs.Bool("seed", false, "create 3 tokens first, check them, delete them (writes to the account)")
	concurrency := fs.Int("concurrency", defaultConcurrency, "pages each walk asks for at once, `N` from 1 to 16 (1: one at a time)")
	timeout := addTimeoutFlag(fs)
	deadline := fs.Duration("deadline", defaultCheckDeadline, "give up the whole run after `DURATION`; at most 24h")
	reports := addReportFlags(fs, env.mask)
	if err := parseFlags(fs, "check", args, stdout, checkUsage, checkUsageTail); err != nil {
		return err
	}
	// Once the flags parse, --json prints one object however the run
	// ends, "passed" in it: with an error, what the run saw before it.
	var cfg config
	var report *contract.Report
	jsonWritten := false
	if *asJSON {
		defer func() {
			if err != nil && !jsonWritten {
				_ = writeCheckJSON(stdout, cfg, cmp.Or(report, &contract.Report{}), err.Error())
			}
		}()
	}
	bound, err := walkBounds("check", flagsSet(fs), *maxTokens, *concurrency, *timeout, *deadline, env)
	if err != nil {
		return err
	}
	if err := reports.prepare(env.getenv); err != nil {
		return err
	}
	defer reports.discardUnwritten()

	var what string     // how the header names the target, when not cfg.target
	runMask := env.mask // the boundary's, built for LETTA_API_KEY
	if *useMock {
		key := "mock-" + rand.Text() // any key would do; the mock checks it
		runMask = redact.NewMasker(key)
		srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(defaultMockTokens), APIKey: key, Masker: runMask})
		if err != nil {
			return failf("starting the mock: %v", err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return failf("starting the mock: %v", err)
		}
		mockCtx, stopMock := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- serveUntil(mockCtx, newHTTPServer(srv), ln, 0) }()
		defer func() { stopMock(); <-served }() // no grace: the run is over
		cfg = config{apiKey: key, baseURL: baseURLOf(ln.Addr())}
		cfg.target = cfg.baseURL
		what = fmt.Sprintf("in-process mock %s (%d seeded tokens)", cfg.target, defaultMockTokens)
	} else if cfg, err = loadConfig(env); err != nil {
		return err
	}

	if !*asJSON {
		fmt.Fprintf(stdout, "checking %s against openapi.yaml\n", cmp.Or(what, cfg.target))
	}
	tr := newTransport()
	defer tr.CloseIdleConnections()
	runCtx, cancel := context.WithTimeout(ctx, *deadline)
	defer cancel()
	// Shown whatever stdout is: nothing goes there before the report, and
	// abort clears the line first.
	prog := &progress{w: stderr, on: isTerminal(stderr), verb: "validated", noun: "exchange"}
	var exchanges atomic.Int64
	report, err = live.CheckLive(runCtx, live.LiveConfig{
		BaseURL:   cfg.baseURL,
		APIKey:    cfg.apiKey,
		Masker:    runMask,
		AgentID:   *agentID,
		Transport: tr,
		MaxTokens: bound,
		// The later walks stop at --max-tokens too: 'check --max-tokens
		// 100' bounds the whole run, not just its first walk.
		CompareTokens: min(bound, live.DefaultCompareTokens),
		Concurrency:   *concurrency,
		Seed:          *seed,
		Options:       []lettatokens.Option{lettatokens.WithUserAgent(userAgent), lettatokens.WithTimeout(*timeout)},
		Report:        func(contract.Exchange) { prog.update(int(exchanges.Add(1))) },
	})
	prog.abort()
	// Workflow commands go beside the report, never into --json's object.
	commands := stdout
	if *asJSON {
		commands = stderr
	}
	if err != nil {
		err = checkError(ctx, runCtx, err, cfg, *timeout, *deadline)
		if report != nil && runCtx.Err() != nil {
			// Interrupted, or past --deadline: the reports say what the
			// run validated, and that it has no verdict.
			report.Target, report.Unfinished = cfg.target, err.Error()
			if werr := reports.write(report, commands, env.getenv); werr != nil {
				return werr
			}
		}
		return err
	}

	breaking, additive := len(report.Findings.Breaking()), len(report.Findings.Additive())
	if *asJSON {
		jsonWritten = true
		if err := writeCheckJSON(stdout, cfg, report, ""); err != nil {
			return writeError(err)
		}
	} else {
		writeCheckText(stdout, cfg, report, breaking, additive, bound)
	}
	report.Target = cfg.target
	if err := reports.write(report, commands, env.getenv); err != nil {
		return err
	}
	switch {
	case breaking > 0:
		// The report said it; exit 1 without a line on stderr. Drift found
		// is a verdict even when the walk was cut short.
		return kindErrorf(lettatokens.KindUndocumented, "")
	case report.Truncated:
		return kindErrorf(lettatokens.KindBoundReached, "%s could not be checked completely: the walk reached --max-tokens %d with more tokens to come; raise --max-tokens or %s",
			cfg.target, bound, envMaxTokens)
	}
	return nil
}

func writeCheckText(w io.Writer, cfg config, report *contract.Report, breaking, additive, maxTokens int) {
	for _, f := range report.Findings {
		fmt.Fprintln(w, redact.Line(f.String(), maxCheckLine))
	}
	for _, n := range report.Notes {
		fmt.Fprintf(w, "note: %s\n", redact.Line(n, maxCheckLine))
	}
	agent := "no agent"
	if report.AgentID != "" {
		agent = "agent " + redact.Line(report.AgentID, 4*redact.MaxLine)
	}
	verdict := "no breaking drift"
	switch {
	case breaking > 0:
		verdict = "breaking drift"
	case report.Truncated:
		verdict = fmt.Sprintf("no breaking drift so far, but it could not be checked completely (--max-tokens %d reached)", maxTokens)
	}
	fmt.Fprintf(w, "checked %s: %d exchanges, %s, %s: %d breaking, %d additive — %s\n",
		cfg.target, report.Exchanges, plural(report.Tokens, "token"), agent, breaking, additive, verdict)
}

// checkJSON is the --json report. Its field names are part of the
// command's interface.
type checkJSON struct {
	Target    string        `json:"target"`
	Passed    bool          `json:"passed"`
	Complete  bool          `json:"complete"`        // false: --max-tokens was reached, or the run did not finish
	Error     string        `json:"error,omitempty"` // why the run did not finish: no verdict
	Exchanges int           `json:"exchanges"`
	Tokens    int           `json:"tokens"`
	AgentID   string        `json:"agentId,omitempty"`
	Breaking  int           `json:"breaking"`
	Additive  int           `json:"additive"`
	Findings  []findingJSON `json:"findings"`
	Notes     []string      `json:"notes"`
}

type findingJSON struct {
	Severity string `json:"severity"`
	Check    string `json:"check"`
	Pointer  string `json:"pointer"`
	Message  string `json:"message"`
}

// writeCheckJSON writes report as --json's object; failed, when not
// empty, is the error that ended the run before its end: passed and
// complete are then false.
func writeCheckJSON(w io.Writer, cfg config, report *contract.Report, failed string) error {
	out := checkJSON{
		Target: cfg.target, Passed: report.Passed() && failed == "", Complete: !report.Truncated && failed == "", Error: failed,
		Exchanges: report.Exchanges, Tokens: report.Tokens,
		AgentID:  redact.Line(report.AgentID, 4*redact.MaxLine),
		Breaking: len(report.Findings.Breaking()), Additive: len(report.Findings.Additive()),
		Findings: []findingJSON{}, Notes: []string{},
	}
	for _, f := range report.Findings {
		out.Findings = append(out.Findings, findingJSON{string(f.Severity), string(f.Check), redact.Line(f.Pointer, maxCheckLine), redact.Line(f.Message, maxCheckLine)})
	}
	for _, n := range report.Notes {
		out.Notes = append(out.Notes, redact.Line(n, maxCheckLine))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// checkError words an error that stopped the checks: there is no verdict
// on drift. ctx is the command's (a signal ends it), runCtx the run's
// (--deadline ends it); any other ending is worded as list's are.
func checkError(ctx, runCtx context.Context, err error, cfg config, timeout, deadline time.Duration) error {
	// Whatever ended the run, the tokens of --seed still in the account (a
	// key refused on delete, a deadline passed) are named: no one should
	// believe the account clean.
	fail := failure{cfg: cfg, timeout: timeout, doing: "checking"}
	if u := (*live.UndeletedError)(nil); errors.As(err, &u) {
		fail.after = "; " + redact.Line(u.Error(), 4*redact.MaxLine)
	}
	if ctx.Err() == nil && runCtx.Err() != nil {
		return kindErrorf(lettatokens.KindUnavailable, "could not finish checking %s within --deadline %s: raise --deadline (no verdict on drift)%s",
			cfg.target, deadline, fail.after)
	}
	return fail.of(err)
}

// maxCheckLine caps one line of the report: findings and notes are built
// masked and capped by contract/live; escaping (redact.Line) and this cap
// are the last guard, and the boundary masks what they print.
const maxCheckLine = 2000

// envMaxTokens is the environment's default for --max-tokens, also read by
// the live test (contract/live).
const envMaxTokens = "LETTA_MAX_TOKENS"

// Bounds of the walks' flags (list --all and check).
const (
	maxMaxTokens         = 10_000_000 // a walk holds about 40 bytes a token at its peak: some 400 MB here
	defaultCheckDeadline = 3 * time.Hour
	maxCheckDeadline     = 24 * time.Hour
)

// baseURLOf is the base URL clients use for a TCP listener's address. A
// listener on all interfaces is reached through loopback.
func baseURLOf(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return (&url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}).String()
}
