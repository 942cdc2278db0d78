package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract/live"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// allDefaultLimit is --all's page size when --limit is not given: ten
// times fewer round trips than the server's default of 10.
const allDefaultLimit = 100

const listUsage = `Usage: letta-tokens list [--agent-id ID] [--hostname URL] [--limit N] [--offset N]
                         [--all [--max-tokens N] [--concurrency N]] [--json] [--reveal]
                         [--timeout DURATION] [--deadline DURATION]

Lists the account's client-side access tokens: one page (the server's
default of 10 tokens, or --limit), or every page with --all. The default
output is a table (token, hostname, expiry, agents and their access); --json
prints a JSON array of the tokens as the API returns them, masked as below.

Token values are secrets: they are redacted (ck-let-a…9f3c) unless --reveal
is given. Whatever the server puts in any other field is masked too, with or
without --reveal: your API key in any form, and anything shaped like a token
or a key. --reveal shows each token's own value in full, never the API key.
Table cells have control characters escaped and are cut at 200 bytes (the
agents cell at 800) with "…"; --json prints values whole, as valid JSON.

--hostname keeps the tokens whose hostname is URL exactly, or, when URL
ends in "/", starts with it; the API has no such filter, so the tokens are
fetched and filtered here (use --all to look at every page). It finds the
tokens a seeded check left (check --seed names its run's hostname), or
every seeded run's: --hostname ` + live.SeedHostname + `

With --all, --concurrency pages (default 4) are requested at once and
printed in order as they arrive; progress goes to stderr when stderr is a
terminal (and stdout is not). Memory holds the pages in flight (pages ahead
only while they take 64 MiB or less) and, to catch a token listed twice,
11 to 21 bytes per token listed: about 17 MB at the default --max-tokens,
up to 201 MB at 10,000,000. A token listed twice
anywhere in the walk stops it (the server paginates inconsistently); an
account of more than --max-tokens tokens (default 1,000,000, or
LETTA_MAX_TOKENS) is listed up to the bound and ends with exit 2, as the
listing is incomplete. --timeout bounds each request attempt; --deadline
(default 3h) bounds the whole walk, however many pages a server makes of
it: past it, the walk ends with exit 2. A listing cut short by
--max-tokens, --deadline or Ctrl-C is still a valid JSON array with --json
(the exit status says it is incomplete); one the server broke (drift, an
outage) is left without its closing bracket.

`

const listUsageTail = "\n" + envHelp + `
Exit status: 0 listed; 1 the server's answer shows a change in the API
(inconsistent pagination, invalid JSON, an undocumented status such as 404);
2 usage error, LETTA_API_KEY missing or rejected, a request the server
rejected (HTTP 400), the server unavailable (unreachable, every attempt
timed out, 429/5xx after retries), a server that is not Letta's API (404
without JSON: check LETTA_BASE_URL), a listing cut at --max-tokens, or
interrupted.

Examples:
  letta-tokens list --limit 20
  letta-tokens list --all --json > tokens.json
  letta-tokens list --all --timeout 2m --deadline 30m
  letta-tokens list --all --hostname ` + live.SeedHostname + `
  LETTA_BASE_URL=http://127.0.0.1:8283 LETTA_API_KEY=any letta-tokens list --all
`

func runList(ctx context.Context, args []string, stdout, stderr io.Writer, env runEnv) error {
	fs := newFlagSet("list")
	agentID := fs.String("agent-id", "", "list only tokens whose policy names this agent `ID`")
	hostname := fs.String("hostname", "", "list only tokens whose hostname is `URL`, or starts with it when it ends in \"/\" (filtered here, not by the server)")
	limit := fs.Int("limit", 0, "ask for `N` tokens per page, at least 1 (default: the server's 10, or 100 with --all)")
	offset := fs.Int("offset", 0, "skip the first `N` tokens (not with --all)")
	all := fs.Bool("all", false, "walk every page and list every token")
	concurrency := fs.Int("concurrency", defaultConcurrency, "with --all, request `N` pages at once (1 walks one page at a time; at most 16)")
	maxTokens := fs.Int("max-tokens", lettatokens.DefaultMaxTokens, "with --all, stop after `N` tokens, at most 10000000; "+envMaxTokens+" sets the default")
	asJSON := fs.Bool("json", false, "print a JSON array of tokens as the API returns them")
	reveal := fs.Bool("reveal", false, "print each token's own value in full (they are secrets; the API key stays masked)")
	timeout := addTimeoutFlag(fs)
	deadline := fs.Duration("deadline", defaultCheckDeadline, "give up the whole walk after `DURATION`; at most 24h")
	if err := parseFlags(fs, "list", args, stdout, listUsage, listUsageTail); err != nil {
		return err
	}
	set := flagsSet(fs)
	switch {
	case set["limit"] && *limit < 1:
		return usageErrorf("list", "list: --limit must be at least 1, got %d", *limit)
	case *offset < 0:
		return usageErrorf("list", "list: --offset must not be negative, got %d", *offset)
	case *all && set["offset"]:
		return usageErrorf("list", "list: --offset cannot be used with --all, which always starts at the first token")
	case !*all && set["max-tokens"]:
		return usageErrorf("list", "list: --max-tokens bounds a walk: use it with --all")
	case !*all && set["concurrency"]:
		return usageErrorf("list", "list: --concurrency is for walks: use it with --all")
	}
	bound, err := walkBounds("list", set, *maxTokens, *concurrency, *timeout, *deadline, env)
	if err != nil {
		return err
	}

	api, err := dial(env, "list", *timeout, "listing tokens from")
	if err != nil {
		return err
	}
	defer api.closeIdle()

	rows := masker{key: env.mask, reveal: *reveal}
	var sink tokenSink
	if *asJSON {
		sink = newJSONSink(stdout, rows)
	} else {
		sink = newTableSink(stdout, rows)
	}
	keep := hostnameFilter(*hostname)
	runCtx, cancel := context.WithTimeout(ctx, *deadline)
	defer cancel()

	if *all {
		// --limit is at least 1 when given: 0 is its absence.
		err := listAll(runCtx, api, sink, keep, stdout, stderr, lettatokens.ListOptions{
			AgentID:     *agentID,
			Limit:       cmp.Or(*limit, allDefaultLimit),
			MaxTokens:   bound,
			Concurrency: *concurrency,
		})
		if ctx.Err() == nil && runCtx.Err() != nil {
			return kindErrorf(lettatokens.KindUnavailable, "could not list every token of %s within --deadline %s: raise --deadline; the listing is incomplete",
				api.fail.cfg.target, shortDuration(*deadline))
		}
		return err
	}

	// Unset, the limit is 0: the server's default.
	page, err := api.client.ListTokens(runCtx, lettatokens.ListOptions{AgentID: *agentID, Limit: *limit, Offset: *offset})
	if err != nil {
		if ctx.Err() == nil && runCtx.Err() != nil {
			return kindErrorf(lettatokens.KindUnavailable, "no answer from %s within --deadline %s: raise --deadline", api.fail.cfg.target, shortDuration(*deadline))
		}
		return api.fail.of(err)
	}
	kept := slices.DeleteFunc(slices.Clone(page.Tokens), func(tok gen.Token) bool { return !keep(tok) })
	if err := sink.page(kept); err != nil {
		return writeError(err)
	}
	more := ""
	if page.HasNextPage && len(page.Tokens) > 0 {
		more = nextPageFlags(*agentID, *limit, *offset+len(page.Tokens))
	}
	if err := sink.end(len(kept), more); err != nil {
		return writeError(err)
	}
	if more != "" && *asJSON {
		// The JSON on stdout stays a bare array; the hint goes beside it.
		fmt.Fprintf(stderr, "more tokens follow: %s, or --all for every page\n", more)
	}
	return nil
}

// nextPageFlags are the flags that list the page after this one: the same
// --agent-id and --limit, and the next --offset. The agent ID is quoted
// for a POSIX shell when it needs to be, and escaped like any line.
func nextPageFlags(agentID string, limit int, next int) string {
	var b strings.Builder
	if agentID != "" {
		b.WriteString("--agent-id " + redact.Line(shellWord(agentID), redact.MaxLine) + " ")
	}
	if limit > 0 { // 0: the server's default, not given
		fmt.Fprintf(&b, "--limit %d ", limit)
	}
	fmt.Fprintf(&b, "--offset %d", next)
	return b.String()
}

// shellWord is s as one word of a POSIX shell: as it is when it holds
// only characters no shell treats specially, else in single quotes.
func shellWord(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/@+=,", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// listAll streams every token of the walk to sink, one page-sized batch at
// a time: it never holds more than one page of tokens, whatever the total.
// Tokens that arrived before an error are still written. A walk cut short
// by the caller (its bound, its context: --deadline, Ctrl-C) ends the output
// as a valid JSON array of what was listed, the error saying it is
// incomplete; a walk the server broke leaves it incomplete (a JSON array
// without its closing bracket), so that it cannot be mistaken for a whole
// listing.
func listAll(ctx context.Context, api apiCall, sink tokenSink, keep func(gen.Token) bool, stdout, stderr io.Writer, opts lettatokens.ListOptions) error {
	prog := newProgress(stderr, stdout)
	batch := make([]gen.Token, 0, opts.Limit)
	total := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := sink.page(batch); err != nil {
			prog.abort()
			return writeError(err)
		}
		total += len(batch)
		// Zero the batch so that it pins no page that has been printed.
		clear(batch)
		batch = batch[:0]
		prog.update(total)
		return nil
	}
	for tok, err := range api.client.Tokens(ctx, opts) {
		if err != nil {
			werr := flush()
			prog.abort()
			sink.stop(errors.Is(err, lettatokens.ErrLimitReached) || ctx.Err() != nil)
			if werr != nil {
				return werr
			}
			return api.fail.of(err)
		}
		if !keep(tok) {
			continue
		}
		batch = append(batch, tok)
		if len(batch) == opts.Limit {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	prog.done(total)
	if err := sink.end(total, ""); err != nil {
		return writeError(err)
	}
	return nil
}

func writeError(err error) error {
	return failf("writing output: %v", err)
}

// hostnameFilter is list --hostname's: every token when want is empty;
// else a token whose hostname is want, or starts with it when want ends
// in "/" (a prefix that is not a whole path segment would also take
// https://app.example.com.evil.org for https://app.example.com).
func hostnameFilter(want string) func(gen.Token) bool {
	prefix := strings.HasSuffix(want, "/")
	return func(tok gen.Token) bool {
		return want == "" || tok.Hostname == want || prefix && strings.HasPrefix(tok.Hostname, want)
	}
}
