package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBinary builds the command and runs it as scripts would: a mock in
// the background, whose first stdout line is its URL, and list against it;
// then SIGINT must stop the mock with status 0.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "letta-tokens")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	mockCmd := exec.Command(bin, "mock", "--addr", "127.0.0.1:0", "--tokens", "30")
	mockCmd.Env = []string{} // the mock reads no environment
	var mockStderr bytes.Buffer
	mockCmd.Stderr = &mockStderr
	stdout, err := mockCmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := mockCmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		if mockCmd.ProcessState == nil {
			mockCmd.Process.Kill()
			<-exited
		}
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		exited <- mockCmd.Wait() // after the read: Wait closes the pipe
	}()
	var base string
	select {
	case line := <-lines:
		base = strings.TrimSuffix(line, "\n")
	case <-time.After(20 * time.Second):
		t.Fatal("the mock printed no URL within 20s")
	}
	if !baseURLLine.MatchString(base) {
		t.Fatalf("first stdout line %q is not a base URL; stderr: %s", base, mockStderr.String())
	}

	list := exec.Command(bin, "list", "--all", "--json")
	list.Env = []string{envBaseURL + "=" + base, envAPIKey + "=" + testKey}
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
	env := []string{envBaseURL + "=" + base, envAPIKey + "=" + testKey}
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

	if err := mockCmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("mock after SIGINT: %v, want exit 0; stderr: %s", err, mockStderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the mock did not exit within 5s of SIGINT")
	}
	if !strings.HasSuffix(mockStderr.String(), "mock: stopped\n") {
		t.Errorf("mock stderr: %q", mockStderr.String())
	}
}
