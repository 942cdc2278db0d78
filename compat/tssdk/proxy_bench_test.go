package tssdk

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/proxy"
)

// BenchmarkTypeScriptSDKWalkThroughProxy walks 10,000 tokens at limit 100
// with Letta's official TypeScript SDK (walk.mjs) twice per op, in one
// run: straight to the mock, and through the validating proxy in front of
// it. It reports the walk time of each (Node's start-up excluded), the
// ratio of the totals and the median of the ops' ratios (x-median), with
// the mock answering at once (the proxy's whole cost) and 20 ms away (a
// distant server).
//
//	go test -run '^$' -bench TypeScriptSDKWalkThroughProxy -benchtime 5x -count 2 ./compat/tssdk
func BenchmarkTypeScriptSDKWalkThroughProxy(b *testing.B) {
	node := requireSDK(b)
	const total = 10_000
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		b.Run("latency="+latency.String(), func(b *testing.B) {
			srv := mocktest.NewServer(b, mock.Options{SeedCount: total, Latency: latency})
			target, _ := url.Parse(srv.URL)
			tr := &http.Transport{MaxIdleConnsPerHost: 8}
			b.Cleanup(tr.CloseIdleConnections)
			p, err := proxy.New(proxy.Options{Upstream: target, Transport: tr})
			if err != nil {
				b.Fatal(err)
			}
			front := httptest.NewServer(p)
			b.Cleanup(front.Close)
			var direct, proxied float64
			var ratios []float64
			for i := range b.N {
				// One after the other, in alternating order: on a shared
				// machine the median of the pairs' ratios moves least.
				urls := []string{srv.URL, front.URL}
				if i%2 == 1 {
					slices.Reverse(urls)
				}
				ms := []float64{walkMS(b, node, urls[0], total), walkMS(b, node, urls[1], total)}
				if i%2 == 1 {
					slices.Reverse(ms)
				}
				direct, proxied = direct+ms[0], proxied+ms[1]
				ratios = append(ratios, ms[1]/ms[0])
			}
			if st := p.Stats(); st.Validated != b.N*total/100 || len(p.Findings()) != 0 {
				b.Fatalf("proxy stats %+v, findings %s: want every page validated and no finding", st, p.Findings())
			}
			n := float64(b.N)
			b.ReportMetric(direct/n, "direct-ms")
			b.ReportMetric(proxied/n, "proxy-ms")
			b.ReportMetric(proxied/direct, "ratio")
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "x-median")
		})
	}
}

// walkMS runs walk.mjs at limit 100 against baseURL and returns the
// walk's milliseconds.
func walkMS(b *testing.B, node, baseURL string, total int) float64 {
	b.Helper()
	cmd := exec.Command(node, "walk.mjs", "100")
	cmd.Env = append(os.Environ(), "LETTA_BASE_URL="+baseURL, "LETTA_API_KEY=sk-let-bench-key-0123456789")
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("node walk.mjs: %v\n%s", err, stderrOf(err))
	}
	var res struct {
		Count int
		MS    float64
	}
	if err := json.Unmarshal(out, &res); err != nil || res.Count != total {
		b.Fatalf("walk.mjs printed %s (%v), want %d tokens", out, err, total)
	}
	return res.MS
}
