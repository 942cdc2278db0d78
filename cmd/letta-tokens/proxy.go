package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/proxy"
	"github.com/letta-tokens/letta-tokens/redact"
)

const (
	defaultProxyAddr = "127.0.0.1:8284"
	// proxyShutdownGrace is how long a stopping proxy lets exchanges in
	// flight finish (an SDK's call that is being answered); past it they
	// are cut off and the reports written.
	proxyShutdownGrace = 10 * time.Second
)

const proxyUsage = `Usage: letta-tokens proxy --upstream URL [--addr HOST:PORT] [--junit FILE] [--markdown FILE] [--record DIR]

A validating reverse proxy: point any client (Letta's TypeScript or Python
SDK, your app) at it with LETTA_BASE_URL, and it forwards every request to
--upstream unchanged, with the client's Authorization (the proxy has no key
of its own), and hands back the upstream's answer unchanged. Each exchange
of list, create and delete is validated against openapi.yaml as check
validates its own: the request's parameters and body; the response's
status, content type, schema and unknown fields; a page holds no more than
limit; a page filtered by agentId holds only that agent; and across a
client's exchanges: its walk over offsets sees no token twice, hasNextPage
agrees with the pages that follow, a complete listing holds the tokens
its key created, and a token deleted (204) is not listed again.

Nothing goes to another origin than --upstream: a redirect is handed back
to the client as it is, never followed. The proxy asks the upstream for
gzip itself and hands bodies back uncompressed, so that it can read them.
A response body over 4 MiB is forwarded whole and noted as not
validated. A 401 or 403 (a wrong or revoked key) is counted, not drift; so
is an invalid request the upstream refuses with a 4xx (the client's
mistake). An Authorization value over 8 KiB is answered 431.

The first line on stdout is the proxy's base URL. Each new finding prints
once on stderr, masked: a key seen in Authorization is never printed, nor
a token value. On SIGINT (Ctrl-C) or SIGTERM it finishes the exchanges in
flight (within 10s), writes the reports (--junit, --markdown, and under
GitHub Actions annotations and the job summary, as check does), prints a
summary line on stderr and exits.

--record DIR writes each validated exchange into DIR as a fixture in the
format of contract/testdata (NNNNNN-list.http, ...): Authorization and
cookies dropped, any key seen replaced, and every token value replaced by
a fake, the same fake for the same token across the recording.

`

const proxyUsageTail = `
Environment: none is read; the key is the client's.

Exit status: 0 no breaking finding; 1 a breaking finding; 2 usage error
(an --upstream ending in /v1, a report file that cannot be written: both
refused before listening), nothing checked (no request, or every answer
unreachable, 429/5xx or refusing the credentials), or a report or
fixture that could not be written.

Examples:
  letta-tokens proxy --upstream https://api.letta.com --junit proxy.xml
  letta-tokens proxy --upstream http://127.0.0.1:8283 --record fixtures/
`

