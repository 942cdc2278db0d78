package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/redact"
)

const deleteUsage = `Usage: letta-tokens delete [--token-file FILE] [--timeout DURATION] < token

Deletes one client-side access token, which then stops working at once.

The token is read from stdin (when stdin is not a terminal) or from
--token-file, never from the command line, where process lists and shell
history would show it: one line (white space around it is dropped), at
most 4096 bytes, printable ASCII without spaces. Anything else (no token,
several lines, an API key) is refused before anything is sent.

On success stdout stays empty and stderr says which token went, redacted:

  deleted ck-let-a…9f3c

The token is never printed in full, whatever the server answers. A delete
is retried like every request; a retry after a deletion whose answer was
lost gets the server's "not found", for a token that is in fact gone.

`

const deleteUsageTail = "\n" + envHelp + `
Exit status: 0 deleted; 1 the server's answer shows a change in the API (an
undocumented status such as 404); 2 usage error (bad input, see above),
LETTA_API_KEY missing or rejected, a request the server rejected (HTTP 400,
such as a token that does not exist, its message printed), the server
unavailable (unreachable, every attempt timed out, 429/5xx after retries),
a server that is not Letta's API (404 without JSON, also for the token
collection: check LETTA_BASE_URL), or interrupted.

Examples:
  letta-tokens delete < token.txt
  letta-tokens delete --token-file token.txt
  echo "$TOKEN" | letta-tokens delete
`

func runDelete(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env runEnv) error {
	fs := newFlagSet("delete")
	tokenFile := fs.String("token-file", "", "read the token from `FILE` instead of stdin")
	timeout := addTimeoutFlag(fs)
	if err := parseFlags(fs, "delete", args, stdout, deleteUsage, deleteUsageTail); err != nil {
		return err
	}
	if flagsSet(fs)["token-file"] && *tokenFile == "" {
		return usageErrorf("delete", "delete: --token-file needs a file name")
	}
	api, err := dial(env, "delete", *timeout, "deleting a token at")
	if err != nil {
		return err
	}
	defer api.closeIdle()

	from, input := "stdin", stdin
	if *tokenFile != "" {
		f, err := os.Open(*tokenFile)
		if err != nil {
			return usageErrorf("delete", "delete: cannot read --token-file: %s", pathErrorReason(err))
		}
		defer f.Close()
		from, input = "--token-file", f
	} else if isTerminal(stdin) {
		// Not read: a token typed at a terminal would be echoed on the
		// screen, and a device such as /dev/null holds none.
		return usageErrorf("delete", "delete: stdin is a terminal (or a device such as /dev/null), not a token: pipe the token in (letta-tokens delete < token.txt) or give --token-file; it is never taken from the command line")
	}
	token, err := readTokenInput(ctx, input, from, env.mask)
	if err != nil {
		return err
	}
	api.fail.secrets = []string{token}

	err = api.client.DeleteToken(ctx, token)
	var paramErr *lettatokens.ParamError
	switch {
	case errors.As(err, &paramErr):
		return usageErrorf("delete", "delete: the token %s; nothing was sent", paramErr.Reason)
	case err != nil:
		return api.fail.of(notAPI(ctx, api.client, err))
	}
	fmt.Fprintln(stderr, "deleted "+redact.Line(redact.Token(token), redact.MaxLine))
	return nil
}

// notAPI is err, a delete's error, or when that is a 404 and a look at the
// collection finds no Letta API there (KindNotAPI, decided on the
// collection only), the look's error.
func notAPI(ctx context.Context, client *lettatokens.Client, err error) error {
	var apiErr *lettatokens.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		return err
	}
	_, probe := client.ListTokens(ctx, lettatokens.ListOptions{Limit: 1})
	if lettatokens.KindOf(probe) == lettatokens.KindNotAPI {
		return probe
	}
	return err
}
