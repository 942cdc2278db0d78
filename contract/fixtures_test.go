package contract

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// exchange is one recorded request and its response, read from a .http file
// in testdata/: a request (line, headers, blank line) followed by a response
// (status line, headers, blank line, body to end of file).
type exchange struct {
	req  *http.Request
	resp *http.Response
	body []byte
}

func readExchange(t testing.TB, path string) exchange {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFixture(raw)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return exchange{req: f.Request, resp: &http.Response{StatusCode: f.Status, Header: f.Header}, body: f.Body}
}

func (x exchange) validate(t *testing.T, v *Validator) Findings {
	t.Helper()
	return append(v.ValidateRequest(x.req), v.ValidateResponse(x.req, x.resp.StatusCode, x.resp.Header, x.body)...)
}

func fixtureNames(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.http"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in testdata/%s: %v", dir, err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p[:len(p)-len(".http")]))
	}
	return names
}

// NewTestValidator is newTestValidator for the package's external tests.
var NewTestValidator = newTestValidator

func newTestValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}
