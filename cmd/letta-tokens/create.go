package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

const createUsage = `Usage: letta-tokens create --hostname URL --agent-id ID [--agent-id ID]... --access LIST
                           [--expires-in DURATION | --expires-at TIME] [--json] [--timeout DURATION]

Creates a client-side access token for the application at --hostname,
giving it --access to each agent named by --agent-id (repeat the flag for
several agents; each gets the same access). --access is a comma-separated
list of read_messages, write_messages, read_agent and write_agent.

The token expires --expires-in from now or at --expires-at; with neither,
the server's default applies: 5 minutes at Letta Cloud.

stdout holds the new token's value alone, on one line, and nothing else,
so that TOKEN=$(letta-tokens create ...) captures it; with --json, the
created token as JSON, its value in full and every other field masked as
list masks it (your API key never appears, nor anything else shaped like a
token or a key). stderr says what was created, the value redacted. The
value is a secret: hand it to the application, not to a log.

A create is retried, like every request, when the server answers 408, 409,
429 or 5xx or the connection fails. If an answer is lost after the server
acted, the retry creates a second token, in rare cases: the same access
for the same hostname, live until it expires, and listed by 'letta-tokens
list'. Only the last one is printed.

`

const createUsageTail = "\n" + envHelp + `
Exit status: 0 created; 1 the server's answer shows a change in the API (an
undocumented status such as 404, an answer that is not a token, or a token
value that cannot be printed safely); 2 usage error, LETTA_API_KEY missing or
rejected, a request the server rejected (HTTP 400, its message printed),
the server unavailable (unreachable, every attempt timed out, 429/5xx after
retries), a server that is not Letta's API (404 without JSON: check
LETTA_BASE_URL), or interrupted.

Examples:
  TOKEN=$(letta-tokens create --hostname https://app.example.com \
    --agent-id agent-00000000-0000-4000-8000-000000000001 --access read_messages,write_messages --expires-in 1h)
  letta-tokens create --hostname https://app.example.com --agent-id agent-1 --agent-id agent-2 \
    --access read_agent --expires-at 2030-01-02T15:04:05Z --json
`

// accessValues are the values --access accepts: the spec's AgentAccess
// enum, in its order (a test holds them equal).
var accessValues = []gen.AgentAccess{
	gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages, gen.AgentAccessReadAgent, gen.AgentAccessWriteAgent,
}

func runCreate(ctx context.Context, args []string, stdout, stderr io.Writer, env runEnv) error {
	fs := newFlagSet("create")
	hostname := fs.String("hostname", "", "the `URL` of the application the token is for, with http:// or https:// (required)")
	var agents, access []string
	fs.Func("agent-id", "give the token access to the agent `ID` (required); repeat for several agents", appendTo(&agents))
	fs.Func("access", "what the token may do with each agent: a comma-separated `LIST` of "+accessList(", ")+" (required)", appendTo(&access))
	expiresIn := fs.Duration("expires-in", 0, "the token expires `DURATION` from now, such as 30m or 24h (default: the server's, 5 minutes)")
	expiresAt := fs.String("expires-at", "", "the token expires at `TIME`, in RFC 3339, such as 2030-01-02T15:04:05Z")
	asJSON := fs.Bool("json", false, "print the created token as JSON, its value in full, instead of the value alone")
	timeout := addTimeoutFlag(fs)
	if err := parseFlags(fs, "create", args, stdout, createUsage, createUsageTail); err != nil {
		return err
	}
	params, err := createParams(flagsSet(fs), *hostname, agents, access, *expiresIn, *expiresAt, time.Now())
	if err != nil {
		return err
	}

	api, err := dial(env, "create", *timeout, "creating a token at")
	if err != nil {
		return err
	}
	defer api.closeIdle()

	tok, err := api.client.CreateToken(ctx, params)
	var paramErr *lettatokens.ParamError
	switch {
	case errors.As(err, &paramErr):
		// The client's own checks of what the flags gave (the hostname's
		// pattern and host, an expiry past year 9999), worded by flag.
		return usageErrorf("create", "create: %s %s", createFlagOf(paramErr.Field), paramErr.Reason)
	case err != nil:
		return api.fail.of(err)
	}
	if reason := unusableToken(tok.Token, env.mask); reason != "" {
		// Printed, such a value would write to the terminal, or break
		// TOKEN=$(…), or show the key; delete could not read it back.
		return kindErrorf(lettatokens.KindUndocumented, "%s answered a token value that cannot be used (%s): it is not printed; the token, if it exists, expires %s",
			api.fail.cfg.target, reason, api.fail.serverText(tok.ExpiresAt))
	}

	note := createdNote(*tok, env.mask, time.Now())
	out := []byte(tok.Token)
	if *asJSON {
		// The value in full, every other field masked as list --reveal masks it.
		out, err = json.MarshalIndent(masker{key: env.mask, reveal: true}.token(*tok), "", "  ")
		out = redact.DefuseJSON(out)
	}
	if err == nil {
		_, err = fmt.Fprintf(stdout, "%s\n", out)
	}
	if err != nil {
		// The token exists all the same: say which, so it can be found
		// (list) and deleted.
		return failf("writing output: %v; %s", err, note)
	}
	fmt.Fprintln(stderr, note)
	return nil
}

