// Command rejudge counts other packages' tests in a gremlins report: it
// takes the report of a run in which only the package's own tests judged
// its mutants, and runs the tests of the user packages given on the
// mutants that lived or were not covered. A mutant the own tests killed is
// killed whatever else runs, so the result is the verdict of the own tests
// and the users' together, at the cost of the survivors only.
//
// Usage: rejudge -box DIR -pkg DIR -report IN.json -o OUT.json [-coefficient N] USER...
//
// DIR is a copy of the module (it is mutated in place, one file at a time,
// and put back), -pkg the package's directory in it as gremlins was given
// it (its report names files relative to it), USER a package directory
// whose tests count. One unmutated coverage run of each user's tests
// (-coverpkg=the package) says which positions it covers and how long its
// tests take; a mutant runs only the users that cover its position, with a
// timeout of -coefficient times their runs (as gremlins times a mutant).
// A mutant no user covers keeps its status. After a run: tests failed →
// KILLED (exit status 2, gremlins' reading of a build that could not be
// set up, → NOT VIABLE), past the timeout → TIMED OUT, passed → LIVED.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/tools/cover"
)

// mutation is one mutant of gremlins v0.6.0's JSON report.
type mutation struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

type reportFile struct {
	Name      string     `json:"file_name"`
	Mutations []mutation `json:"mutations"`
}

// user is a package whose tests count, with what its unmutated tests cover
// of the package (blocks run at least once, by file) and how long they took.
type user struct {
	dir     string
	covered map[string][]cover.ProfileBlock
	took    time.Duration
}

func main() {
	box := flag.String("box", "", "the module copy to mutate and test in")
	pkg := flag.String("pkg", "", "the package's directory in the box, as gremlins was given it")
	in := flag.String("report", "", "gremlins' JSON report of the own tests' run")
	out := flag.String("o", "", "where to write the rejudged report")
	coefficient := flag.Int("coefficient", 5, "a mutant's tests may take this many times the unmutated run")
	flag.Parse()
	if *box == "" || *pkg == "" || *in == "" || *out == "" || flag.NArg() == 0 || *coefficient < 1 {
		fmt.Fprintln(os.Stderr, "usage: rejudge -box DIR -pkg DIR -report IN.json -o OUT.json [-coefficient N] USER...")
		os.Exit(2)
	}
	// An interrupt stops the run and puts the file back; so does a log
	// reader gone (tee, stopped by the same ^C), which would otherwise end
	// the program at its next line.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *box, filepath.Clean(*pkg), *in, *out, *coefficient, flag.Args()); err != nil {
		stop()
		fmt.Fprintln(os.Stderr, "rejudge:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, box, pkg, in, out string, coefficient int, userDirs []string) error {
	top, files, err := readReport(in)
	if err != nil {
		return err
	}
	var module string
	if err := json.Unmarshal(top["go_module"], &module); err != nil {
		return fmt.Errorf("%s: go_module: %v", in, err)
	}
	users := make([]user, 0, len(userDirs))
	for _, d := range userDirs {
		u, err := coverage(ctx, box, pkg, filepath.Clean(d))
		if err != nil {
			return err
		}
		fmt.Printf("rejudge: %s's tests took %.1fs unmutated\n", u.dir, u.took.Seconds())
		users = append(users, u)
	}
	for i := range files {
		f := &files[i]
		file := filepath.Join(box, pkg, f.Name)
		profileName := path.Join(module, filepath.ToSlash(pkg), f.Name)
		for j := range f.Mutations {
			m := &f.Mutations[j]
			if m.Status != "LIVED" && m.Status != "NOT COVERED" {
				continue
			}
			var runs []string
			var limit time.Duration
			for _, u := range users {
				if covers(u.covered[profileName], m.Line, m.Column) {
					runs = append(runs, u.dir)
					limit += u.took * time.Duration(coefficient)
				}
			}
			where := fmt.Sprintf("%s:%d:%d %s", filepath.Join(pkg, f.Name), m.Line, m.Column, m.Type)
			if len(runs) == 0 {
				fmt.Printf("%s: %s, covered by no user's tests\n", where, m.Status)
				continue
			}
			start := time.Now()
			status, err := judge(ctx, box, file, *m, runs, limit)
			if err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			fmt.Printf("%s: %s → %s (%.1fs, tests of %s)\n", where, m.Status, status, time.Since(start).Seconds(), strings.Join(runs, " "))
			m.Status = status
		}
	}
	return writeReport(out, top, files)
}

// readReport returns the report's top-level fields and its files.
func readReport(name string) (map[string]json.RawMessage, []reportFile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, err
	}
	var top map[string]json.RawMessage
	var files []reportFile
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := json.Unmarshal(top["files"], &files); err != nil {
		return nil, nil, fmt.Errorf("%s: files: %v", name, err)
	}
	return top, files, nil
}

