package tssdk

import (
	"net/http/httptest"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// walkResult is walk.mjs's output with default-retries.
type walkResult struct {
	Count, Pages, Distinct int
}

// newFaultyMock starts a mock of n seeded tokens serving spec's faults.
func newFaultyMock(t *testing.T, n int, spec string, seed uint64) (*mock.Server, string) {
	t.Helper()
	faults, err := mock.ParseFaults(spec)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(mock.Options{SeedCount: n, APIKey: mockKey, Faults: faults, FaultSeed: seed})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// TestTypeScriptSDKWalksThroughFaults is issue 15's done-when for faults:
// Letta's TypeScript SDK, with its default retries (2, honouring
// retry-after-ms), walks 10,000 tokens through 429=0.1,503=0.05 and sees
// every token exactly once.
//
// The walk sends one request at a time, so seed 1 meets the same faults in
// every run: 100 pages and 19 faults, twice two in a row, each retried.
// With 2 retries a page fails at 3 faults in a row, 0.15^3 of the time; on
// a 100-page walk that happens for about 29% of seeds, and then the SDK
// rightly gives up (TestTypeScriptSDKGivesUpAfterItsRetries).
func TestTypeScriptSDKWalksThroughFaults(t *testing.T) {
	node := requireSDK(t)
	srv, url := newFaultyMock(t, 10_000, "429=0.1,503=0.05", 1)
	var got walkResult
	if apiErr := runScript(t, node, url, "walk.mjs", &got, "100", "default-retries"); apiErr != nil {
		t.Fatalf("the SDK's walk failed: %v (mock stats %+v)", apiErr, srv.Stats())
	}
	if got.Count != 10_000 || got.Distinct != 10_000 || got.Pages != 100 {
		t.Errorf("the SDK walked %+v; want 10000 tokens, each once, in 100 pages", got)
	}
	st := srv.Stats()
	faults := st.Faults[mock.Fault429] + st.Faults[mock.Fault503]
	if st.Faults[mock.Fault429] == 0 || st.Faults[mock.Fault503] == 0 || st.Requests != 100+faults {
		t.Errorf("mock stats %+v: want 429s and 503s, and 100 pages plus one retry per fault", st)
	}
	t.Logf("%d requests, faults %v", st.Requests, st.Faults)
}

// TestTypeScriptSDKRetriesResets: the SDK retries a reset connection (and
// a 500) too, and the walk is whole. Seed 1 faults the same requests as at
// the start of TestTypeScriptSDKWalksThroughFaults, the rates adding up
// alike; these faults carry no Retry-After, so the SDK backs off 0.5 s and
// more, and the walk is kept to 30 pages.
func TestTypeScriptSDKRetriesResets(t *testing.T) {
	node := requireSDK(t)
	srv, url := newFaultyMock(t, 3_000, "reset=0.1,500=0.05", 1)
	var got walkResult
	if apiErr := runScript(t, node, url, "walk.mjs", &got, "100", "default-retries"); apiErr != nil {
		t.Fatalf("the SDK's walk failed: %v (mock stats %+v)", apiErr, srv.Stats())
	}
	st := srv.Stats()
	if got.Count != 3_000 || got.Distinct != 3_000 || st.Faults[mock.FaultReset] == 0 || st.Faults[mock.Fault500] == 0 {
		t.Errorf("the SDK walked %+v through %+v; want 3000 tokens, each once, and some resets and 500s", got, st)
	}
	t.Logf("%d requests, faults %v", st.Requests, st.Faults)
}

// TestTypeScriptSDKGivesUpAfterItsRetries: against a mock whose every
// answer is 429, the SDK tries 3 times (its 2 default retries), then
// fails with RateLimitError: the faults reach its retry logic as Letta's
// would.
func TestTypeScriptSDKGivesUpAfterItsRetries(t *testing.T) {
	node := requireSDK(t)
	srv, url := newFaultyMock(t, 10, "429=1", 1)
	var got walkResult
	apiErr := runScript(t, node, url, "walk.mjs", &got, "100", "default-retries")
	if apiErr == nil || apiErr["name"] != "RateLimitError" || apiErr["status"] != float64(429) {
		t.Errorf("SDK error = %v, want RateLimitError 429", apiErr)
	}
	if st := srv.Stats(); st.Requests != 3 || st.Faults[mock.Fault429] != 3 {
		t.Errorf("mock stats %+v, want 3 requests, each a 429", st)
	}
}