// createParams checks create's flags (set holds those given) and builds the
// client's parameters; now is what --expires-at must be after. Each
// mistake is a usage error naming the flag; what the client checks itself
// (the hostname's pattern) is left to it.
func createParams(set map[string]bool, hostname string, agents, access []string, expiresIn time.Duration, expiresAt string, now time.Time) (lettatokens.CreateTokenParams, error) {
	fail := func(format string, args ...any) (lettatokens.CreateTokenParams, error) {
		return lettatokens.CreateTokenParams{}, usageErrorf("create", "create: "+format, args...)
	}
	switch {
	case hostname == "":
		return fail("--hostname is required: the URL of the application the token is for, such as https://app.example.com")
	case len(agents) == 0:
		return fail("--agent-id is required: the agent the token gives access to (repeat it for several)")
	case len(access) == 0:
		return fail("--access is required: a comma-separated list of %s", accessList(", "))
	case set["expires-in"] && set["expires-at"]:
		return fail("--expires-in and --expires-at cannot be used together")
	case set["expires-in"] && expiresIn <= 0:
		return fail("--expires-in must be positive, got %s", expiresIn)
	}
	for i, id := range agents {
		switch {
		case id == "":
			return fail("--agent-id must not be empty")
		case slices.Contains(agents[:i], id):
			return fail("--agent-id %s is given twice", quoteArg(id))
		}
	}
	var granted []gen.AgentAccess
	for item := range strings.SplitSeq(strings.Join(access, ","), ",") {
		a := gen.AgentAccess(strings.TrimSpace(item))
		switch {
		case a == "":
			return fail("--access has an empty item: want a comma-separated list of %s", accessList(", "))
		case !slices.Contains(accessValues, a):
			return fail("--access: %s is not an access the API knows: want %s", quoteArg(string(a)), accessList(" or "))
		case slices.Contains(granted, a):
			return fail("--access: %s is given twice", quoteArg(string(a)))
		}
		granted = append(granted, a)
	}
	params := lettatokens.CreateTokenParams{Hostname: hostname, ExpiresIn: expiresIn}
	if set["expires-at"] {
		at, err := time.Parse(time.RFC3339Nano, expiresAt)
		switch {
		case err != nil:
			return fail("--expires-at: %s is not an RFC 3339 time, such as 2030-01-02T15:04:05Z", quoteArg(expiresAt))
		case !at.After(now):
			return fail("--expires-at %s is not in the future", expiresAt)
		}
		params.ExpiresAt = at
	}
	for _, id := range agents {
		params.Policy = append(params.Policy, gen.AgentPolicy{Type: gen.AgentPolicyTypeAgent, Id: id, Access: granted})
	}
	return params, nil
}

// createFlagOf names the flag behind a field of CreateTokenParams, as a
// *lettatokens.ParamError names it ("Hostname", "Policy[1].Id").
func createFlagOf(field string) string {
	for _, f := range []struct{ field, flag string }{
		{"Hostname", "--hostname"}, {"ExpiresAt", "--expires-at"}, {"ExpiresIn", "--expires-in"},
		{".Id", "--agent-id"}, {".Access", "--access"},
	} {
		if strings.Contains(field, f.field) {
			return f.flag
		}
	}
	return field
}

// accessList is the values --access accepts, joined by sep, the last by
// " or " when sep is.
func accessList(sep string) string {
	names := make([]string, len(accessValues))
	for i, a := range accessValues {
		names[i] = string(a)
	}
	if sep == " or " {
		return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	return strings.Join(names, sep)
}

// quoteArg quotes a value from the command line for an error line:
// escaped and capped, as a script may pass anything.
func quoteArg(s string) string {
	return `"` + redact.Line(s, redact.MaxLine) + `"`
}

// appendTo is the Set of a repeatable flag: every value is kept.
func appendTo(values *[]string) func(string) error {
	return func(v string) error {
		*values = append(*values, v)
		return nil
	}
}

// maxNoteAgents is how many of a created token's agents its stderr line
// names; the rest are counted.
const maxNoteAgents = 8

// createdNote is the line create writes on stderr: what was created, for
// whom, until when. Every field came from the server: each is masked as
// list masks a row (the new token's value redacted, and wherever else the
// server put it), escaped and capped.
func createdNote(tok gen.Token, key *redact.Masker, now time.Time) string {
	// Only what the line can show is masked: a server's answer may hold
	// hundreds of thousands of policy entries, and the line is capped.
	more := len(tok.Policy.Data) - maxNoteAgents
	shown := tok
	shown.Policy.Data = tok.Policy.Data[:min(len(tok.Policy.Data), maxNoteAgents)]
	shown = masker{key: key}.token(shown)
	agents := agentsCell(shown.Policy)
	if more > 0 {
		agents += fmt.Sprintf(" and %d more", more)
	}
	line := "created token " + cell(shown.Token) + " for " + cell(shown.Hostname) +
		", agents " + agents + ", expires " + cell(shown.ExpiresAt)
	if at, err := lettatokens.ExpiresAt(tok); err == nil {
		// To the second, or to the minute from two minutes on: "45s", "5m0s".
		switch d := at.Sub(now); {
		case d >= 2*time.Minute:
			line += " (in " + d.Round(time.Minute).String() + ")"
		case d > 0:
			line += " (in " + d.Round(time.Second).String() + ")"
		default:
			line += " (already expired)"
		}
	}
	return line
}
