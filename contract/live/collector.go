package live

import (
	"sync"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/contract/internal/findingkind"
)

// collector gathers the findings of a live run as they come, keeping one
// of each kind (see Findings.Dedupe) and at most maxKeptPerSeverity kinds
// of each severity, so that a run's memory does not grow with the number of
// exchanges or findings. It counts what it drops, and every breaking
// finding, kept or not. It is safe for concurrent use.
type collector struct {
	mu        sync.Mutex
	exchanges int
	breaking  int
	kept      contract.Findings
	kinds     map[string]bool
	perSev    [2]int
	dropped   int
}

func newCollector() *collector { return &collector{kinds: make(map[string]bool)} }

// record is a Transport.Report.
func (c *collector) record(x contract.Exchange) {
	c.mu.Lock()
	c.exchanges++
	c.mu.Unlock()
	c.add(x.Findings)
}

func (c *collector) add(fs contract.Findings) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range fs {
		if f.Severity == contract.Breaking {
			c.breaking++
		}
		kind := findingkind.Of(string(f.Check), string(f.Severity), f.Pointer, f.Message)
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

func (c *collector) list() contract.Findings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append(contract.Findings(nil), c.kept...)
}

// severityIndex is a severity's slot in perSev.
func severityIndex(s contract.Severity) int {
	if s == contract.Breaking {
		return 0
	}
	return 1
}
