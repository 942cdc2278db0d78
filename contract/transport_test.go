package contract

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	lettatokens "github.com/letta-tokens/letta-tokens"
)

// serveFixture answers every request with a recorded response.
func serveFixture(t *testing.T, x exchange) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, vs := range x.resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(x.resp.StatusCode)
		w.Write(x.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func getThrough(t *testing.T, rt http.RoundTripper, url string) ([]byte, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer sk-let-transportSECRETkey")
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func TestTransportReportsDriftAndPassesBodyOn(t *testing.T) {
	v := newTestValidator(t)
	for _, tt := range []struct {
		fixture  string
		breaking bool
	}{
		{"conformant/first-page", false},
		{"conformant/additive-fields", false},
		{"drift/missing-token-token", true},
		{"drift/html-body", true},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			x := readExchange(t, filepath.Join("testdata", tt.fixture+".http"))
			srv := serveFixture(t, x)
			var rec Recorder
			body, err := getThrough(t, &Transport{Validator: v, Report: rec.Record}, srv.URL+x.req.URL.RequestURI())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, x.body) {
				t.Error("the caller did not receive the body the server sent")
			}
			got := rec.Exchanges()
			if len(got) != 1 || got[0].Status != x.resp.StatusCode || got[0].Path != x.req.URL.RequestURI() {
				t.Fatalf("exchanges = %+v, want one for %s", got, x.req.URL.RequestURI())
			}
			if got[0].Findings.HasBreaking() != tt.breaking {
				t.Errorf("breaking = %v, want %v:\n%s", !tt.breaking, tt.breaking, got[0].Findings)
			}
		})
	}
}

func TestTransportFlagsMissingAuth(t *testing.T) {
	v := newTestValidator(t)
	srv := serveFixture(t, readExchange(t, "testdata/conformant/empty-list.http"))
	var rec Recorder
	resp, err := (&http.Client{Transport: &Transport{Validator: v, Report: rec.Record}}).Get(srv.URL + "/v1/client-side-access-tokens")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	f := rec.Findings()
	if len(f) != 1 || f[0].Check != CheckAuth || f[0].Pointer != "/header/Authorization" {
		t.Errorf("want one auth finding for the missing header, got:\n%s", f)
	}
}

func TestTransportBodyOverCapIsReportedAndPassedWhole(t *testing.T) {
	v := newTestValidator(t)
	big := `{"tokens":[],"hasNextPage":false,"pad":"` + strings.Repeat("x", 4096) + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, big)
	}))
	defer srv.Close()
	var rec Recorder
	body, err := getThrough(t, &Transport{Validator: v, Report: rec.Record, MaxBodyBytes: 1024}, srv.URL+"/v1/client-side-access-tokens")
	if err != nil || string(body) != big {
		t.Fatalf("caller got %d bytes (err %v), want the whole %d-byte body", len(body), err, len(big))
	}
	if f := rec.Findings(); len(f) != 1 || !strings.Contains(f[0].Message, "larger than 1024 bytes") {
		t.Errorf("want one over-cap finding, got:\n%s", f)
	}
}

func TestTransportBrokenBodyReachesCallerUnreported(t *testing.T) {
	v := newTestValidator(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		io.WriteString(w, `{"tokens":[`)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	var rec Recorder
	if _, err := getThrough(t, &Transport{Validator: v, Report: rec.Record}, srv.URL+"/v1/client-side-access-tokens"); err == nil {
		t.Error("a body cut off mid-way must reach the caller as an error")
	}
	if n := len(rec.Exchanges()); n != 0 {
		t.Errorf("a broken body is not drift evidence, but %d exchanges were reported", n)
	}
}

// TestTransportRetryable: answers the Retryable policy names are left out
// of the report (the client tries them again); without a policy, every
// answer is reported.
func TestTransportRetryable(t *testing.T) {
	v := newTestValidator(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	for _, tt := range []struct {
		name      string
		retryable func(*http.Response) bool
		want      int
	}{
		{"no policy", nil, 1},
		{"the client's policy", lettatokens.Retryable, 0},
		{"a policy that retries nothing", func(*http.Response) bool { return false }, 1},
	} {
		var rec Recorder
		if _, err := getThrough(t, &Transport{Validator: v, Report: rec.Record, Retryable: tt.retryable}, srv.URL+"/v1/client-side-access-tokens"); err != nil {
			t.Fatal(err)
		}
		if got := len(rec.Exchanges()); got != tt.want {
			t.Errorf("%s: %d exchanges reported, want %d", tt.name, got, tt.want)
		}
	}
}

// TestTransportCapIsTheClients: the transport's default cap is the
// client's, so that nothing the client accepts goes unvalidated.
func TestTransportCapIsTheClients(t *testing.T) {
	if defaultTransportMaxBodyBytes != lettatokens.DefaultMaxBodyBytes {
		t.Errorf("defaultTransportMaxBodyBytes = %d, lettatokens.DefaultMaxBodyBytes = %d; keep them equal",
			defaultTransportMaxBodyBytes, lettatokens.DefaultMaxBodyBytes)
	}
}
