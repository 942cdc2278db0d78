package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
)

// allDefaultLimit is --all's page size when --limit is not given: fewer
// round trips than the server's default of 10.
const allDefaultLimit = lettatokens.DefaultPageLimit

// maxWalkTokens bounds a --all walk whatever the page size, so that a
// server whose hasNextPage never turns false cannot keep it going forever,
// while --limit 1 can still walk a large account.
const maxWalkTokens = 1_000_000

func listUsage(w io.Writer, fs func(io.Writer)) {
	fmt.Fprint(w, `Usage: letta-tokens list [--agent-id ID] [--limit N] [--offset N] [--all] [--json] [--reveal]

Lists the account's client-side access tokens: one page (the server's
default of 10 tokens, or --limit), or every page with --all. The default
output is a table (token, hostname, expiry, agents and their access); --json
prints a JSON array of the tokens as the API returns them. Token values are
secrets: they are redacted (ck-let-a…9f3c) unless --reveal is given.

With --all, pages are fetched one at a time and printed as they arrive, so
memory stays flat however many tokens there are; progress goes to stderr
when stderr is a terminal (and stdout is not).

`)
	fs(w)
	fmt.Fprint(w, "\n"+envHelp+`
Exit status: 0 listed; 1 the server could not be reached, answered with an
error, or paginated inconsistently; 2 usage error, or LETTA_API_KEY missing
or rejected.

Examples:
  letta-tokens list --limit 20
  letta-tokens list --all --json > tokens.json
  LETTA_BASE_URL=http://127.0.0.1:8283 LETTA_API_KEY=any letta-tokens list --all
`)
}

func runList(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("list")
	agentID := fs.String("agent-id", "", "list only tokens whose policy names this agent `ID`")
	limit := fs.Int("limit", 0, "ask for `N` tokens per page, at least 1 (default: the server's 10, or 100 with --all)")
	offset := fs.Int("offset", 0, "skip the first `N` tokens (not with --all)")
	all := fs.Bool("all", false, "walk every page and list every token")
	asJSON := fs.Bool("json", false, "print a JSON array of tokens as the API returns them")
	reveal := fs.Bool("reveal", false, "print token values in full (they are secrets)")
	usage := func(w io.Writer) { listUsage(w, func(w io.Writer) { printFlags(w, fs) }) }
	if err := parseFlags(fs, "list", args, stdout, usage); err != nil {
		if errors.Is(err, errHelp) {
			return nil
		}
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
	}

	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	tr := newTransport()
	defer tr.CloseIdleConnections()
	client, err := lettatokens.NewClient(
		lettatokens.WithAPIKey(cfg.apiKey),
		lettatokens.WithBaseURL(cfg.baseURL),
		lettatokens.WithTransport(tr),
		lettatokens.WithUserAgent(userAgent),
	)
	if err != nil {
		return credentialErrorf("%v", err)
	}

	var sink tokenSink
	if *asJSON {
		sink = newJSONSink(stdout, *reveal)
	} else {
		sink = newTableSink(stdout, *reveal)
	}

	if *all {
		pageSize := allDefaultLimit
		if set["limit"] {
			pageSize = *limit
		}
		return listAll(ctx, client, cfg, sink, stdout, stderr, lettatokens.ListOptions{
			AgentID:   *agentID,
			Limit:     pageSize,
			MaxTokens: maxWalkTokens,
		})
	}

	params := gen.ListClientSideAccessTokensParams{}
	if set["limit"] {
		params.Limit = limit
	}
	if set["offset"] {
		params.Offset = offset
	}
	if *agentID != "" {
		params.AgentId = agentID
	}
	resp, err := client.ListClientSideAccessTokensWithResponse(ctx, &params)
	if err != nil {
		return listError(ctx, err, cfg)
	}
	page := resp.JSON200
	if err := sink.page(page.Tokens); err != nil {
		return writeError(err)
	}
	next := -1
	if page.HasNextPage && len(page.Tokens) > 0 {
		next = *offset + len(page.Tokens)
	}
	if err := sink.end(len(page.Tokens), next); err != nil {
		return writeError(err)
	}
	if next >= 0 && *asJSON {
		// The JSON on stdout stays a bare array; the hint goes beside it.
		fmt.Fprintf(stderr, "more tokens follow: --offset %d, or --all for every page\n", next)
	}
	return nil
}

// listAll streams every token of the walk to sink, one page-sized batch at
// a time: it never holds more than one page of tokens, whatever the total.
// Tokens that arrived before an error are still written; the output is then
// left incomplete (a JSON array without its closing bracket), so that it
// cannot be mistaken for a whole listing.
func listAll(ctx context.Context, client *lettatokens.Client, cfg config, sink tokenSink, stdout, stderr io.Writer, opts lettatokens.ListOptions) error {
	prog := newProgress(stderr, stdout)
	batch := make([]gen.Token, 0, opts.Limit)
	total := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := sink.page(batch); err != nil {
			return writeError(err)
		}
		total += len(batch)
		// Zero the batch so that it pins no page that has been printed.
		clear(batch)
		batch = batch[:0]
		prog.update(total)
		return nil
	}
	for tok, err := range lettatokens.Tokens(ctx, client, opts) {
		if err != nil {
			werr := flush()
			prog.abort()
			sink.abort()
			if werr != nil {
				return werr
			}
			return listError(ctx, err, cfg)
		}
		batch = append(batch, tok)
		if len(batch) == opts.Limit {
			if err := flush(); err != nil {
				prog.abort()
				return err
			}
		}
	}
	if err := flush(); err != nil {
		prog.abort()
		return err
	}
	prog.done(total)
	if err := sink.end(total, -1); err != nil {
		return writeError(err)
	}
	return nil
}

// listError turns a failed listing into one line and an exit status.
func listError(ctx context.Context, err error, cfg config) error {
	var pagErr *lettatokens.PaginationError
	var apiErr *lettatokens.Error
	switch {
	case interrupted(ctx, err):
		return errInterrupted
	case errors.As(err, &pagErr):
		return failf("%s paginates inconsistently: %s at page %d (offset %d); the listing is incomplete",
			cfg.target, pagErr.Reason, pagErr.Page, pagErr.Offset)
	case errors.Is(err, lettatokens.ErrPagination):
		return failf("%s paginates inconsistently (%v); the listing is incomplete", cfg.target, err)
	case errors.As(err, &apiErr) && (apiErr.StatusCode == 401 || apiErr.StatusCode == 403):
		return credentialErrorf("credentials rejected by %s (HTTP %d): check %s", cfg.target, apiErr.StatusCode, envAPIKey)
	case errors.As(err, &apiErr) && apiErr.StatusCode == 0:
		reason, _ := unreachable(err)
		return failf("cannot reach %s: %s (is %s right?)", cfg.target, reason, envBaseURL)
	case errors.As(err, &apiErr):
		return failf("%s answered with an error: %s", cfg.target, trimPrefix(apiErr.Error()))
	}
	return failf("listing tokens from %s: %s", cfg.target, trimPrefix(err.Error()))
}

func writeError(err error) error {
	return failf("writing output: %v", err)
}
