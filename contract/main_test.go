package contract

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: the
// validating transport must not leak.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
