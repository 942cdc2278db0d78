package mock_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// validToken is one token as Cloud serves it, with a field the spec does
// not know.
const validToken = `{"token":"ck-let-mock-load-0","hostname":"https://app-1.example.com","expiresAt":"2030-01-01T00:00:00.000Z","newField":1,` +
	`"policy":{"version":"1","data":[{"type":"agent","id":"agent-1","access":["read_messages","write_agent"]}]}}`

func TestLoadTokensAccepts(t *testing.T) {
	want := []gen.Token{{
		Token:     "ck-let-mock-load-0",
		Hostname:  "https://app-1.example.com",
		ExpiresAt: "2030-01-01T00:00:00.000Z",
		Policy: gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: []gen.AgentPolicy{{
			Type: gen.AgentPolicyTypeAgent, Id: "agent-1",
			Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteAgent},
		}}},
	}}
	tests := []struct {
		name, input string
		want        []gen.Token
	}{
		{"array", "[" + validToken + "]", want},
		{"page", `{"tokens":[` + validToken + `],"hasNextPage":false}`, want},
		{"page without hasNextPage", `{"tokens":[` + validToken + `]}`, want},
		{"surrounding whitespace", "\n  [" + validToken + "]\n", want},
		{"empty array", "[]", []gen.Token{}},
		{"empty access and data", `[{"token":"t","hostname":"h","expiresAt":"e","policy":{"version":"1","data":[]}}]`,
			[]gen.Token{{Token: "t", Hostname: "h", ExpiresAt: "e", Policy: gen.TokenPolicy{Version: "1", Data: []gen.AgentPolicy{}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mock.LoadTokens(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLoadTokensRoundTripsSeed(t *testing.T) {
	seeded := mock.SeedTokens(40)
	data, err := json.Marshal(seeded)
	if err != nil {
		t.Fatal(err)
	}
	got, err := mock.LoadTokens(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, seeded) {
		t.Error("seeded tokens do not survive JSON and LoadTokens unchanged")
	}
}

func TestLoadTokensRejects(t *testing.T) {
	// edit replaces old with new in validToken.
	edit := func(old, new string) string {
		if !strings.Contains(validToken, old) {
			panic("test edit does not apply: " + old)
		}
		return strings.Replace(validToken, old, new, 1)
	}
	tests := []struct {
		name  string
		input string
		want  []string // substrings of the error
	}{
		{"empty input", "", []string{"empty input"}},
		{"not JSON", "tokens!", []string{"JSON array"}},
		{"top-level string", `"x"`, []string{"JSON array"}},
		{"top-level null", `null`, []string{"JSON array"}},
		{"truncated array", "[" + validToken, []string{"unexpected end"}},
		{"trailing data", "[" + validToken + "] []", []string{"invalid character"}},
		{"object without tokens", `{"items":[]}`, []string{`no "tokens" array`}},
		{"null tokens", `{"tokens":null}`, []string{`no "tokens" array`}},
		{"token not an object", `[` + validToken + `, 5]`, []string{"token 1", "object"}},
		{"missing token", "[" + validToken + "," + edit(`"token":"ck-let-mock-load-0",`, "") + "]", []string{"token 1", "token", "missing"}},
		{"missing expiresAt", "[" + validToken + "," + validToken + "," + edit(`"expiresAt":"2030-01-01T00:00:00.000Z",`, "") + "]", []string{"token 2", "expiresAt", "missing"}},
		{"missing policy", `[{"token":"t","hostname":"h","expiresAt":"e"}]`, []string{"token 0", "policy", "missing"}},
		{"policy not an object", "[" + edit(`"policy":{`, `"policy":[],"x":{`) + "]", []string{"token 0", "policy", "object"}},
		{"unknown version", "[" + edit(`"version":"1"`, `"version":"2"`) + "]", []string{"token 0", "/policy/version", `"2"`}},
		{"null data", "[" + edit(`"data":[{"type":"agent","id":"agent-1","access":["read_messages","write_agent"]}]`, `"data":null`) + "]", []string{"token 0", "/policy/data", "null"}},
		{"unknown policy type", "[" + edit(`"type":"agent"`, `"type":"identity"`) + "]", []string{"token 0", "/policy/data/0/type", `"identity"`}},
		{"unknown access", "[" + edit(`"write_agent"`, `"delete_agent"`) + "]", []string{"token 0", "/policy/data/0/access/1", `"delete_agent"`}},
		{"null access item", "[" + edit(`"write_agent"`, `null`) + "]", []string{"token 0", "/policy/data/0/access/1"}},
		{"hostname a number", "[" + edit(`"https://app-1.example.com"`, "42") + "]", []string{"token 0", "hostname", "string", "number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokens, err := mock.LoadTokens(strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("accepted %q as %+v", tt.input, tokens)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "ck-let-mock-load-0") {
				t.Errorf("error %q echoes a token value", err)
			}
		})
	}
}

func TestLoadTokensFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(good, []byte(`{"tokens":[`+validToken+`],"hasNextPage":false}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tokens, err := mock.LoadTokensFile(good)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("LoadTokensFile = %d tokens, %v", len(tokens), err)
	}

	if _, err := mock.LoadTokensFile(filepath.Join(dir, "absent.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: error %v, want one wrapping fs.ErrNotExist", err)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[`+validToken+`,{"token":"x"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = mock.LoadTokensFile(bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "token 1") {
		t.Errorf("invalid file: error %v, want one naming the file and token 1", err)
	}
}

func TestNewRejectsInvalidTokens(t *testing.T) {
	tokens := mock.SeedTokens(5)
	tokens[3].Policy.Data[0].Access = append(tokens[3].Policy.Data[0].Access, "fly")
	_, err := mock.New(mock.Options{Tokens: tokens})
	if err == nil || !strings.Contains(err.Error(), "token 3") || !strings.Contains(err.Error(), `"fly"`) {
		t.Errorf("New with a bad access value: error %v, want one naming token 3 and the value", err)
	}
}

// TestLoadTokensWordsErrorsAsContract: a token the loader rejects gets the
// words the contract validator gives the same token in a served page, since
// both check it with the spec's Token schema.
func TestLoadTokensWordsErrorsAsContract(t *testing.T) {
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		strings.Replace(validToken, `"write_agent"`, `"delete_agent"`, 1),
		strings.Replace(validToken, `"hostname":"https://app-1.example.com",`, "", 1),
		strings.Replace(validToken, `"version":"1"`, `"version":2`, 1),
	} {
		_, loadErr := mock.LoadTokens(strings.NewReader("[" + bad + "]"))
		req := httptest.NewRequest(http.MethodGet, "/v1/client-side-access-tokens", nil)
		fs := v.ValidateResponse(req, http.StatusOK, http.Header{"Content-Type": {"application/json"}},
			[]byte(`{"hasNextPage":false,"tokens":[`+bad+`]}`)).Breaking()
		if loadErr == nil || len(fs) != 1 {
			t.Fatalf("load error %v; contract findings %s", loadErr, fs)
		}
		want := "token 0: " + strings.TrimPrefix(fs[0].Pointer, "/tokens/0") + ": " + fs[0].Message
		if !strings.HasSuffix(loadErr.Error(), want) {
			t.Errorf("load error %q\nwant it to end %q", loadErr, want)
		}
	}
}
