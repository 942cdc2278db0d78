package contract

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// createdToken is a 201 answer to a create, its value not shaped like a
// token: only its place in the body tells it is a secret.
const createdToken = `{"token":"` + pathSecret + `","hostname":"https://app.example.com","expiresAt":"2030-01-01T00:00:00.000Z",` +
	`"policy":{"version":"1","data":[{"type":"agent","id":"agent-1","access":["read_messages"]}]}}`

// TestValidateResponseCreateAndDelete: the create (201, a Token) and delete
// (204, no body) answers are routed to their operations and checked, and
// the secret of either (the created value, the path's token) is in no
// finding.
func TestValidateResponseCreateAndDelete(t *testing.T) {
	v := newTestValidator(t)
	edit := func(old, new string) string {
		if !strings.Contains(createdToken, old) {
			t.Fatalf("edit %q does not apply", old)
		}
		return strings.Replace(createdToken, old, new, 1)
	}
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name, method, target string
		status               int
		header               http.Header
		body                 string
		check                Check  // "" for no finding
		pointer              string // of one of the findings
		severity             Severity
	}{
		{"created", http.MethodPost, createPath, http.StatusCreated, jsonHeader, createdToken, "", "", ""},
		{"created without hostname", http.MethodPost, createPath, http.StatusCreated, jsonHeader,
			edit(`"hostname":"https://app.example.com",`, ""), CheckSchema, "/hostname", Breaking},
		{"created with a new access", http.MethodPost, createPath, http.StatusCreated, jsonHeader,
			edit(`"read_messages"`, `"admin"`), CheckSchema, "/policy/data/0/access/0", Breaking},
		{"created with a new field", http.MethodPost, createPath, http.StatusCreated, jsonHeader,
			edit(`"hostname"`, `"createdAt":"2030-01-01T00:00:00Z","hostname"`), CheckUnknownField, "/createdAt", Additive},
		{"created with an epoch expiresAt", http.MethodPost, createPath, http.StatusCreated, jsonHeader,
			edit(`"2030-01-01T00:00:00.000Z"`, `"1795000000000"`), CheckExpiresAt, "/expiresAt", Breaking},
		{"created, the value echoed in a field name", http.MethodPost, createPath, http.StatusCreated, jsonHeader,
			edit(`"hostname"`, `"`+pathSecret+`":1,"hostname"`), CheckUnknownField, "/" + redactedPathSecret, Additive},
		{"created, as 200", http.MethodPost, createPath, http.StatusOK, jsonHeader, createdToken, CheckStatus, "", Breaking},
		{"created, as a page", http.MethodPost, createPath, http.StatusCreated, jsonHeader,
			`{"tokens":[` + createdToken + `],"hasNextPage":false}`, CheckSchema, "/token", Breaking},
		{"deleted", http.MethodDelete, createPath + "/" + pathSecret, http.StatusNoContent, nil, "", "", "", ""},
		{"deleted with a body", http.MethodDelete, createPath + "/" + pathSecret, http.StatusNoContent, jsonHeader,
			`{"token":"` + pathSecret + `"}`, CheckContentType, "", Breaking},
		{"deleted, as 200", http.MethodDelete, createPath + "/" + pathSecret, http.StatusOK, jsonHeader, `{}`, CheckStatus, "", Breaking},
		{"delete rejected", http.MethodDelete, createPath + "/" + pathSecret, http.StatusBadRequest, jsonHeader,
			`{"message":"no token ` + pathSecret + `"}`, "", "", ""},
		{"delete rejected, the path's token echoed in a field name", http.MethodDelete, createPath + "/" + pathSecret, http.StatusBadRequest, jsonHeader,
			`{"message":7,"` + pathSecret + `":1}`, CheckUnknownField, "/" + redactedPathSecret, Additive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := v.ValidateResponse(newRequest(t, tt.method, tt.target, ""), tt.status, tt.header, []byte(tt.body))
			if strings.Contains(fs.String(), "secret-0123456789") {
				t.Errorf("a finding quotes the secret:\n%s", fs)
			}
			if tt.check == "" {
				if len(fs) > 0 {
					t.Fatalf("findings:\n%s", fs)
				}
				return
			}
			if len(fs) == 0 {
				t.Fatalf("no finding, want %s %s", tt.check, tt.pointer)
			}
			found := slices.ContainsFunc(fs, func(f Finding) bool {
				return f.Check == tt.check && f.Pointer == tt.pointer && f.Severity == tt.severity
			})
			if !found {
				t.Errorf("no %s %s finding at %q in:\n%s", tt.severity, tt.check, tt.pointer, fs)
			}
		})
	}
	// An undocumented status is named with the documented ones, sorted.
	fs := v.ValidateResponse(newRequest(t, http.MethodDelete, createPath+"/"+pathSecret, ""), http.StatusOK, jsonHeader, []byte(`{}`))
	if want := "HTTP 200 is not a documented response (documented: 204, 400)"; len(fs) != 1 || fs[0].Message != want {
		t.Errorf("an undocumented 200: %s, want %q", fs, want)
	}
}

// redactedPathSecret is pathSecret as findings show it.
const redactedPathSecret = "plain-lo…6789"

// TestTransportMasksTheDeletePath: the token in a DELETE path never
// reaches Exchange.Path, whatever its shape, escaped or not, under a base
// URL's path prefix too.
func TestTransportMasksTheDeletePath(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	var rec Recorder
	tr := &Transport{Validator: newTestValidator(t), Report: rec.Record}
	for _, tt := range []struct{ path, want string }{
		{createPath + "/" + pathSecret, createPath + "/" + redactedPathSecret},
		{"/proxy" + createPath + "/" + pathSecret + "?x=1", "/proxy" + createPath + "/" + redactedPathSecret + "?x=1"},
		{createPath + "/" + "a%2Fb%20" + pathSecret, createPath + "/a/b plai…6789"},
		{createPath + "/short", createPath + "/…"},
	} {
		req, err := http.NewRequest(http.MethodDelete, srv.URL+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer k")
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		xs := rec.Exchanges()
		x := xs[len(xs)-1]
		if x.Path != tt.want {
			t.Errorf("Exchange.Path %q, want %q", x.Path, tt.want)
		}
		if len(x.Findings) > 0 {
			t.Errorf("%s: findings:\n%s", tt.path, x.Findings)
		}
	}
}
