package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/letta-tokens/letta-tokens/contract"
)

// githubMaxAnnotations bounds the workflow commands of one run. GitHub
// shows at most ten annotations of each kind per step; the rest are in the
// log and the summary, and a flood of commands helps no one.
const githubMaxAnnotations = 50

// Annotations prints a GitHub Actions workflow command per finding of r:
// ::error for breaking, ::warning for additive. Data and properties are
// escaped as the runner requires, so that a server string
// can neither end the command nor start another: a command is recognised
// only at the start of a line, and no escaped string holds a line break.
func Annotations(w io.Writer, r *contract.Report) error {
	v := newReportView(r)
	bw := bufio.NewWriter(w)
	n := 0
	for _, c := range v.checks {
		for _, f := range c.findings {
			if n == githubMaxAnnotations {
				fmt.Fprintf(bw, "::warning title=%s::%s\n", ghProperty(v.command),
					ghData(fmt.Sprintf("%d breaking and %d additive findings in all; only the first %d are annotated, see the log or the summary",
						v.breaking, v.additive, githubMaxAnnotations)))
				return bw.Flush()
			}
			n++
			command, kind := "warning", "additive"
			if f.breaking {
				command, kind = "error", "breaking"
			}
			title := fmt.Sprintf("%s: %s drift (%s)", v.command, kind, c.name)
			fmt.Fprintf(bw, "::%s title=%s::%s\n", command, ghProperty(title), ghData(f.pointer+": "+f.message))
		}
	}
	return bw.Flush()
}

// ghData escapes the message of a workflow command: %, CR and LF, the
// characters the runner decodes.
var ghData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace

// ghProperty escapes a property value of a workflow command: as data, and
// also ':' and ',', which would end the value.
var ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace
