package contract

import "sync"

// The producers of a Report: the command whose run it tells.
const (
	ProducerCheck = "letta-tokens check" // the live checks (contract/live)
	ProducerProxy = "letta-tokens proxy" // the validating proxy, on someone else's traffic
)

// Checks are the named checks, in the order reports list them.
func Checks() []Check {
	return []Check{
		CheckRequest, CheckAuth, CheckStatus, CheckContentType, CheckJSON, CheckSchema, CheckUnknownField,
		CheckExpiresAt, CheckPageSize, CheckAgentFilter, CheckPagination, CheckWalkConsistency, CheckRoundTrip,
	}
}

// Report is the outcome of a run, whoever produced it: what CI reports
// (contract/report) render.
type Report struct {
	Producer string  // ProducerCheck or ProducerProxy
	Checks   []Check // the checks the producer runs, in order; nil means Checks()
	// Target is the server checked, as it may be printed: the base URL, or
	// the proxy's upstream.
	Target    string
	Findings  Findings // one of each kind, in the order found
	Requests  int      // requests received (the proxy); 0 for check
	Exchanges int      // HTTP exchanges validated
	Tokens    int      // tokens seen: by the full walk (check), in validated answers (the proxy)
	AgentID   string   // agent of the filter check, if any, as the server spelled it
	// Seeded is how many tokens the run created (check's LiveConfig.Seed);
	// each was deleted, or a note says which could not be.
	Seeded int
	// Truncated is true when the first walk stopped at its bound while the
	// server still said hasNextPage true: the account could not be checked
	// completely. It is not drift.
	Truncated bool
	// Notes say what could not be exercised or was not validated.
	Notes []string
	// Unfinished, when set, says why the run stopped before its end (an
	// interrupt, a deadline): the findings are those of the exchanges it
	// validated, and there is no verdict.
	Unfinished string
}

// Passed reports whether the run finished with no breaking drift.
func (r *Report) Passed() bool { return r.Unfinished == "" && !r.Findings.HasBreaking() }

// MaxKeptPerSeverity caps the kinds of finding a Collector keeps of each
// severity: a server that invents a field name on every token must not
// grow a run's memory or its report without end.
const MaxKeptPerSeverity = 200

// Collector gathers findings as a run goes, keeping one of each kind (see
// Findings.Dedupe) and at most MaxKeptPerSeverity kinds of each severity.
// It counts every breaking finding, kept or not, and the kinds it drops.
// The zero value is ready; it is safe for concurrent use.
type Collector struct {
	mu       sync.Mutex
	kinds    map[string]bool
	kept     Findings
	perSev   [2]int
	breaking int
	dropped  int
}

// Add collects fs and returns those of a new kind, kept.
func (c *Collector) Add(fs Findings) (kept Findings) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range fs {
		i := severityIndex(f.Severity)
		if f.Severity == Breaking {
			c.breaking++
		}
		kind := f.kind()
		if c.kinds[kind] {
			continue
		}
		if c.perSev[i] >= MaxKeptPerSeverity {
			c.dropped++
			continue
		}
		if c.kinds == nil {
			c.kinds = make(map[string]bool)
		}
		c.kinds[kind] = true
		c.perSev[i]++
		c.kept = append(c.kept, f)
		kept = append(kept, f)
	}
	return kept
}

// Findings returns the findings kept, in the order found.
func (c *Collector) Findings() Findings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append(Findings(nil), c.kept...)
}

// Breaking counts the breaking findings added, repeats included.
func (c *Collector) Breaking() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.breaking
}

// Dropped counts the kinds of finding not kept, over MaxKeptPerSeverity.
func (c *Collector) Dropped() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dropped
}
