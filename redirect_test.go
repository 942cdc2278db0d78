package lettatokens

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// authRecorder is a loopback server that records the Authorization header
// of every request it gets, and answers with an empty last page.
type authRecorder struct {
	*httptest.Server
	got captured
}

func newAuthRecorder(t *testing.T, tls bool) *authRecorder {
	t.Helper()
	a := &authRecorder{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.got.add(capturedRequest{method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization")})
		writePage(t, w, nil, false)
	})
	if tls {
		a.Server = httptest.NewTLSServer(h)
	} else {
		a.Server = httptest.NewServer(h)
	}
	t.Cleanup(a.Close)
	return a
}

// redirectingServer answers every request with status and a Location of
// target plus a path and query that stand for anything secret a URL may
// carry, and counts the requests.
func redirectingServer(t *testing.T, tls bool, status int, target string) (*counter, *httptest.Server) {
	t.Helper()
	n := &counter{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.inc()
		w.Header().Set("Location", target+"/private/path?sig=hush-hush")
		w.WriteHeader(status)
	})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return n, srv
}

// TestRedirectToAnotherOriginIsRefused: the API key goes to the configured
// origin only. net/http drops Authorization on a redirect only when the
// host name changes, so a redirect to the same host on another port, or
// from https to http, would otherwise carry the key along (in clear text,
// for the latter).
func TestRedirectToAnotherOriginIsRefused(t *testing.T) {
	tests := []struct {
		name      string
		fromTLS   bool
		targetTLS bool
		status    int
	}{
		{name: "same host, another port", status: http.StatusFound},
		{name: "https to http on the same host", fromTLS: true, status: http.StatusMovedPermanently},
		{name: "307 to another port", status: http.StatusTemporaryRedirect},
		{name: "308 to another https port", fromTLS: true, targetTLS: true, status: http.StatusPermanentRedirect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := newAuthRecorder(t, tt.targetTLS)
			n, from := redirectingServer(t, tt.fromTLS, tt.status, target.URL)
			// from.Client() trusts the TLS servers' certificate and speaks
			// plain HTTP too, so only the redirect policy can stop the hop.
			hc := from.Client()
			if tt.targetTLS {
				hc = target.Client()
			}
			// A caller's policy that would let anything through is never
			// even asked: ours refuses first.
			var calls counter
			hc.CheckRedirect = func(*http.Request, []*http.Request) error { calls.inc(); return nil }
			c, _ := newTestClient(t, from, WithHTTPClient(hc))
			_, err := c.ListTokens(context.Background(), ListOptions{})

			if reqs := target.got.all(); len(reqs) != 0 {
				t.Fatalf("the other origin received %+v, want no request at all", reqs)
			}
			if !errors.Is(err, ErrCrossOriginRedirect) || calls.count() != 0 {
				t.Fatalf("err = %v after %d calls of the caller's policy, want ErrCrossOriginRedirect after none", err, calls.count())
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status {
				t.Fatalf("err = %#v, want an *Error with StatusCode %d", err, tt.status)
			}
			if got := n.count(); got != 1 {
				t.Errorf("configured server saw %d requests, want 1 (a refused redirect is not retried)", got)
			}
			msg := err.Error()
			if !strings.Contains(msg, target.URL) {
				t.Errorf("Error() = %q, want it to name the origin %s", msg, target.URL)
			}
			for _, leak := range []string{"/private/path", "sig=", "hush-hush", "/v1/client-side-access-tokens", testAPIKey} {
				if strings.Contains(msg, leak) {
					t.Errorf("Error() = %q contains %q", msg, leak)
				}
			}
		})
	}
}

// TestSameOriginRedirectIsFollowed: a redirect within the configured
// origin is harmless and still followed, key and all.
func TestSameOriginRedirectIsFollowed(t *testing.T) {
	var got captured
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		got.add(capturedRequest{path: r.URL.Path, auth: r.Header.Get("Authorization")})
		if r.URL.Path == "/v1/client-side-access-tokens" {
			http.Redirect(w, r, "/moved/v1/client-side-access-tokens", http.StatusTemporaryRedirect)
			return
		}
		writePage(t, w, makeTokens(0, 1), false)
	})
	c, _ := newTestClient(t, srv)
	resp, err := c.ListTokens(context.Background(), ListOptions{})
	if err != nil || len(resp.Tokens) != 1 {
		t.Fatalf("resp %+v, err %v; want the page behind the redirect", resp, err)
	}
	want := []capturedRequest{
		{path: "/v1/client-side-access-tokens", auth: "Bearer " + testAPIKey},
		{path: "/moved/v1/client-side-access-tokens", auth: "Bearer " + testAPIKey},
	}
	if reqs := got.all(); len(reqs) != 2 || reqs[0] != want[0] || reqs[1] != want[1] {
		t.Errorf("server saw %+v, want %+v", reqs, want)
	}
}

// TestRedirectLoopStopsAtTen: as net/http does, a call is at most ten
// requests: nine same-origin redirects are followed, the tenth is refused
// (the eleventh request is never sent), and the refusal is final: no retry
// sends the call round the loop again. Its error names the origin, not the
// Location (a bare path here), which net/http quotes.
func TestRedirectLoopStopsAtTen(t *testing.T) {
	for _, tt := range []struct {
		redirects int
		wantErr   bool
	}{{9, false}, {10, true}} {
		t.Run(strconv.Itoa(tt.redirects), func(t *testing.T) {
			n := &counter{}
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if i := n.inc(); i <= tt.redirects {
					http.Redirect(w, r, "/v1/client-side-access-tokens?hop="+strconv.Itoa(i), http.StatusFound)
					return
				}
				writePage(t, w, nil, false)
			})
			c, waits := newTestClient(t, srv)
			_, err := c.ListTokens(t.Context(), ListOptions{})
			if !tt.wantErr {
				if err != nil || n.count() != 10 {
					t.Errorf("err = %v after %d requests; want the page after 10", err, n.count())
				}
				return
			}
			assertNoAnswer(t, err, "list tokens")
			if want := `Get "` + srv.URL + `": stopped after 10 redirects`; !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to say %s", err, want)
			}
			if n.count() != 10 || len(waits.recorded()) != 0 {
				t.Errorf("server saw %d requests after %d waits, want 10 after none", n.count(), len(waits.recorded()))
			}
			if KindOf(err) != KindRedirected {
				t.Errorf("KindOf = %s, want %s", KindOf(err), KindRedirected)
			}
		})
	}
}

// TestCallerCheckRedirectDecidesSameOrigin: a caller's CheckRedirect
// (copied from WithHTTPClient) still decides about same-origin redirects;
// TestRedirectToAnotherOriginIsRefused shows it cannot let a cross-origin
// one through.
func TestCallerCheckRedirectDecidesSameOrigin(t *testing.T) {
	errCaller := errors.New("caller says no")
	var calls counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	hc := srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { calls.inc(); return errCaller }
	c, _ := newTestClient(t, srv, WithHTTPClient(hc), WithMaxRetries(0))
	_, err := c.ListTokens(context.Background(), ListOptions{})
	if !errors.Is(err, errCaller) || calls.count() != 1 {
		t.Fatalf("err = %v after %d calls of the caller's policy, want errCaller after 1", err, calls.count())
	}
}
