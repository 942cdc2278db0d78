package contract

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
)

const (
	createPath = "/v1/client-side-access-tokens"
	// pathSecret is a token in a DELETE path that does not look like one:
	// only the route can tell it is a secret.
	pathSecret = "plain-looking-secret-0123456789"
)

func newRequest(t *testing.T, method, target, body string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

const validCreate = `{"policy":[{"type":"agent","id":"agent-1","access":["read_messages"]}],"hostname":"https://app.example.com","expires_at":"2030-01-01T00:00:00Z"}`

// TestValidateRequestRoutes: the templated delete path routes, under a base
// URL's path prefix too, and the token in it never reaches a finding; a bad
// query parameter is one finding that says what is wrong with it.
func TestValidateRequestRoutes(t *testing.T) {
	v := newTestValidator(t)
	tests := []struct {
		name, method, target, body string
		want                       string // substring of the one finding; "" for none
	}{
		{"delete", http.MethodDelete, createPath + "/" + pathSecret, "", ""},
		{"delete with a prefix", http.MethodDelete, "/proxy/letta" + createPath + "/" + pathSecret, "", ""},
		{"delete with an escaped slash", http.MethodDelete, createPath + "/a%2Fb-" + pathSecret, "", ""},
		{"delete with an empty JSON body", http.MethodDelete, createPath + "/" + pathSecret, "{}", ""},
		{"delete with a body that is not JSON", http.MethodDelete, createPath + "/" + pathSecret, "{", "request body"},
		{"list", http.MethodGet, createPath + "?limit=2", "", ""},
		{"list with a prefix", http.MethodGet, "/proxy" + createPath, "", ""},
		{"limit not a number", http.MethodGet, createPath + "?limit=1.5", "", `query parameter "limit": not a valid integer`},
		{"limit below its minimum", http.MethodGet, createPath + "?limit=-1", "", `query parameter "limit": number must be at least 0`},
		{"limit empty", http.MethodGet, createPath + "?limit=", "", `query parameter "limit": empty value is not allowed`},
		{"create", http.MethodPost, createPath, validCreate, ""},
		{"get on the delete path", http.MethodGet, createPath + "/" + pathSecret, "", "method GET is not in the spec for " + createPath + "/{token}"},
		{"no token", http.MethodDelete, createPath + "/", "", "is not in the spec"},
		{"too deep", http.MethodDelete, createPath + "/" + pathSecret + "/x", "", "is not in the spec"},
		{"put", http.MethodPut, createPath, "", "method PUT is not in the spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := v.ValidateRequest(newRequest(t, tt.method, tt.target, tt.body))
			if tt.want == "" {
				if len(fs) != 0 {
					t.Fatalf("findings:\n%s", fs)
				}
				return
			}
			if len(fs) != 1 || !strings.Contains(fs[0].Message, tt.want) {
				t.Fatalf("findings %q, want one saying %q", fs, tt.want)
			}
			if strings.Contains(fs.String(), "secret-0123456789") {
				t.Errorf("a finding quotes the path's token: %s", fs)
			}
		})
	}
}

