package lettatokens

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/gen/server"
)

// createdToken is what the fake server answers a create with.
func createdToken(req gen.CreateTokenRequest) gen.Token {
	expires := "2030-01-02T03:04:05.678Z"
	if req.ExpiresAt != nil {
		expires = *req.ExpiresAt
	}
	return gen.Token{
		Token:     "ck-let-created0123456789abcdef",
		Hostname:  req.Hostname,
		ExpiresAt: expires,
		Policy:    gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: req.Policy},
	}
}

// createServer answers POST /v1/client-side-access-tokens with 201 and a
// token built from the request, after handing the request to seen.
func createServer(t *testing.T, seen func(r *http.Request, body []byte)) (*Client, *counter) {
	t.Helper()
	n := &counter{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.inc()
		body, _ := io.ReadAll(r.Body)
		if seen != nil {
			seen(r, body)
		}
		var req gen.CreateTokenRequest
		if err := json.Unmarshal(body, &req); err != nil {
			writeJSON(t, w, http.StatusBadRequest, gen.ErrorMessage{Message: err.Error()})
			return
		}
		writeJSON(t, w, http.StatusCreated, createdToken(req))
	})
	c, _ := newTestClient(t, srv)
	return c, n
}

var readMessages = []gen.AgentAccess{gen.AgentAccessReadMessages}

// TestCreateToken: a create is one POST to the collection, authenticated,
// with a JSON body the spec's: the returned token decoded; a policy without
// a type sent as an agent policy (the only type there is) without changing
// the caller's slice; no expires_at without an expiry; an ExpiresAt in RFC
// 3339, UTC, milliseconds, as Letta writes its own times; an ExpiresIn from
// now.
func TestCreateToken(t *testing.T) {
	var method, path, auth, contentType, wire string
	c, n := createServer(t, func(r *http.Request, body []byte) {
		method, path, auth, contentType, wire = r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(body)
	})
	policy := []gen.AgentPolicy{{Id: "agent-1", Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages}}}
	const wantPolicy = `"policy":[{"access":["read_messages","write_messages"],"id":"agent-1","type":"agent"}]`
	for _, tt := range []struct {
		params   CreateTokenParams
		wantWire string
	}{
		{CreateTokenParams{Hostname: "https://app.example.com", Policy: policy},
			`{"hostname":"https://app.example.com",` + wantPolicy + `}`},
		{CreateTokenParams{Hostname: "http://localhost:3000", Policy: policy, ExpiresAt: time.Date(2031, 5, 6, 9, 8, 7, 123456789, time.FixedZone("UTC+2", 2*60*60))},
			`{"expires_at":"2031-05-06T07:08:07.123Z","hostname":"http://localhost:3000",` + wantPolicy + `}`},
	} {
		tok, err := c.CreateToken(context.Background(), tt.params)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Token != "ck-let-created0123456789abcdef" || tok.Hostname != tt.params.Hostname || len(tok.Policy.Data) != 1 {
			t.Errorf("token = %+v", tok)
		}
		if method != http.MethodPost || path != "/v1/client-side-access-tokens" || auth != "Bearer "+testAPIKey || contentType != "application/json" {
			t.Errorf("request: %s %s, Authorization %q, Content-Type %q", method, path, auth, contentType)
		}
		var fields map[string]any // the wire body with its keys sorted
		if err := json.Unmarshal([]byte(wire), &fields); err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(fields); string(got) != tt.wantWire {
			t.Errorf("wire body = %s, want %s", got, tt.wantWire)
		}
	}
	if policy[0].Type != "" || n.count() != 2 {
		t.Errorf("caller's policy type now %q after %d requests; want it unchanged after 2", policy[0].Type, n.count())
	}

	before := time.Now()
	if _, err := c.CreateToken(context.Background(), CreateTokenParams{Hostname: "http://localhost:3000", Policy: policy, ExpiresIn: time.Hour}); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	var req gen.CreateTokenRequest
	json.Unmarshal([]byte(wire), &req)
	if req.ExpiresAt == nil || len(*req.ExpiresAt) != len("2006-01-02T15:04:05.000Z") || !strings.HasSuffix(*req.ExpiresAt, "Z") {
		t.Fatalf("expires_at = %v, want RFC 3339 UTC with milliseconds", req.ExpiresAt)
	}
	got, err := time.Parse(time.RFC3339Nano, *req.ExpiresAt)
	if err != nil || got.Before(before.Add(time.Hour).Truncate(time.Millisecond)) || got.After(after.Add(time.Hour)) {
		t.Errorf("expires_at = %s (%v), want an hour from now (%s)", got, err, before.Add(time.Hour))
	}
}