// writeReport writes the rejudged files; gremlins' totals, which would no
// longer match them, are left out (efficacy counts the files).
func writeReport(name string, top map[string]json.RawMessage, files []reportFile) error {
	raw, err := json.Marshal(files)
	if err != nil {
		return err
	}
	top["files"] = raw
	for k := range top {
		if k != "files" && k != "go_module" {
			delete(top, k)
		}
	}
	data, err := json.Marshal(top)
	if err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

// coverage runs dir's tests once, unmutated, with the package's coverage.
func coverage(ctx context.Context, box, pkg, dir string) (user, error) {
	profile, err := os.CreateTemp("", "rejudge-*.cover")
	if err != nil {
		return user{}, err
	}
	profile.Close()
	defer os.Remove(profile.Name())
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-coverpkg="+local(pkg), "-coverprofile="+profile.Name(), local(dir))
	cmd.Dir = box
	if output, err := cmd.CombinedOutput(); err != nil {
		return user{}, fmt.Errorf("the tests of %s fail unmutated: %v\n%s", dir, err, output)
	}
	u := user{dir: dir, covered: map[string][]cover.ProfileBlock{}, took: time.Since(start)}
	profiles, err := cover.ParseProfiles(profile.Name())
	if err != nil {
		return user{}, err
	}
	for _, p := range profiles {
		for _, b := range p.Blocks {
			if b.Count > 0 {
				u.covered[p.FileName] = append(u.covered[p.FileName], b)
			}
		}
	}
	return u, nil
}

// covers tells whether a block run holds line:column, both ends included,
// as gremlins reads a profile.
func covers(blocks []cover.ProfileBlock, line, column int) bool {
	for _, b := range blocks {
		after := line > b.StartLine || line == b.StartLine && column >= b.StartCol
		before := line < b.EndLine || line == b.EndLine && column <= b.EndCol
		if after && before {
			return true
		}
	}
	return false
}

// judge writes the mutant into file, runs the users' tests and puts the
// file back, whatever happens.
func judge(ctx context.Context, box, file string, m mutation, users []string, limit time.Duration) (status string, err error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	mutated, err := mutate(src, m.Line, m.Column, m.Type)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(file, mutated, 0o644); err != nil {
		return "", err
	}
	defer func() {
		if restore := os.WriteFile(file, src, 0o644); restore != nil && err == nil {
			err = restore
		}
	}()

	runCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	args := []string{"test", "-count=1", "-failfast", "-timeout", (limit + 2*time.Second).String()}
	for _, u := range users {
		args = append(args, local(u))
	}
	cmd := exec.CommandContext(runCtx, "go", args...)
	cmd.Dir = box
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	// The test binaries are the go command's children: stop them all.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return "", ctx.Err()
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		return "TIMED OUT", nil
	case runErr == nil:
		return "LIVED", nil
	case errors.As(runErr, &exit) && exit.ExitCode() == 2:
		return "NOT VIABLE", nil
	case errors.As(runErr, &exit):
		return "KILLED", nil
	}
	return "", fmt.Errorf("go test: %v\n%s", runErr, output.Bytes())
}

// local makes a package directory a relative pattern for the go command.
func local(dir string) string {
	if dir == "." {
		return "."
	}
	return "./" + filepath.ToSlash(dir)
}
