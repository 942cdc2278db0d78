package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/redact"
)

// listAllTokens is the size of the account BenchmarkListAllJSON lists:
// 100 pages at --all's default page size.
const listAllTokens = 10_000

// BenchmarkListAllJSON puts `letta-tokens list --all --json` (run in
// process through run, stdout to a byte counter) beside a hand-rolled
// net/http + encoding/json loop writing the same bytes, over 10,000 tokens
// on loopback (issue 13, item 9). Both use --all's page size (100), walk
// offset by offset until hasNextPage is false, start each op on a fresh
// transport (a clone of http.DefaultTransport, as the command's) and
// close its idle connections at the end, as a process would. Before
// timing, both outputs are checked to be byte for byte the same.
//
// Two servers, each in process on 127.0.0.1, so that their time and
// allocations are counted on both sides alike:
//
//   - server=mock: the mock (mock.Options.SeedCount), which validates
//     every request against the spec; the figure the target is about;
//   - server=static: the mock's own pages, rendered once and served as
//     bytes, so that the ratio shows the command's cost with next to no
//     server time in the denominator.
//
// Under each, concurrency=1 runs the command with --concurrency 1 and
// concurrency=4 with the default; the hand-rolled loop is sequential in
// both. Each op is one pair: the command and the hand-rolled loop back to
// back, in alternating order, so that the load of a shared machine, which
// drifts from second to second, weighs on both sides alike. Per side it
// reports wall time, CPU time of the whole process (user + system, the
// server's included: on a loaded machine the steadier figure), allocations
// and bytes allocated; and the ratios, command / hand-rolled: x-wall (the
// median of the pairs' ratios) and x-cpu (total over total).
//
//	go test -run '^$' -bench ListAllJSON -benchtime 10x -count 5 ./cmd/letta-tokens
func BenchmarkListAllJSON(b *testing.B) {
	if allDefaultLimit != 100 {
		b.Fatalf("--all's page size is %d, the hand-rolled loop's is 100: make them equal", allDefaultLimit)
	}
	mockSrv := mocktest.NewServer(b, mock.Options{SeedCount: listAllTokens})
	static := httptest.NewServer(staticPages(b, mockSrv.Config.Handler, listAllTokens, allDefaultLimit))
	b.Cleanup(static.Close)
	for _, srv := range []struct {
		name, url string
	}{
		{"mock", mockSrv.URL},
		{"static", static.URL},
	} {
		env := envFor(srv.url)
		getenv := func(k string) string { return env[k] }
		want := sameListing(b, srv.url, getenv)

		cli := func(b *testing.B, conc int) {
			var out countingWriter
			var errOut bytes.Buffer
			code := run(b.Context(), []string{"list", "--all", "--json", "--concurrency", strconv.Itoa(conc)}, &out, &errOut, getenv)
			if code != exitOK || out.n != want {
				b.Fatalf("list --all --json: exit %d, %d bytes (want %d), stderr %q", code, out.n, want, errOut.String())
			}
		}
		hand := func(b *testing.B) {
			var out countingWriter
			err := handRolledListAll(b.Context(), srv.url, testKey, allDefaultLimit, &out)
			if err != nil || out.n != want {
				b.Fatalf("hand-rolled: %d bytes (want %d), err %v", out.n, want, err)
			}
		}

		for _, conc := range []int{1, defaultConcurrency} {
			b.Run(fmt.Sprintf("server=%s/concurrency=%d", srv.name, conc), func(b *testing.B) {
				var cliCost, handCost cost
				var wallRatios []float64
				i := 0
				for b.Loop() {
					var c, h cost
					if i++; i%2 == 0 {
						c = measure(b, func() { cli(b, conc) })
						h = measure(b, func() { hand(b) })
					} else {
						h = measure(b, func() { hand(b) })
						c = measure(b, func() { cli(b, conc) })
					}
					cliCost.add(c)
					handCost.add(h)
					wallRatios = append(wallRatios, float64(c.wall)/float64(h.wall))
				}
				cliCost.report(b, "cli", i)
				handCost.report(b, "hand", i)
				slices.Sort(wallRatios)
				b.ReportMetric(wallRatios[len(wallRatios)/2], "x-wall")
				if handCost.cpu > 0 {
					b.ReportMetric(float64(cliCost.cpu)/float64(handCost.cpu), "x-cpu")
				}
			})
		}
	}
}

// cost is what one side of a pair took.
type cost struct {
	wall, cpu     time.Duration
	allocs, bytes uint64
}

func (c *cost) add(d cost) {
	c.wall += d.wall
	c.cpu += d.cpu
	c.allocs += d.allocs
	c.bytes += d.bytes
}

// report gives c's means over n ops as metrics named after side.
func (c *cost) report(b *testing.B, side string, n int) {
	per := func(v float64) float64 { return v / float64(n) }
	b.ReportMetric(per(float64(c.wall.Nanoseconds()))/1e6, side+"-ms/op")
	if c.cpu > 0 {
		b.ReportMetric(per(float64(c.cpu.Nanoseconds()))/1e6, side+"-cpu-ms/op")
	}
	b.ReportMetric(per(float64(c.allocs)), side+"-allocs/op")
	b.ReportMetric(per(float64(c.bytes)), side+"-B/op")
}

