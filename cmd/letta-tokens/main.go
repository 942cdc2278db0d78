// Command letta-tokens lists, creates and deletes a Letta account's
// client-side access tokens, checks a server for drift from openapi.yaml,
// serves a mock of the API (/v1/client-side-access-tokens) that needs no
// account, compares Letta's published spec with ours, and validates any
// client's traffic through a proxy. 'letta-tokens --help' (rootUsage)
// lists the commands and 'letta-tokens check --mock' tries it without an
// account.
//
// Configuration comes only from the environment: LETTA_API_KEY (never a
// flag, where it would show in process lists and shell history) and
// LETTA_BASE_URL. For the same reason delete reads the token it deletes
// from stdin or a file, never from its arguments.
//
// The command line is parsed with the standard library's flag package, one
// FlagSet per subcommand. Seven subcommands with a handful of flags each do
// not earn a dependency such as cobra: flag gives accurate --help from the
// same definitions that parse, and the dispatch is one switch.
//
// Exit status says who has to act (rootUsage words it for users): 0
// success, 1 the server's answer shows a change in the API, 2 anything
// else that kept the run from its answer. lettatokens.KindOf sorts a
// failure; exitStatus gives its kind's status and failure.words its words
// (failure.go).
//
// Every byte written leaves through one masking boundary (stdout, stderr,
// report files: see boundary); renderers and messages only escape for
// their format, and mask.go decides how list and create show tokens.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/redact"
)

// Exit statuses (see the package documentation).
const (
	exitOK      = 0
	exitFailure = 1 // the server's answer shows a change in the API
	exitUsage   = 2 // usage, configuration, credentials, outage, or a run that could not finish
)

const progName = "letta-tokens"

// Environment variables, the only source of configuration.
const (
	envAPIKey  = "LETTA_API_KEY"
	envBaseURL = "LETTA_BASE_URL"
)

func main() {
	// Outside a run, what the standard library logs goes nowhere: it can
	// quote a server's bytes (see stdLogLines).
	log.SetOutput(io.Discard)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runStdin(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// runEnv is what a run reads from its environment, read once by one
// LoadEnv, and the boundary's masker built from its key.
type runEnv struct {
	lettatokens.Env
	// err is LoadEnv's: the first LETTA_* variable that cannot be used,
	// refused by the command that uses it.
	err error
	// mask masks every byte the command writes (runStdin,
	// writeFile): the key in any form, and anything shaped like a secret.
	mask *redact.Masker
	// getenv reads what LoadEnv does not (GITHUB_*, for the reports).
	getenv func(string) string
}

// stdLogLines is where the standard library's logger writes during a
// run: net/http logs there, unasked, the bytes a server sent after a
// complete answer ("Unsolicited response received on idle HTTP channel
// starting with …"), and the http.Server of mock and of check --mock
// its errors. Each entry becomes one line on stderr made safe as an error
// line is: the boundary's masker before the cut, control characters
// escaped, workflow commands defused.
type stdLogLines struct {
	stderr io.Writer // the boundary's
	mask   *redact.Masker
}

func (l stdLogLines) Write(p []byte) (int, error) {
	line := l.mask.Safe(strings.TrimSuffix(string(p), "\n"), maxErrorLine)
	if _, err := io.WriteString(l.stderr, line+"\n"); err != nil {
		return 0, err
	}
	return len(p), nil
}

// routeStdLog sends what the standard library's logger writes to w, until
// the returned func puts back where it wrote before.
func routeStdLog(w io.Writer) (restore func()) {
	prev := log.Writer()
	log.SetOutput(w)
	return func() { log.SetOutput(prev) }
}

// runStdin is the whole command: it parses args, runs a subcommand reading
// stdin (delete only) and writing to stdout and stderr, and returns the
// exit status. It reads configuration only through getenv, so tests can run
// it with any environment.
func runStdin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	loaded, loadErr := lettatokens.LoadEnv(getenv)
	env := runEnv{Env: loaded, err: loadErr, mask: redact.NewMasker(loaded.APIKey), getenv: getenv}
	// The boundary's writers. Token shapes pass on stdout only for list
	// and create, which print tokens there on purpose.
	mask, outMask := env.mask, env.mask
	if len(args) > 0 && (args[0] == "list" || args[0] == "create") {
		outMask = mask.AllowTokens()
	}
	outW, errW := redact.NewWriter(stdout, outMask), redact.NewWriter(stderr, mask)
	defer errW.Flush()
	defer outW.Flush()
	defer routeStdLog(stdLogLines{errW, mask})()
	stdout, stderr = outW, errW
	defer func() {
		// Never a Go stack trace for a user: a bug still says what happened.
		if v := recover(); v != nil {
			printError(stderr, fmt.Sprintf("internal error (please report this bug): %v", v))
			code = exitFailure
		}
	}()
	err := dispatch(ctx, args, stdin, stdout, stderr, env)
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	var ce *cliError
	if !errors.As(err, &ce) {
		ce = &cliError{code: exitFailure, msg: err.Error()}
	}
	if ce.msg != "" {
		printError(stderr, ce.msg)
	}
	return ce.code
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env runEnv) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, rootUsage)
		return &cliError{code: exitUsage} // the usage said it all
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "list":
		return runList(ctx, rest, stdout, stderr, env)
	case "create":
		return runCreate(ctx, rest, stdout, stderr, env)
	case "delete":
		return runDelete(ctx, rest, stdin, stdout, stderr, env)
	case "check":
		return runCheck(ctx, rest, stdout, stderr, env)
	case "mock":
		return runMock(ctx, rest, stdout, stderr)
	case "spec-diff":
		return runSpecDiff(ctx, rest, stdout)
	case "proxy":
		return runProxy(ctx, rest, stdout, stderr, env)
	case "--version", "-version", "version":
		printVersion(stdout)
		return nil
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && cmd == "help" {
			// "letta-tokens help list" is "letta-tokens list --help".
			return dispatch(ctx, []string{rest[0], "--help"}, stdin, stdout, stderr, env)
		}
		fmt.Fprint(stdout, rootUsage)
		return nil
	default:
		if strings.HasPrefix(cmd, "-") {
			return usageErrorf("", "unknown flag %s: flags follow the command, as in 'letta-tokens list --json'", cmd)
		}
		return usageErrorf("", "unknown command %q: want list, create, delete, check, mock, proxy or spec-diff", cmd)
	}
}

