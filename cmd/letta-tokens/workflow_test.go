package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// workflowServer answers every request with strings that would be GitHub
// Actions workflow commands if printed as they are: the legacy "##[cmd]"
// form, which the runner finds anywhere in a line, and "::cmd::" at the
// start of a value that may start a line (a token's own value, shown in
// full by list --reveal and create).
func workflowServer(t *testing.T) string {
	t.Helper()
	const policy = `"policy":{"version":"1","data":[{"type":"agent","id":"agent-1##[error]forged-id","access":["read_messages"]}]}`
	return newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Should-Retry", "false")
		offset := r.URL.Query().Get("offset")
		switch {
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"token":"ck-let-forge-000000000000000000001","hostname":"##[error]forged-create","expiresAt":"2030-01-01T00:00:00.000Z",%s}`, policy)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"##[error]forged-delete"}`)
		case offset != "" && offset != "0":
			fmt.Fprint(w, `{"tokens":[],"hasNextPage":false}`)
		default:
			fmt.Fprintf(w, `{"tokens":[{"token":"::error::forged-token-0000000000000001","hostname":"##[error]forged","expiresAt":"2030-01-01T00:00:00.000Z",%s,"##[warning]forged-field":1}],"hasNextPage":false}`, policy)
		}
	})).URL
}

// TestServerStringsForgeNoWorkflowCommand: under GitHub Actions, no output
// path lets a server write a workflow command of its own (a forged ::error
// annotation, or ##[stop-commands] hiding the real ones).
func TestServerStringsForgeNoWorkflowCommand(t *testing.T) {
	url := workflowServer(t)
	env := envFor(url)
	env[envGitHubActions] = "true"
	runs := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"check", "", []string{"check", "--timeout", "5s"}},
		{"check --json", "", []string{"check", "--timeout", "5s", "--json"}},
		{"check --seed", "", []string{"check", "--timeout", "5s", "--seed"}},
		{"list", "", []string{"list"}},
		{"list --reveal", "", []string{"list", "--reveal"}},
		{"list --json", "", []string{"list", "--json"}},
		{"list --json --reveal", "", []string{"list", "--json", "--reveal"}},
		{"create", "", createArgs()},
		{"create --json", "", createArgs("--json")},
		{"delete", "ck-let-forge-000000000000000000001\n", []string{"delete"}},
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			r := runCLIStdin(t, env, strings.NewReader(run.stdin), run.args...)
			for line := range strings.SplitSeq(r.stdout+"\n"+r.stderr, "\n") {
				if strings.Contains(line, "##[") {
					t.Errorf("a legacy workflow command from the server: %q", line)
				}
				if cmd := strings.TrimLeft(line, " \t"); strings.HasPrefix(cmd, "::") &&
					!strings.HasPrefix(cmd, "::error title=letta-tokens check") && !strings.HasPrefix(cmd, "::warning title=letta-tokens check") {
					t.Errorf("a workflow command from the server: %q", line)
				}
			}
		})
	}
}
