// Command efficacy reads the JSON reports gremlins wrote (one a package,
// -o) and prints the efficacy of each and in total: killed / (killed +
// lived), where a mutant whose tests ran past the per-package timeout
// counts as killed (a hang is a failure a test run would notice, if
// slowly). gremlins itself leaves timed-out mutants out of its efficacy,
// and prints none for a set of reports, hence this program.
//
// Usage: efficacy [-min PERCENT] [-survivors] NAME=REPORT.json...
//
// With -min, it exits 1 when the total is below PERCENT.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

// report is the part of gremlins v0.6.0's JSON output read here.
type report struct {
	Files []struct {
		Name      string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

type tally struct{ killed, timedOut, lived, notCovered, notViable int }

func (t tally) efficacy() float64 {
	k := t.killed + t.timedOut
	if k+t.lived == 0 {
		return 100
	}
	return 100 * float64(k) / float64(k+t.lived)
}

func (t *tally) add(o tally) {
	t.killed += o.killed
	t.timedOut += o.timedOut
	t.lived += o.lived
	t.notCovered += o.notCovered
	t.notViable += o.notViable
}

func main() {
	minimum := flag.Float64("min", 0, "exit 1 when the total efficacy is below this percentage")
	survivors := flag.Bool("survivors", true, "list the mutants that lived and those that timed out")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: efficacy [-min PERCENT] NAME=REPORT.json...")
		os.Exit(2)
	}
	var total tally
	fmt.Printf("%-22s %6s %6s %6s %6s %6s %9s\n", "package", "killed", "t/out", "lived", "n/cov", "n/via", "efficacy")
	var notes []string
	for _, arg := range flag.Args() {
		name, path, ok := strings.Cut(arg, "=")
		if !ok {
			name, path = arg, arg
		}
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "efficacy:", err)
			os.Exit(2)
		}
		var r report
		if err := json.Unmarshal(data, &r); err != nil {
			fmt.Fprintf(os.Stderr, "efficacy: %s: %v\n", path, err)
			os.Exit(2)
		}
		var t tally
		for _, f := range r.Files {
			for _, m := range f.Mutations {
				where := fmt.Sprintf("%s %s:%d:%d %s", name, f.Name, m.Line, m.Column, m.Type)
				switch m.Status {
				case "KILLED":
					t.killed++
				case "TIMED OUT":
					t.timedOut++
					notes = append(notes, "timed out "+where)
				case "LIVED":
					t.lived++
					notes = append(notes, "lived     "+where)
				case "NOT COVERED":
					t.notCovered++
				case "NOT VIABLE":
					t.notViable++
				}
			}
		}
		total.add(t)
		fmt.Printf("%-22s %6d %6d %6d %6d %6d %8.1f%%\n", name, t.killed, t.timedOut, t.lived, t.notCovered, t.notViable, t.efficacy())
	}
	fmt.Printf("%-22s %6d %6d %6d %6d %6d %8.1f%%\n", "total", total.killed, total.timedOut, total.lived, total.notCovered, total.notViable, total.efficacy())
	if *survivors && len(notes) > 0 {
		sort.Strings(notes)
		fmt.Println()
		for _, n := range notes {
			fmt.Println(n)
		}
	}
	if *minimum > 0 && total.efficacy() < *minimum {
		fmt.Fprintf(os.Stderr, "efficacy %.1f%% is below %.1f%%\n", total.efficacy(), *minimum)
		os.Exit(1)
	}
}
