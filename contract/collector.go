package contract

import "sync"

// collector gathers the findings of a live run as they come, keeping one
// of each kind (see Findings.Dedupe) and at most maxKeptPerSeverity kinds
// of each severity, so that a run's memory does not grow with the number of
// exchanges or findings. It counts what it drops, and every breaking
// finding, kept or not. It is safe for concurrent use.
type collector struct {
	mu        sync.Mutex
	exchanges int
	breaking  int
	kept      Findings
	kinds     map[string]bool
	perSev    [2]int
	dropped   int
}

func newCollector() *collector { return &collector{kinds: make(map[string]bool)} }

// record is a Transport.Report.
func (c *collector) record(x Exchange) {
	c.mu.Lock()
	c.exchanges++
	c.mu.Unlock()
	c.add(x.Findings)
}

func (c *collector) add(fs Findings) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range fs {
		if f.Severity == Breaking {
			c.breaking++
		}
		kind := f.kind()
		if c.kinds[kind] {
			continue
		}
		i := severityIndex(f.Severity)
		if c.perSev[i] >= maxKeptPerSeverity {
			c.dropped++
			continue
		}
		c.kinds[kind] = true
		c.perSev[i]++
		c.kept = append(c.kept, f)
	}
}

func (c *collector) breakingCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.breaking
}

func (c *collector) validated() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exchanges
}

func (c *collector) droppedCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dropped
}

func (c *collector) list() Findings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append(Findings(nil), c.kept...)
}