// maxErrorLine caps an error line (after the "letta-tokens: " prefix). Each
// server string in it is capped at redact.MaxLine already; this bounds the
// whole, whatever an error wraps.
const maxErrorLine = 5 * redact.MaxLine

// printError writes msg as the one line of an error: control characters
// escaped, so that a newline from a server cannot forge a line, and the
// length capped. Messages are built to cap each server string (see
// serverText); stderr's boundary masks every secret.
func printError(stderr io.Writer, msg string) {
	fmt.Fprintf(stderr, "%s: %s\n", progName, redact.Line(msg, maxErrorLine))
}

// cliError is an error with its exit status. An empty msg prints nothing
// (the usage already went out).
type cliError struct {
	code int
	msg  string
}

func (e *cliError) Error() string { return e.msg }

// failf is a runtime failure (exit 1).
func failf(format string, args ...any) error {
	return &cliError{code: exitFailure, msg: fmt.Sprintf(format, args...)}
}

// usageErrorf is a usage or credential error (exit 2), with a pointer to
// the help of cmd ("" for the root).
func usageErrorf(cmd, format string, args ...any) error {
	help := progName + " --help"
	if cmd != "" {
		help = progName + " " + cmd + " --help"
	}
	return &cliError{code: exitUsage, msg: fmt.Sprintf(format, args...) + " (see '" + help + "')"}
}

// errInterrupted ends a command that a signal stopped before it called the
// API (delete waiting for its input, spec-diff): exitUsage, as a run that
// could not finish; no shell convention (130) is worth a fourth meaning.
var errInterrupted = &cliError{code: exitUsage, msg: "interrupted"}