// TestValidateRequestBody: the create body is validated against
// CreateTokenRequest, each finding naming its field, whether the validator
// reads it (ValidateRequest) or is handed it (ValidateRequestBody, which
// must not read r.Body).
func TestValidateRequestBody(t *testing.T) {
	v := newTestValidator(t)
	edit := func(old, new string) string {
		if !strings.Contains(validCreate, old) {
			t.Fatalf("edit %q does not apply", old)
		}
		return strings.Replace(validCreate, old, new, 1)
	}
	tests := []struct {
		name, body, contentType string
		pointer, want           string
	}{
		{"missing hostname", edit(`"hostname":"https://app.example.com",`, ""), "", "/body/hostname", `request body /hostname: required property "hostname" is missing`},
		{"missing policy", edit(`"policy":[{"type":"agent","id":"agent-1","access":["read_messages"]}],`, ""), "", "/body/policy", "request body /policy: required property"},
		{"hostname without a scheme", edit(`"https://app.example.com"`, `"app.example.com"`), "", "/body/hostname", "request body /hostname:"},
		{"ftp hostname", edit(`"https://app.example.com"`, `"ftp://app.example.com"`), "", "/body/hostname", "regular expression"},
		{"hostname a number", edit(`"https://app.example.com"`, `7`), "", "/body/hostname", "want string, got number"},
		{"unknown access", edit(`"read_messages"`, `"fly"`), "", "/body/policy/0/access/0", `value "fly" is not one of the spec's enum values`},
		{"unknown policy type", edit(`"type":"agent"`, `"type":"identity"`), "", "/body/policy/0/type", `"identity"`},
		{"policy an object", edit(`"policy":[{"type":"agent","id":"agent-1","access":["read_messages"]}]`, `"policy":{}`), "", "/body/policy", "want array, got object"},
		{"expires_at a number", edit(`"2030-01-01T00:00:00Z"`, `1`), "", "/body/expires_at", "want string"},
		{"body an array", `[]`, "", "/body", "request body: want object, got array"},
		{"not JSON", `{"policy":`, "", "/body", "request body is not valid JSON: unexpected EOF"},
		{"data after the JSON", validCreate + ` {}`, "", "/body", "request body has 2 bytes after its JSON value"},
		{"no body", "", "", "/body", "request body: a body is required"},
		{"text/plain", validCreate, "text/plain", "/body", "request body: header Content-Type has unexpected value"},
		{"too large", `{"hostname":"` + strings.Repeat("a", MaxRequestBodyBytes) + `"}`, "", "/body", "larger than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRequest(t, http.MethodPost, createPath, tt.body)
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			handed := r.Clone(r.Context())
			handed.Body = io.NopCloser(iotest.ErrReader(errors.New("r.Body read")))
			for _, fs := range []Findings{v.ValidateRequest(r), v.ValidateRequestBody(handed, []byte(tt.body))} {
				if !fs.HasBreaking() {
					t.Fatal("accepted")
				}
				f := fs[0]
				if f.Pointer != tt.pointer || !strings.Contains(f.Message, tt.want) {
					t.Errorf("finding %s %q, want %s and %q (all: %s)", f.Pointer, f.Message, tt.pointer, tt.want, fs)
				}
				if len(fs.String()) > 2000 {
					t.Errorf("findings of %d bytes: a schema dump or the value leaked", len(fs.String()))
				}
			}
		})
	}
	r := newRequest(t, http.MethodPost, createPath, "")
	r.Header.Set("Content-Type", "application/json")
	r.Body = io.NopCloser(iotest.ErrReader(errors.New("r.Body read")))
	if fs := v.ValidateRequestBody(r, []byte(validCreate)); len(fs) != 0 {
		t.Errorf("a valid body handed over: %s", fs)
	}
}

// TestValidateRequestRestoresBody: after validation, a server's handler
// still reads the whole body, and a client's request is left as it was.
func TestValidateRequestRestoresBody(t *testing.T) {
	v := newTestValidator(t)
	for _, body := range []string{validCreate, `{"hostname":"` + strings.Repeat("b", MaxRequestBodyBytes+10) + `"}`} {
		r := newRequest(t, http.MethodPost, createPath, body)
		r.GetBody = nil // as a server receives it
		v.ValidateRequest(r)
		got, err := io.ReadAll(r.Body)
		if err != nil || string(got) != body {
			t.Errorf("server request: handler reads %d bytes (%v), want the %d sent", len(got), err, len(body))
		}
	}

	r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1"+createPath, bytes.NewReader([]byte(validCreate)))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	before := r.Body
	if fs := v.ValidateRequest(r); len(fs) != 0 {
		t.Fatalf("findings:\n%s", fs)
	}
	if r.Body != before {
		t.Error("ValidateRequest replaced a client request's body")
	}
	if got, _ := io.ReadAll(r.Body); string(got) != validCreate {
		t.Errorf("client request body after validation: %q", got)
	}
}

// TestValidateValue: a token checked against the Token schema gets the
// findings a response holding it would.
func TestValidateValue(t *testing.T) {
	v := newTestValidator(t)
	tok := map[string]any{
		"token": "ck-let-SECRETabcdef0123456789", "expiresAt": "x",
		"policy": map[string]any{"version": "2", "data": []any{map[string]any{"type": "agent", "id": "a"}}},
	}
	fs, err := v.ValidateValue("Token", tok)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Pointer+" "+f.Message)
	}
	want := []string{
		`/hostname required property "hostname" is missing`,
		`/policy/data/0/access required property "access" is missing`,
		`/policy/version value "2" is not one of the spec's enum values ["1"]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fs, err := v.ValidateValue("Token", map[string]any{"token": 1}); err != nil || strings.Contains(fs.String(), "SECRET") || len(fs) != 4 {
		t.Errorf("findings %s, %v", fs, err)
	}
	if _, err := v.ValidateValue("NoSuchSchema", nil); err == nil {
		t.Error("an unknown schema name is not an error")
	}
}
