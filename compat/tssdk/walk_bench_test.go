package tssdk

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// BenchmarkListAllVsTypeScriptSDK walks 10,000 tokens at limit 100 against
// the mock 20 ms away, side by side in one run: Letta's official
// TypeScript SDK as its users walk (walk.mjs: one page at a time), and
// `letta-tokens list --all --json` with one, four (the default) and eight
// pages in flight. Each op is a whole process, start-up included, as a
// script or a CI job would run it; the SDK's own walk time, without Node's
// start-up, is reported as sdk-walk-ms for a comparison that flatters it.
//
//	go test -run '^$' -bench ListAllVsTypeScriptSDK -benchtime 3x ./compat/tssdk
func BenchmarkListAllVsTypeScriptSDK(b *testing.B) {
	node := requireSDK(b)
	const total = 10_000
	srv := mocktest.NewServer(b, mock.Options{SeedCount: total, Latency: 20 * time.Millisecond})
	bin := filepath.Join(b.TempDir(), "letta-tokens")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/letta-tokens").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	env := append(os.Environ(), "LETTA_BASE_URL="+srv.URL, "LETTA_API_KEY=sk-let-bench-key-0123456789")

	b.Run("ts-sdk", func(b *testing.B) {
		var ms float64
		for range b.N {
			ms += walkMS(b, node, srv.URL, total)
		}
		b.ReportMetric(ms/float64(b.N), "sdk-walk-ms")
	})
	for _, conc := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("letta-tokens/concurrency=%d", conc), func(b *testing.B) {
			for range b.N {
				cmd := exec.Command(bin, "list", "--all", "--json", "--limit", "100", "--concurrency", fmt.Sprint(conc))
				cmd.Env = env
				cmd.Stdout = io.Discard
				if err := cmd.Run(); err != nil {
					b.Fatalf("letta-tokens list --all: %v", err)
				}
			}
		})
	}
}
