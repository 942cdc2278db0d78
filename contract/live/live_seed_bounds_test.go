package live

import (
	"testing"
	"time"
)

// TestSeedBoundsAreTheDocumented: LiveConfig.Seed's doc, the README and
// the CLI's `check --help` (cmd/letta-tokens/check.go) say a seeded token
// expires after an hour and the cleanup is bounded by 30 seconds; the
// constants are unexported, so this is where a change to them shows.
func TestSeedBoundsAreTheDocumented(t *testing.T) {
	if seedLifetime != time.Hour || seedCleanupTimeout != 30*time.Second {
		t.Errorf("the docs say 1h and 30s; seedLifetime is %s and seedCleanupTimeout %s: change the docs with them",
			seedLifetime, seedCleanupTimeout)
	}
}
