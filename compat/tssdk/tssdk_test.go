// Package tssdk proves that Letta's official TypeScript SDK, pointed at the
// mock with LETTA_BASE_URL, works unchanged and sees what the Go client sees:
// list (list.mjs), create, list and delete (crud.mjs), and a walk of every
// page as an SDK user writes it (walk.mjs, also the integrator's benchmark
// against letta-tokens list --all).
//
// It needs Node.js and `npm ci` in this directory. Without them the test
// skips, unless LETTA_TOKENS_REQUIRE_TS_SDK=1 (set by .ci/run) makes the
// absence a failure.
package tssdk

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"testing"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

const mockKey = "sk-let-tssdkFAKEkey000000000"

// requireSDK returns node's path, or skips (fails, when
// LETTA_TOKENS_REQUIRE_TS_SDK=1) without Node.js and the installed SDK.
func requireSDK(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	_, modErr := os.Stat("node_modules/@letta-ai/letta-client/package.json")
	if err == nil && modErr == nil {
		return node
	}
	msg := "Letta's TypeScript SDK is not installed: run `npm ci` in compat/tssdk (needs Node.js) to run this check"
	if os.Getenv("LETTA_TOKENS_REQUIRE_TS_SDK") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// sdkList runs list.mjs and decodes its output.
func sdkList(t *testing.T, node, baseURL, key string, query map[string]any) (page gen.TokenPage, apiErr map[string]any) {
	t.Helper()
	q, _ := json.Marshal(query)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "list.mjs", string(q))
	cmd.Env = append(os.Environ(), "LETTA_BASE_URL="+baseURL, "LETTA_API_KEY="+key)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		var e struct{ Error map[string]any }
		if jerr := json.Unmarshal(out, &e); jerr != nil {
			t.Fatalf("SDK error output %q: %v", out, jerr)
		}
		return page, e.Error
	}
	if err != nil {
		t.Fatalf("node list.mjs %s: %v\n%s", q, err, stderrOf(err))
	}
	if err := json.Unmarshal(out, &page); err != nil {
		t.Fatalf("SDK output is not a page: %v\n%s", err, out)
	}
	return page, nil
}

func stderrOf(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(exit.Stderr)
	}
	return ""
}

func TestTypeScriptSDKAgainstMock(t *testing.T) {
	node := requireSDK(t)
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(23), APIKey: mockKey})
	client, err := lettatokens.NewClient(lettatokens.WithBaseURL(srv.URL), lettatokens.WithAPIKey(mockKey))
	if err != nil {
		t.Fatal(err)
	}
	agent := mock.SeedAgentID(1)
	for _, tt := range []struct {
		name  string
		query map[string]any
		want  gen.ListClientSideAccessTokensParams
	}{
		{"defaults", map[string]any{}, gen.ListClientSideAccessTokensParams{}},
		{"first page", map[string]any{"limit": 5}, gen.ListClientSideAccessTokensParams{Limit: ptr(5)}},
		{"last page", map[string]any{"limit": 5, "offset": 20}, gen.ListClientSideAccessTokensParams{Limit: ptr(5), Offset: ptr(20)}},
		{"agent filter", map[string]any{"limit": 3, "agentId": agent}, gen.ListClientSideAccessTokensParams{Limit: ptr(3), AgentId: &agent}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, apiErr := sdkList(t, node, srv.URL, mockKey, tt.query)
			if apiErr != nil {
				t.Fatalf("SDK call failed: %v", apiErr)
			}
			resp, err := client.Generated().ListClientSideAccessTokensWithResponse(context.Background(), &tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, *resp.JSON200) {
				t.Errorf("the SDK and the Go client see different pages for %v", tt.query)
			}
			if len(got.Tokens) == 0 {
				t.Errorf("page for %v is empty; the comparison proves little", tt.query)
			}
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		_, apiErr := sdkList(t, node, srv.URL, "sk-let-tssdkWRONGkey0000000", map[string]any{})
		if apiErr == nil || apiErr["name"] != "AuthenticationError" || apiErr["status"] != float64(401) {
			t.Errorf("SDK error = %v, want AuthenticationError 401", apiErr)
		}
	})
}

func ptr(n int) *int { return &n }