const rootUsage = `letta-tokens lists, creates, deletes, checks and mocks Letta Cloud's
client-side access tokens (/v1/client-side-access-tokens).

Usage:
  letta-tokens list      [--agent-id ID] [--hostname URL] [--limit N] [--offset N] [--all [--max-tokens N] [--concurrency N]]
                         [--json] [--reveal] [--timeout DURATION] [--deadline DURATION]
  letta-tokens create    --hostname URL --agent-id ID [--agent-id ID]... --access LIST
                         [--expires-in DURATION | --expires-at TIME] [--json] [--timeout DURATION]
  letta-tokens delete    [--token-file FILE] [--timeout DURATION] < token
  letta-tokens check     [--mock] [--seed] [--agent-id ID] [--json] [--junit FILE] [--markdown FILE]
                         [--max-tokens N] [--concurrency N] [--timeout DURATION] [--deadline DURATION]
  letta-tokens mock      [--addr HOST:PORT] [--tokens N] [--key K] [--from FILE] [--latency DURATION]
                         [--faults SPEC [--fault-seed N]] [--drift NAME|list]
  letta-tokens spec-diff --upstream URL|FILE [--spec FILE] [--declared FILE] [--timeout DURATION]
  letta-tokens proxy     --upstream URL [--addr HOST:PORT] [--junit FILE] [--markdown FILE] [--record DIR]

Commands:
  list       list the account's tokens: a table, or JSON with --json (values redacted unless --reveal)
  create     create a token and print its value (the only output on stdout), or the token as JSON
  delete     delete the token read from stdin or --token-file (never from the command line)
  check      check a server for drift from openapi.yaml; --mock checks an in-process mock
  mock       serve a mock of the endpoint; its first line on stdout is its base URL
  spec-diff  compare Letta's published spec with openapi.yaml (oasdiff, the spec built in)
  proxy      forward any client's requests to --upstream and validate each exchange; first stdout line: base URL

Environment:
  LETTA_API_KEY   your Letta API key (list, create, delete, check); never taken on the command line
  LETTA_BASE_URL  the server to call (default https://api.letta.com), such as a mock's URL

Exit status: 0 success (check: no breaking drift); 1 the server's answer
shows a change in the API (breaking drift, lying pagination, an answer the
client cannot use); 2 usage, configuration or credentials, an outage
(unreachable, timed out, 429/5xx after retries), a server that is not
Letta's API (check LETTA_BASE_URL), or a run that could not finish
(interrupted, check's --max-tokens or --deadline reached).

Server strings are printed with the API key and token values masked (token
values are shown with list --reveal, and create prints the one it created),
control characters escaped, and lengths capped.

Try it without an account:
  letta-tokens check --mock

Run 'letta-tokens <command> --help' for a command's flags, and
'letta-tokens --version' for the version.
`

const envHelp = `Environment:
  LETTA_API_KEY   your Letta API key (required; not a flag, so it stays out of process lists)
  LETTA_BASE_URL  the server to call (default https://api.letta.com), such as a mock's URL
`

// newFlagSet returns a FlagSet that reports nothing itself: parse errors and
// help are printed by parseFlags, so that every error is one line.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(progName+" "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args for subcommand cmd. On -h/--help it prints the
// command's help to stdout (head, the flags, tail: each command's help is
// its constants xUsage and xUsageTail around its flags) and returns errHelp,
// which ends the run with exit 0; any other problem is a usage error. No
// positional argument is accepted; delete's is not quoted, as it is most
// likely the token itself.
func parseFlags(fs *flag.FlagSet, cmd string, args []string, stdout io.Writer, head, tail string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, head)
		printFlags(stdout, fs)
		fmt.Fprint(stdout, tail)
		return errHelp
	case err != nil:
		return usageErrorf(cmd, "%s: %s", cmd, flagError(fs, err))
	case fs.NArg() > 0 && cmd == "delete":
		return usageErrorf(cmd, "delete: unexpected argument (not shown): the token is read from stdin or --token-file, never from the command line, where process lists show it")
	case fs.NArg() > 0:
		return usageErrorf(cmd, "%s: unexpected argument %q", cmd, fs.Arg(0))
	}
	return nil
}

// flagError rewords the flag package's errors in the spelling the usage
// shows (--name, not -name), saying what a value that does not parse
// should look like.
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	_, name, _ := strings.Cut(msg, " for flag -") // "" when not about a value
	name, _, _ = strings.Cut(strings.TrimLeft(name, "-"), ":")
	parseError := ": not a whole number"
	if strings.HasPrefix(msg, "invalid boolean value") {
		parseError = ": want true or false"
	} else if f := fs.Lookup(name); f != nil {
		if getter, ok := f.Value.(flag.Getter); ok {
			if _, ok := getter.Get().(time.Duration); ok {
				parseError = ": want a duration such as 30s or 2m"
			}
		}
	}
	for _, r := range []struct{ old, new string }{
		{"flag provided but not defined: -", "unknown flag -"},
		{"flag needs an argument: -", "missing value for -"},
		{": parse error", parseError},
		{"for flag -", "for -"},
	} {
		msg = strings.Replace(msg, r.old, r.new, 1)
	}
	// Go's flag accepts -name and --name alike; name them as the usage does.
	if i := strings.Index(msg, " -"); i >= 0 && !strings.HasPrefix(msg[i+1:], "--") {
		msg = msg[:i+1] + "-" + msg[i+1:]
	}
	return msg
}

// errHelp ends a subcommand successfully after its help was printed.
var errHelp = errors.New("help requested")

// printFlags lists fs's flags as "  --name ARG  usage (default ...)".
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "Flags:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		left := "  --" + f.Name
		if arg != "" {
			left += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\n", left, usage)
	})
	fmt.Fprintln(tw, "  -h, --help\tshow this help")
	tw.Flush()
}

// flagsSet reports which flags were given on the command line.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}
