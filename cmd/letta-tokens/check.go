package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/mock"
)

// checkMockTokens is how many seeded tokens the in-process mock of
// check --mock serves: enough for several pages at the checks' page sizes
// (50 and 7) and for every agent of the seed.
const checkMockTokens = 25

func checkUsage(w io.Writer, fs func(io.Writer)) {
	fmt.Fprint(w, `Usage: letta-tokens check [--mock] [--agent-id ID] [--json]

Checks a server against openapi.yaml, validating every exchange: the default
page, limit=1, full walks at two page sizes that must agree, and the agentId
filter. Prints a drift report: one line per finding (severity, check, JSON
pointer, message), notes on what could not be exercised, and a summary.
Breaking findings can break a spec-conformant client; additive ones (a new
field) are reported but pass.

The server is LETTA_BASE_URL, called with LETTA_API_KEY; with --mock it is an
in-process mock seeded with 25 tokens, and no account or key is needed.

`)
	fs(w)
	fmt.Fprint(w, "\n"+envHelp+`  (neither is read with --mock)

Exit status: 0 no breaking drift; 1 breaking drift; 2 usage error,
LETTA_API_KEY missing or rejected, or the server could not be reached.

Examples:
  letta-tokens check --mock
  letta-tokens check --agent-id agent-123 --json
`)
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("check")
	useMock := fs.Bool("mock", false, "check an in-process mock instead of LETTA_BASE_URL (no account needed)")
	agentID := fs.String("agent-id", "", "agent `ID` for the agentId filter check (default: the first agent seen)")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	usage := func(w io.Writer) { checkUsage(w, func(w io.Writer) { printFlags(w, fs) }) }
	if err := parseFlags(fs, "check", args, stdout, usage); err != nil {
		if errors.Is(err, errHelp) {
			return nil
		}
		return err
	}

	var cfg config
	var what string // how the header names the target
	if *useMock {
		key := "mock-" + rand.Text() // any key would do; the mock checks it
		srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(checkMockTokens), APIKey: key})
		if err != nil {
			return failf("starting the mock: %v", err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return failf("starting the mock: %v", err)
		}
		stop := serveInBackground(ln, srv)
		defer stop()
		cfg = config{apiKey: key, baseURL: baseURLOf(ln.Addr())}
		cfg.target = cfg.baseURL
		what = fmt.Sprintf("in-process mock %s (%d seeded tokens)", cfg.target, checkMockTokens)
	} else {
		var err error
		if cfg, err = loadConfig(getenv); err != nil {
			return err
		}
		what = cfg.target
	}

	if !*asJSON {
		fmt.Fprintf(stdout, "checking %s against openapi.yaml\n", what)
	}
	tr := newTransport()
	defer tr.CloseIdleConnections()
	report, err := contract.CheckLive(ctx, contract.LiveConfig{
		BaseURL:   cfg.baseURL,
		APIKey:    cfg.apiKey,
		AgentID:   *agentID,
		Transport: tr,
		Options:   []lettatokens.Option{lettatokens.WithUserAgent(userAgent)},
	})
	if err != nil {
		return checkError(ctx, err, cfg)
	}

	breaking, additive := len(report.Findings.Breaking()), len(report.Findings.Additive())
	if *asJSON {
		if err := writeCheckJSON(stdout, cfg.target, report, breaking, additive); err != nil {
			return writeError(err)
		}
	} else {
		writeCheckText(stdout, cfg, report, breaking, additive)
	}
	if breaking > 0 {
		// The report said it; exit 1 without a line on stderr.
		return &cliError{code: exitFailure}
	}
	return nil
}

func writeCheckText(w io.Writer, cfg config, report *contract.Report, breaking, additive int) {
	for _, f := range report.Findings {
		fmt.Fprintln(w, redact(f.String(), cfg.apiKey))
	}
	for _, n := range report.Notes {
		fmt.Fprintf(w, "note: %s\n", redact(n, cfg.apiKey))
	}
	agent := "no agent"
	if report.AgentID != "" {
		agent = "agent " + report.AgentID
	}
	verdict := "no breaking drift"
	if breaking > 0 {
		verdict = "breaking drift"
	}
	fmt.Fprintf(w, "checked %s: %d exchanges, %d tokens, %s: %d breaking, %d additive — %s\n",
		cfg.target, report.Exchanges, report.Tokens, redact(agent, cfg.apiKey), breaking, additive, verdict)
}

// checkJSON is the --json report. Its field names are part of the
// command's interface.
type checkJSON struct {
	Target    string        `json:"target"`
	Passed    bool          `json:"passed"`
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

func writeCheckJSON(w io.Writer, target string, report *contract.Report, breaking, additive int) error {
	out := checkJSON{
		Target: target, Passed: report.Passed(), Exchanges: report.Exchanges, Tokens: report.Tokens,
		AgentID: report.AgentID, Breaking: breaking, Additive: additive,
		Findings: []findingJSON{}, Notes: []string{},
	}
	for _, f := range report.Findings {
		out.Findings = append(out.Findings, findingJSON{string(f.Severity), string(f.Check), f.Pointer, redact(f.Message, "")})
	}
	for _, n := range report.Notes {
		out.Notes = append(out.Notes, redact(n, ""))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// checkError words an error that stopped the checks. Each is exit 2: no
// check could run, so there is no verdict on drift.
func checkError(ctx context.Context, err error, cfg config) error {
	if interrupted(ctx, err) {
		return errInterrupted
	}
	if errors.Is(err, contract.ErrCredentialsRejected) {
		return credentialErrorf("credentials rejected by %s: check %s", cfg.target, envAPIKey)
	}
	if reason, ok := unreachable(err); ok {
		return credentialErrorf("cannot reach %s: %s (is %s right?)", cfg.target, reason, envBaseURL)
	}
	return credentialErrorf("checking %s: %s", cfg.target, trimPrefix(err.Error()))
}

// redact is the last guard on report lines: findings never hold a secret,
// by the contract package's design.
func redact(s, apiKey string) string {
	return lettatokens.RedactSecrets(s, apiKey)
}

// serveInBackground serves h on ln until the returned stop is called; stop
// closes the server and its connections and waits for it to finish.
func serveInBackground(ln net.Listener, h http.Handler) (stop func()) {
	srv := newHTTPServer(h)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // ErrServerClosed once stop is called
	}()
	return func() {
		_ = srv.Close()
		<-done
	}
}

// baseURLOf is the base URL clients use for a listener's address. A
// listener on all interfaces is reached through loopback.
func baseURLOf(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return (&url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}).String()
}