func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer, env runEnv) error {
	fs := newFlagSet("proxy")
	upstream := fs.String("upstream", "", "forward every request to `URL` (Letta's API or a stand-in); required")
	addr := fs.String("addr", defaultProxyAddr, "listen on `HOST:PORT`; port 0 picks a free port")
	record := fs.String("record", "", "write each validated exchange as a fixture into `DIR` (created if missing)")
	reports := addReportFlags(fs, env.mask)
	if err := parseFlags(fs, "proxy", args, stdout, proxyUsage, proxyUsageTail); err != nil {
		return err
	}
	target, err := proxyUpstream(*upstream)
	if err != nil {
		return err
	}
	if flagsSet(fs)["record"] {
		if *record == "" {
			return usageErrorf("proxy", "proxy: --record needs a directory")
		}
		if err := os.MkdirAll(*record, 0o755); err != nil {
			return usageErrorf("proxy", "proxy: --record: %v", err)
		}
	}
	// A report that cannot be written is refused before listening: the
	// app's whole test suite must not run for nothing.
	if err := reports.prepare(env.getenv); err != nil {
		return err
	}
	defer reports.discardUnwritten()

	// The boundary does not know the clients' keys, which an upstream can
	// echo in what net/http logs (bytes sent after an answer): the
	// standard logger goes nowhere while the proxy runs.
	defer routeStdLog(io.Discard)()

	// Findings print as they come, from the goroutines serving requests,
	// masked by the proxy (each key it saw) and stderr's boundary.
	var out sync.Mutex
	tr := newTransport()
	defer tr.CloseIdleConnections()
	p, err := proxy.New(proxy.Options{
		Upstream:  target,
		Transport: tr,
		Retryable: lettatokens.Retryable,
		RecordDir: *record,
		OnFinding: func(f contract.Finding) {
			out.Lock()
			defer out.Unlock()
			fmt.Fprintf(stderr, "proxy: %s\n", redact.Line(f.String(), maxCheckLine))
		},
	})
	if err != nil {
		return failf("%v", err)
	}
	ln, base, err := listen("proxy", *addr, "", stdout)
	if err != nil {
		return err
	}
	shown := target.String()
	fmt.Fprintf(stderr, "proxy: forwarding %s to %s, validating list, create and delete (Ctrl-C to stop)\n", base, shown)
	fmt.Fprintf(stderr, "proxy: point clients at it with:\n  export %s=%s\n", envBaseURL, base)

	hs := newHTTPServer(p)
	hs.ErrorLog = log.New(io.Discard, "", 0)
	if err := serveUntil(ctx, hs, ln, proxyShutdownGrace); err != nil {
		return failf("proxy: %v", err)
	}

	stats, findings := p.Stats(), p.Findings()
	if err := reports.write(p.Report(), stdout, env.getenv); err != nil {
		return err
	}
	out.Lock()
	defer out.Unlock()
	breaking, additive := len(findings.Breaking()), len(findings.Additive())
	verdict, err := "no breaking drift", error(nil)
	switch {
	case breaking > 0:
		verdict, err = "breaking drift", kindErrorf(lettatokens.KindUndocumented, "") // the findings said it
	case stats.Validated == stats.Rejected:
		verdict, err = "nothing was checked", nothingChecked(stats, shown, p.Secrets())
	case stats.RecordFailed > 0:
		err = unfinishedf("proxy: %d exchanges not recorded: %s", stats.RecordFailed, redact.Line(stats.RecordError, maxCheckLine))
	}
	fmt.Fprintf(stderr, "proxy: stopped: %s: %d breaking, %d additive — %s\n", stats, breaking, additive, verdict)
	return err
}

// nothingChecked is the proxy's failure when no exchange was validated
// but for credentials refused: no traffic, every answer one the client
// retries (429, 5xx), or none at all. The upstream's failures are sorted
// by the root package and worded by failure, as check's are.
func nothingChecked(s proxy.Stats, target string, secrets []string) error {
	const what = "nothing was checked: no exchange of list, create or delete was validated"
	fail := failure{cfg: config{target: target}, doing: "forwarding to", secrets: secrets, setting: "--upstream", after: "; " + what}
	switch {
	case s.Retried > 0:
		return fail.of(&lettatokens.Error{StatusCode: s.LastRetriedStatus})
	case s.Unreachable > 0 && s.UpstreamError != nil:
		return fail.of(s.UpstreamError)
	case s.Rejected > 0:
		return fail.of(&lettatokens.Error{StatusCode: http.StatusUnauthorized})
	case s.Requests == 0:
		return kindErrorf(lettatokens.KindUnknown, "proxy: %s (no request reached the proxy)", what)
	}
	return kindErrorf(lettatokens.KindUnknown, "proxy: %s (%s)", what, s)
}

// proxyUpstream parses --upstream: an http or https URL with a host, and
// nothing the proxy would have to send elsewhere or leak (credentials, a
// query, a fragment).
func proxyUpstream(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, usageErrorf("proxy", "proxy: --upstream is required (such as https://api.letta.com)")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, usageErrorf("proxy", "proxy: --upstream must be an http or https URL with a host")
	case u.User != nil:
		return nil, usageErrorf("proxy", "proxy: --upstream must not hold credentials; the client's Authorization is forwarded")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, usageErrorf("proxy", "proxy: --upstream must have no query or fragment")
	}
	// The rules of LETTA_BASE_URL, which the proxy's clients append to:
	// an upstream ending in /v1 would make every path /v1/v1/….
	_, err = lettatokens.LoadEnv(func(name string) string {
		if name == envBaseURL {
			return raw
		}
		return ""
	})
	var cfgErr *lettatokens.ConfigError
	if errors.As(err, &cfgErr) && cfgErr.Setting == envBaseURL {
		return nil, usageErrorf("proxy", "proxy: --upstream %s", cfgErr.Reason)
	}
	return u, nil
}
