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

// runScript runs a Node script of this folder against baseURL and decodes
// its JSON output into out; an SDK error (exit 3) is returned decoded.
func runScript(t *testing.T, node, baseURL, script string, out any, args ...string) (apiErr map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "LETTA_BASE_URL="+baseURL, "LETTA_API_KEY="+mockKey)
	stdout, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		var e struct{ Error map[string]any }
		if jerr := json.Unmarshal(stdout, &e); jerr != nil {
			t.Fatalf("SDK error output %q: %v", stdout, jerr)
		}
		return e.Error
	}
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderrOf(err))
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%s output: %v\n%s", script, err, stdout)
	}
	return nil
}

// TestTypeScriptSDKCreateListDelete: the official SDK's create, list and
// delete work unchanged against the stateful mock: the created token is
// listed with the fields create answered (by the SDK and by the Go
// client), and after the SDK's delete it is gone.
func TestTypeScriptSDKCreateListDelete(t *testing.T) {
	node := requireSDK(t)
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(5), APIKey: mockKey})
	agent := mock.SeedAgentID(7) // named by no seeded token: the filter lists only the new one
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
	input := map[string]any{
		"create": map[string]any{
			"hostname":   "https://app.example.com",
			"policy":     []any{map[string]any{"type": "agent", "id": agent, "access": []string{"read_messages", "write_agent"}}},
			"expires_at": expires,
		},
		"list": map[string]any{"limit": 50, "agentId": agent},
	}
	arg, _ := json.Marshal(input)
	var got struct {
		Created gen.Token
		Listed  gen.TokenPage
		Deleted any
		After   gen.TokenPage
	}
	if apiErr := runScript(t, node, srv.URL, "crud.mjs", &got, string(arg)); apiErr != nil {
		t.Fatalf("SDK call failed: %v", apiErr)
	}

	want := gen.Token{Token: got.Created.Token, Hostname: "https://app.example.com", ExpiresAt: expires,
		Policy: gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: []gen.AgentPolicy{{Type: gen.AgentPolicyTypeAgent, Id: agent,
			Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteAgent}}}}}
	if got.Created.Token == "" || !reflect.DeepEqual(got.Created, want) {
		t.Errorf("created %+v, want %+v", got.Created, want)
	}
	if len(got.Listed.Tokens) != 1 || !reflect.DeepEqual(got.Listed.Tokens[0], got.Created) {
		t.Errorf("the SDK's list shows %+v, want the created token alone", got.Listed.Tokens)
	}
	if got.Deleted != nil {
		t.Errorf("delete returned %v, want nothing (204)", got.Deleted)
	}
	if len(got.After.Tokens) != 0 || got.After.HasNextPage {
		t.Errorf("after delete the SDK's list shows %d tokens", len(got.After.Tokens))
	}

	// The Go client sees the account the SDK left: the seeded tokens only.
	client, err := lettatokens.NewClient(lettatokens.WithBaseURL(srv.URL), lettatokens.WithAPIKey(mockKey))
	if err != nil {
		t.Fatal(err)
	}
	listed := 0
	for _, err := range client.Tokens(context.Background(), lettatokens.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		listed++
	}
	if listed != 5 {
		t.Errorf("the Go client lists %d tokens, want the 5 seeded", listed)
	}

	t.Run("create refused", func(t *testing.T) {
		// The mock answers 400, the one error upstream documents, to a
		// hostname that is not a URL: the SDK raises its BadRequestError.
		input["create"].(map[string]any)["hostname"] = "not a URL"
		arg, _ := json.Marshal(input)
		apiErr := runScript(t, node, srv.URL, "crud.mjs", &got, string(arg))
		if apiErr == nil || apiErr["name"] != "BadRequestError" || apiErr["step"] != "create" {
			t.Errorf("SDK error = %v, want BadRequestError at create", apiErr)
		}
	})
}

// TestTypeScriptSDKWalk: walk.mjs, the integrator's benchmark of an SDK
// user's walk, lists every token of the mock.
func TestTypeScriptSDKWalk(t *testing.T) {
	node := requireSDK(t)
	srv := mocktest.NewServer(t, mock.Options{SeedCount: 1234, APIKey: mockKey})
	var got struct {
		Count, Pages int
		Ms           float64
	}
	if apiErr := runScript(t, node, srv.URL, "walk.mjs", &got, "100"); apiErr != nil {
		t.Fatalf("SDK walk failed: %v", apiErr)
	}
	if got.Count != 1234 || got.Pages != 13 || got.Ms <= 0 {
		t.Errorf("walk.mjs: %+v, want 1234 tokens in 13 pages and a time", got)
	}
}
