package lettatokens

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test (or example) leaves a goroutine behind:
// a retry loop still sleeping, a prefetch never collected, a response body
// never closed. Every test server is closed in a cleanup, which also closes
// the idle keep-alive connections whose read loops would otherwise linger.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
