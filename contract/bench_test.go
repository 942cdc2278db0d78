package contract_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// benchClients are two clients of one loopback mock of 100 tokens: plain,
// and validating every exchange through contract.Transport.
func benchClients(b *testing.B) (plain, validated *lettatokens.Client) {
	ts := mocktest.NewServer(b, mock.Options{Tokens: mock.SeedTokens(100), APIKey: "bench-key"})
	v, err := contract.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	newClient := func(opts ...lettatokens.Option) *lettatokens.Client {
		c, err := lettatokens.NewClient(append([]lettatokens.Option{
			lettatokens.WithBaseURL(ts.URL), lettatokens.WithAPIKey("bench-key")}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	return newClient(), newClient(lettatokens.WithTransport(&contract.Transport{Validator: v}))
}

// listPage lists one 100-token page through c, decoded by the client.
func listPage(b *testing.B, c *lettatokens.Client) {
	page, err := c.ListTokens(context.Background(), lettatokens.ListOptions{Limit: 100})
	if err != nil || len(page.Tokens) != 100 {
		b.Fatalf("page: %v", err)
	}
}

// BenchmarkValidatingTransport measures what contract.Transport adds to a
// client call: one page, without and with validation. Compare the two
// sub-benchmarks of one run (the ratio), not absolute numbers.
func BenchmarkValidatingTransport(b *testing.B) {
	plain, validated := benchClients(b)
	for _, bc := range []struct {
		name   string
		client *lettatokens.Client
	}{{"plain", plain}, {"validated", validated}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				listPage(b, bc.client)
			}
		})
	}
}

// BenchmarkValidatingTransportPaired is BenchmarkValidatingTransport with
// the two clients side by side in every op: one call through each, in
// alternating order, timed apart. On a shared machine whose load swings
// from second to second, sub-benchmarks run seconds apart can differ by 2x
// for the same code; calls a few milliseconds apart meet the same load.
// x-ratio is the median of the ops' validated / plain ratios.
//
//	go test -run '^$' -bench ValidatingTransportPaired -count 5 ./contract
func BenchmarkValidatingTransportPaired(b *testing.B) {
	plain, validated := benchClients(b)
	call := func(c *lettatokens.Client) time.Duration {
		start := time.Now()
		listPage(b, c)
		return time.Since(start)
	}
	var plainTime, validTime time.Duration
	var ratios []float64
	i := 0
	for b.Loop() {
		var p, w time.Duration
		if i++; i%2 == 0 {
			p, w = call(plain), call(validated)
		} else {
			w, p = call(validated), call(plain)
		}
		plainTime += p
		validTime += w
		ratios = append(ratios, float64(w)/float64(p))
	}
	slices.Sort(ratios)
	b.ReportMetric(float64(plainTime.Microseconds())/float64(i), "plain-us/op")
	b.ReportMetric(float64(validTime.Microseconds())/float64(i), "validated-us/op")
	b.ReportMetric(ratios[len(ratios)/2], "x-ratio")
}

// BenchmarkValidateResponse is the validator alone on a 100-token page, so
// the transport's cost can be told apart from the network's.
func BenchmarkValidateResponse(b *testing.B) {
	srv, err := mock.New(mock.Options{Tokens: mock.SeedTokens(100), APIKey: "bench-key"})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/v1/client-side-access-tokens?limit=100", nil)
	req.Header.Set("Authorization", "Bearer bench-key")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	v, err := contract.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if f := v.ValidateResponse(req, 200, rec.Header(), body); len(f) != 0 {
			b.Fatalf("findings: %s", f)
		}
	}
}
