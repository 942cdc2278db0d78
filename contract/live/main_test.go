package live

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: the
// live checks (walks with pages in flight, seeding, cleanup) must not leak.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
