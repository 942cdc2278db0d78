// Package exampletest runs an example's main in a child process of its own
// test binary, so that a test sees what a user running the example would:
// what it prints, and how it exits, log.Fatal included. The examples under
// examples/ share it; it is for their tests only.
package exampletest

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// In the child process these make the test binary run main instead of the
// tests, with the arguments in argsEnv (a JSON array of strings).
const (
	runMainEnv = "LETTA_TOKENS_EXAMPLE_RUN_MAIN"
	argsEnv    = "LETTA_TOKENS_EXAMPLE_ARGS"
)

// Main is an example test's TestMain: in a child started by Run it runs
// main with Run's arguments and exits 0 (main exits otherwise itself);
// else it runs the tests, failing on any goroutine they leave behind.
func Main(m *testing.M, main func()) {
	if os.Getenv(runMainEnv) != "1" {
		goleak.VerifyTestMain(m)
		return
	}
	os.Args = os.Args[:1]
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(argsEnv)), &args); err == nil {
		os.Args = append(os.Args, args...)
	}
	main()
	os.Exit(0)
}

// Run runs main (see Main) in a child process with args as its arguments
// and env added to the test's environment, less every LETTA_* variable of
// the test's own, and returns its stdout, its stderr and whether it exited
// 0.
func Run(t testing.TB, args []string, env ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	encoded, _ := json.Marshal(args) // strings always encode
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LETTA_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Env = append(cmd.Env, runMainEnv+"=1", argsEnv+"="+string(encoded))
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), err == nil
}
