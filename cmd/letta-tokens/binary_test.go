package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBinary builds the command and runs it as scripts would: a mock in
// the background, whose first stdout line is its URL, and list against it;
// then SIGINT must stop the mock with status 0.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildCommand(t)
	m := startBinary(t, bin, "mock", "--addr", "127.0.0.1:0", "--tokens", "30")
	env := []string{envBaseURL + "=" + m.url(t), envAPIKey + "=" + testKey}

	list := exec.Command(bin, "list", "--all", "--json")
	list.Env = env
	var listStderr bytes.Buffer
	list.Stderr = &listStderr
	out, err := list.Output()
	if err != nil {
		t.Fatalf("list: %v; stderr: %s", err, listStderr.String())
	}
	if got := decodeTokens(t, string(out)); len(got) != 30 {
		t.Errorf("list --all --json: %d tokens, want 30", len(got))
	}
	if strings.Contains(string(out), "ck-let-mock-000000-") {
		t.Error("token values printed without --reveal")
	}

	// create | delete as a script runs them: TOKEN=$(create), then the
	// token on delete's stdin, a real pipe; and delete with stdin on
	// /dev/null refuses, reading nothing.
	create := exec.Command(bin, createArgs()...)
	create.Env = env
	var createStderr bytes.Buffer
	create.Stderr = &createStderr
	out, err = create.Output()
	if err != nil || !createdValue.Match(out) {
		t.Fatalf("create: %v, stdout %q; stderr: %s", err, out, createStderr.String())
	}
	del := exec.Command(bin, "delete")
	del.Env = env
	del.Stdin = bytes.NewReader(out)
	if got, err := del.CombinedOutput(); err != nil || !strings.HasPrefix(string(got), "deleted ck-let-") || bytes.Contains(got, bytes.TrimSpace(out)) {
		t.Errorf("delete with the token on a pipe: %v, output %q", err, got)
	}
	del = exec.Command(bin, "delete")
	del.Env = env // and stdin the null device
	if got, err := del.CombinedOutput(); del.ProcessState.ExitCode() != exitUsage || !strings.Contains(string(got), "stdin is a terminal (or a device") {
		t.Errorf("delete with stdin on %s: %v, output %q", os.DevNull, err, got)
	}
	m.stop(t, os.Interrupt)
}