// measure runs f and returns its wall time, the process's CPU time
// meanwhile (0 where processCPU cannot tell), and the allocations made
// meanwhile, by any goroutine (the in-process server's included).
func measure(b *testing.B, f func()) cost {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0, okCPU := processCPU()
	start := time.Now()
	f()
	wall := time.Since(start)
	cpu1, _ := processCPU()
	runtime.ReadMemStats(&after)
	c := cost{wall: wall, allocs: after.Mallocs - before.Mallocs, bytes: after.TotalAlloc - before.TotalAlloc}
	if okCPU {
		c.cpu = cpu1 - cpu0
	}
	return c
}

// sameListing runs the command and the hand-rolled loop once each against
// url and fails unless they wrote the same bytes: the benchmark compares
// two ways of producing one output, not two outputs. It returns the
// output's length, which every timed op checks.
func sameListing(b *testing.B, url string, getenv func(string) string) int {
	b.Helper()
	var cliOut, cliErr, handOut bytes.Buffer
	if code := run(b.Context(), []string{"list", "--all", "--json"}, &cliOut, &cliErr, getenv); code != exitOK {
		b.Fatalf("list --all --json: exit %d, stderr %q", code, cliErr.String())
	}
	if err := handRolledListAll(b.Context(), url, testKey, allDefaultLimit, &handOut); err != nil {
		b.Fatal(err)
	}
	if !bytes.Equal(cliOut.Bytes(), handOut.Bytes()) {
		b.Fatalf("the command and the hand-rolled loop wrote different output (%d and %d bytes)", cliOut.Len(), handOut.Len())
	}
	if n := len(decodeTokensB(b, cliOut.Bytes())); n != listAllTokens {
		b.Fatalf("listed %d tokens, want %d", n, listAllTokens)
	}
	return cliOut.Len()
}

func decodeTokensB(b *testing.B, out []byte) []gen.Token {
	b.Helper()
	var tokens []gen.Token
	if err := json.Unmarshal(out, &tokens); err != nil {
		b.Fatalf("output is not a JSON array of tokens: %v", err)
	}
	return tokens
}

// handRolledListAll is the loop a caller would write with net/http and
// encoding/json alone: GET each page of limit tokens, read it whole (so
// the connection is reused), decode it, print each token as list --json
// does (value redacted, indented, one array), stop when hasNextPage is
// false. It checks the status and nothing else: no retries, no bounds, no
// masking of other fields, no repeat detection.
func handRolledListAll(ctx context.Context, base, key string, limit int, w io.Writer) error {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	out := bufio.NewWriter(w)
	n := 0
	for offset := 0; ; {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			base+"/v1/client-side-access-tokens?limit="+strconv.Itoa(limit)+"&offset="+strconv.Itoa(offset), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("offset %d: HTTP %d", offset, resp.StatusCode)
		}
		var page gen.TokenPage
		if err := json.Unmarshal(body, &page); err != nil {
			return err
		}
		for _, tok := range page.Tokens {
			tok.Token = redact.Token(tok.Token)
			elem, err := json.MarshalIndent(tok, "  ", "  ")
			if err != nil {
				return err
			}
			if n == 0 {
				out.WriteString("[\n  ")
			} else {
				out.WriteString(",\n  ")
			}
			out.Write(elem)
			n++
		}
		if err := out.Flush(); err != nil {
			return err
		}
		if !page.HasNextPage || len(page.Tokens) == 0 {
			break
		}
		offset += len(page.Tokens)
	}
	if n == 0 {
		out.WriteString("[]\n")
	} else {
		out.WriteString("\n]\n")
	}
	return out.Flush()
}

// staticPages renders every page of h's account of total tokens at limit
// once, and returns a handler serving those bytes by offset, with the
// headers h sent: the mock's answers at next to no cost per request.
func staticPages(b *testing.B, h http.Handler, total, limit int) http.Handler {
	b.Helper()
	type page struct {
		header http.Header
		body   []byte
	}
	pages := map[string]page{}
	for offset := 0; offset < total; offset += limit {
		q := "limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(offset)
		req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens?"+q, nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("mock page at offset %d: HTTP %d", offset, rec.Code)
		}
		hdr := rec.Header().Clone()
		hdr.Set("Content-Length", strconv.Itoa(rec.Body.Len()))
		pages[strconv.Itoa(offset)] = page{hdr, rec.Body.Bytes()}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offset := q.Get("offset")
		if offset == "" {
			offset = "0"
		}
		p, ok := pages[offset]
		if !ok || q.Get("limit") != strconv.Itoa(limit) {
			http.Error(w, "benchmark server: no such page", http.StatusBadRequest)
			return
		}
		for k, v := range p.header {
			w.Header()[k] = v
		}
		w.Write(p.body)
	})
}

// countingWriter counts what it is given and keeps none of it.
type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	return len(p), nil
}