// TestCreateTokenParamsChecked: parameters the spec rules out are refused
// before any request, with a *ParamError naming the field and never the
// value.
func TestCreateTokenParamsChecked(t *testing.T) {
	const secretish = "SECRETVALUE"
	ok := []gen.AgentPolicy{{Type: gen.AgentPolicyTypeAgent, Id: "agent-1", Access: readMessages}}
	for _, tt := range []struct {
		name   string
		params CreateTokenParams
		field  string
	}{
		{"no hostname", CreateTokenParams{Policy: ok}, "Hostname"},
		{"no scheme", CreateTokenParams{Hostname: "app.example.com/" + secretish, Policy: ok}, "Hostname"},
		{"another scheme", CreateTokenParams{Hostname: "ftp://app.example.com/" + secretish, Policy: ok}, "Hostname"},
		{"scheme in capitals (the spec's pattern is exact)", CreateTokenParams{Hostname: "HTTPS://app.example.com", Policy: ok}, "Hostname"},
		{"no host", CreateTokenParams{Hostname: "https://", Policy: ok}, "Hostname"},
		{"port, no host", CreateTokenParams{Hostname: "https://:8080", Policy: ok}, "Hostname"},
		{"not a URL", CreateTokenParams{Hostname: "https://" + secretish + "\x7f:x", Policy: ok}, "Hostname"},
		{"no policy", CreateTokenParams{Hostname: "https://app.example.com"}, "Policy"},
		{"empty policy", CreateTokenParams{Hostname: "https://app.example.com", Policy: []gen.AgentPolicy{}}, "Policy"},
		{"no agent id", CreateTokenParams{Hostname: "https://app.example.com",
			Policy: []gen.AgentPolicy{ok[0], {Access: readMessages}}}, "Policy[1].Id"},
		{"another type", CreateTokenParams{Hostname: "https://app.example.com",
			Policy: []gen.AgentPolicy{{Type: "identity" + secretish, Id: "agent-1", Access: readMessages}}}, "Policy[0].Type"},
		{"no access", CreateTokenParams{Hostname: "https://app.example.com",
			Policy: []gen.AgentPolicy{{Id: "agent-1"}}}, "Policy[0].Access"},
		{"unknown access", CreateTokenParams{Hostname: "https://app.example.com",
			Policy: []gen.AgentPolicy{{Id: "agent-1", Access: []gen.AgentAccess{gen.AgentAccessReadAgent, "admin" + secretish}}}}, "Policy[0].Access[1]"},
		{"expiry in the past", CreateTokenParams{Hostname: "https://app.example.com", Policy: ok,
			ExpiresAt: time.Now().Add(-time.Minute)}, "ExpiresAt"},
		{"expiry now (to the millisecond)", CreateTokenParams{Hostname: "https://app.example.com", Policy: ok,
			ExpiresIn: time.Microsecond}, "ExpiresIn"},
		{"negative duration", CreateTokenParams{Hostname: "https://app.example.com", Policy: ok,
			ExpiresIn: -time.Hour}, "ExpiresIn"},
		{"both expiries", CreateTokenParams{Hostname: "https://app.example.com", Policy: ok,
			ExpiresAt: time.Now().Add(time.Hour), ExpiresIn: time.Hour}, "ExpiresAt"},
		{"beyond year 9999", CreateTokenParams{Hostname: "https://app.example.com", Policy: ok,
			ExpiresAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "ExpiresAt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, n := createServer(t, nil)
			tok, err := c.CreateToken(context.Background(), tt.params)
			var pe *ParamError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidParams) {
				t.Fatalf("token %v, err = %v; want a *ParamError wrapping ErrInvalidParams", tok, err)
			}
			if pe.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", pe.Field, tt.field, err)
			}
			if !strings.HasPrefix(err.Error(), "lettatokens: invalid parameters: "+tt.field+" ") {
				t.Errorf("Error() = %q, want it to name %s", err, tt.field)
			}
			if strings.Contains(err.Error(), secretish) {
				t.Errorf("Error() = %q echoes the value", err)
			}
			if n.count() != 0 {
				t.Errorf("%d requests sent for invalid parameters", n.count())
			}
		})
	}
}

// TestCreateTokenUnusableAnswers: an answer without a whole token is an
// *Error with its status, and a token of any shape in the body is masked.
func TestCreateTokenUnusableAnswers(t *testing.T) {
	const oddToken = "odd-shaped-secret-token-value"
	for _, tt := range []struct {
		name    string
		status  int
		body    string
		wantErr string
	}{
		{"no token member", http.StatusCreated, `{"hostname":"https://a","expiresAt":"x","policy":{"version":"1","data":[]}}`, `"token" is missing`},
		{"empty token", http.StatusCreated, `{"token":"","hostname":"https://a","expiresAt":"x","policy":{"version":"1","data":[]}}`, `"token" is missing, null or empty`},
		{"no expiresAt", http.StatusCreated, `{"token":"` + oddToken + `","hostname":"https://a","policy":{"version":"1","data":[]}}`, `"expiresAt" is missing`},
		{"no policy", http.StatusCreated, `{"token":"` + oddToken + `","hostname":"https://a","expiresAt":"x"}`, `"policy" is missing`},
		{"not an object", http.StatusCreated, `[]`, "decoding token"},
		{"rejected", http.StatusBadRequest, `{"message":"hostname is invalid"}`, "HTTP 400 Bad Request: hostname is invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			c, _ := newTestClient(t, srv)
			tok, err := c.CreateToken(context.Background(), CreateTokenParams{Hostname: "https://a.example",
				Policy: []gen.AgentPolicy{{Id: "agent-1", Access: readMessages}}})
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status || tok != nil {
				t.Fatalf("token %v, err %v; want an *Error %d", tok, err, tt.status)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Error() = %q, want it to say %q", err, tt.wantErr)
			}
			if strings.Contains(apiErr.Body+err.Error(), oddToken) {
				t.Errorf("the new token shows in the error: Body %q", apiErr.Body)
			}
		})
	}
}

// TestHostnamePatternIsTheSpecs: the client's hostname rule, a constant so
// that the client links no spec loader, is the pattern openapi.yaml and the
// spec embedded in gen/server give CreateTokenRequest.hostname.
func TestHostnamePatternIsTheSpecs(t *testing.T) {
	file, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := server.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]*openapi3.T{"openapi.yaml": file, "the embedded spec": embedded} {
		want := doc.Components.Schemas["CreateTokenRequest"].Value.Properties["hostname"].Value.Pattern
		if want == "" || hostnamePattern != want {
			t.Errorf("hostnamePattern is %q, %s says %q", hostnamePattern, name, want)
		}
	}
	if hostnameRule.String() != hostnamePattern {
		t.Errorf("hostnameRule is %q, not hostnamePattern %q", hostnameRule, hostnamePattern)
	}
}
