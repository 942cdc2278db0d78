package lettatokens

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/letta-tokens/letta-tokens/internal/attempt"
	"github.com/letta-tokens/letta-tokens/redact"
)

// A token value as a server might echo it back in an error body.
const echoedToken = "ck-let-SECRETSECRETSECRET0123456789"

func TestUnusableResponsesBecomeErrors(t *testing.T) {
	big := `{"tokens":[],"hasNextPage":false,"pad":"` + strings.Repeat("x", 4096) + `"}`
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		opts       []Option
		wantStatus int
		wantCause  error // matched with errors.Is, if set
		wantMsg    string
		wantReqID  string
		wantBody   string // a substring of Error.Body
		wantInErr  string // a substring of Error()
	}{
		{
			name: "truncated JSON",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"tokens":[{"token":"ck-let-`))
			},
			wantStatus: 200,
			wantInErr:  "decoding token page",
		},
		{
			name: "HTML 502 from a proxy",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				w.Write([]byte("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>"))
			},
			wantStatus: 502,
			wantBody:   "<title>502 Bad Gateway</title>",
			wantInErr:  "HTTP 502 Bad Gateway: <html> <head><title>502",
		},
		{
			name: "HTML 200 from a captive portal",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte("<html><body>Please log in</body></html>"))
			},
			wantStatus: 200,
			wantCause:  attempt.ErrNotJSON,
			wantBody:   "Please log in",
		},
		{
			name: "JSON without a Content-Type",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = nil // stop net/http from sniffing one
				w.Write([]byte(`{"tokens":[],"hasNextPage":false}`))
			},
			wantStatus: 200,
			wantCause:  attempt.ErrNotJSON,
		},
		{
			name: "body over the cap, streamed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(big[:1000]))
				http.NewResponseController(w).Flush() // chunked: no length declared
				w.Write([]byte(big[1000:]))
			},
			opts:       []Option{WithMaxBodyBytes(1024)},
			wantStatus: 200,
			wantCause:  ErrBodyTooLarge,
		},
		{
			name: "body over the cap, declared",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(big)))
				w.Write([]byte(big))
			},
			opts:       []Option{WithMaxBodyBytes(1024)},
			wantStatus: 200,
			wantCause:  ErrBodyTooLarge,
		},
		{
			name: "endless body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"tokens":[`))
				chunk := []byte(strings.Repeat(" ", 32<<10))
				for { // until the client hangs up
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			opts:       []Option{WithMaxBodyBytes(64 << 10)},
			wantStatus: 200,
			wantCause:  ErrBodyTooLarge,
		},
		{
			name: "error body over the cap",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusForbidden)
				w.Write([]byte(strings.Repeat("no ", 1000)))
			},
			opts:       []Option{WithMaxBodyBytes(1024)},
			wantStatus: 403,
			wantCause:  ErrBodyTooLarge,
			wantBody:   "no no no",
		},
		{
			name: "large error page under the cap",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte("<html>" + strings.Repeat("<p>oops</p>", 20000) + "</html>")) // ~220 KB
			},
			wantStatus: 500,
			wantBody:   "<html><p>oops",
		},
		{
			name: "401 with a message and a request id",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req_abc123")
				writeJSON(t, w, http.StatusUnauthorized, map[string]string{"message": "Invalid API key"})
			},
			wantStatus: 401,
			wantMsg:    "Invalid API key",
			wantReqID:  "req_abc123",
			wantInErr:  "lettatokens: HTTP 401 Unauthorized: Invalid API key (request id req_abc123)",
		},
		{
			name: "request-id header",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Request-Id", "req_xyz")
				writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "Not found"})
			},
			wantStatus: 404,
			wantMsg:    "Not found",
			wantReqID:  "req_xyz",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			c, _ := newTestClient(t, srv, append([]Option{WithMaxRetries(0)}, tt.opts...)...)
			resp, err := c.ListTokens(context.Background(), ListOptions{})
			if resp != nil {
				t.Errorf("got a response %+v alongside the error", resp)
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if apiErr.StatusCode != tt.wantStatus {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, tt.wantStatus)
			}
			if tt.wantCause != nil && !errors.Is(err, tt.wantCause) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.wantCause)
			}
			if tt.wantCause != ErrBodyTooLarge && errors.Is(err, ErrBodyTooLarge) {
				t.Errorf("err = %v: a body under the cap is not too large", err)
			}
			if apiErr.Message != tt.wantMsg {
				t.Errorf("Message = %q, want %q", apiErr.Message, tt.wantMsg)
			}
			if apiErr.RequestID != tt.wantReqID {
				t.Errorf("RequestID = %q, want %q", apiErr.RequestID, tt.wantReqID)
			}
			if !strings.Contains(apiErr.Body, tt.wantBody) {
				t.Errorf("Body = %q, want it to contain %q", apiErr.Body, tt.wantBody)
			}
			if len(apiErr.Body) > maxBodyExcerpt+len("…") {
				t.Errorf("Body is %d bytes, want at most %d", len(apiErr.Body), maxBodyExcerpt)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantInErr) {
				t.Errorf("Error() = %q, want it to contain %q", msg, tt.wantInErr)
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Errorf("Error() = %q is not one line", msg)
			}
			if strings.Contains(msg, "ck-let-SECRET") {
				t.Errorf("Error() = %q leaks a token", msg)
			}
		})
	}
}

// TestErrorsNeverContainSecrets: whatever the server echoes where
// (message, body past the excerpt's end, request id, Content-Type,
// redirect target), no error of a list or a delete shows the API key, a
// token (one of known shape is redacted to its prefix), or the token a
// delete names, of any shape, escaped or not; nor does a transport error.
func TestErrorsNeverContainSecrets(t *testing.T) {
	secrets := []string{testAPIKey, testAPIKey[:20], "SECRET", awkwardToken, url.PathEscape(awkwardToken), url.QueryEscape(awkwardToken)}
	// echo is everything secret a request shows the server: the key, and
	// the token a delete names (as the server's router unescapes it); and
	// a token of its own.
	named := func(r *http.Request) string { return strings.TrimPrefix(r.URL.Path, tokenPathPrefix) }
	echo := func(r *http.Request) string {
		return r.Header.Get("Authorization") + " for token " + echoedToken + " " + named(r)
	}
	elsewhere := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"message, body and request id", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "req-"+echo(r))
			writeJSON(t, w, http.StatusBadRequest, map[string]any{
				"message": "bad " + echo(r),
				"path":    r.URL.EscapedPath(),
				"detail":  strings.Repeat("pad ", 120) + echo(r), // straddles the excerpt's end
			})
		}},
		{"content type of a 404", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; x="+url.PathEscape(named(r)))
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "not deleted "+echo(r))
		}},
		{"redirect elsewhere", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.EscapedPath()+"?t="+url.QueryEscape(echo(r)), http.StatusTemporaryRedirect)
		}},
		{"connection closed", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}},
	} {
		srv := newServer(t, tt.handler)
		c, _ := newTestClient(t, srv, WithMaxRetries(0))
		_, listErr := c.ListTokens(t.Context(), ListOptions{})
		for call, err := range map[string]error{"list": listErr, "delete": c.DeleteToken(t.Context(), awkwardToken)} {
			if err == nil {
				t.Fatalf("%s, %s: want an error", tt.name, call)
			}
			texts := map[string]string{"Error()": err.Error()}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				texts["Message"], texts["Body"], texts["RequestID"] = apiErr.Message, apiErr.Body, apiErr.RequestID
			}
			for name, text := range texts {
				for _, secret := range secrets {
					if strings.Contains(text, secret) {
						t.Errorf("%s, %s: %s = %q contains %q", tt.name, call, name, text, secret)
					}
				}
			}
			if tt.name == "message, body and request id" && !strings.Contains(apiErr.Message, "ck-let-S…") {
				t.Errorf("%s: Message = %q, want the token redacted to its prefix", call, apiErr.Message)
			}
		}
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{StatusCode: 429, Message: "Slow down"}, "lettatokens: HTTP 429 Too Many Requests: Slow down"},
		{&Error{StatusCode: 599, Body: "weird"}, "lettatokens: HTTP 599: weird"},
		{&Error{Err: errors.New("dial tcp: refused")}, "lettatokens: request failed: dial tcp: refused"},
		{&Error{StatusCode: 200, Body: "<html>", Err: attempt.ErrNotJSON, RequestID: "r1"}, "lettatokens: HTTP 200 OK: response is not JSON (request id r1)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// hasControl reports whether s holds a byte or rune a terminal would act on
// rather than print: C0 and C1 controls, DEL, or invalid UTF-8.
func hasControl(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 })
}

// TestServerStringsAreEscapedAndCapped: Message, RequestID and Body come
// from the server, which may send terminal escapes, a newline followed by
// a forged log line, or a megabyte. Each field, and Error(), must stay one
// short line with every control character escaped, and show nothing
// token-shaped once escaped.
func TestServerStringsAreEscapedAndCapped(t *testing.T) {
	const forged = "\nlettatokens: all good, nothing to see"
	long := strings.Repeat("A", 32<<10) // under the 64 KB read of an error body
	tests := []struct {
		name      string
		status    int
		ctype     string
		body      string
		requestID string
		// substrings each field must contain, escaped, so that the
		// server's meaning is kept
		wantMsg, wantBody, wantReqID string
	}{
		{
			name: "escape sequence in the message", status: 400,
			body:    `{"message":"bad limit \u001b[2J\u001b[31mERROR"}`,
			wantMsg: `bad limit \x1b[2J\x1b[31mERROR`,
		},
		{
			name: "forged line in the message", status: 400,
			body:    `{"message":` + strconv.Quote("bad limit"+forged) + `}`,
			wantMsg: `bad limit\nlettatokens: all good`,
		},
		{
			name: "C1 control and bidi override in the message", status: 400,
			body:    `{"message":"a\u009bb\u202ec"}`,
			wantMsg: `a\x9bb\u202ec`,
		},
		{
			name: "32 KB message", status: 400,
			body:    `{"message":"` + long + `"}`,
			wantMsg: "AAAA",
		},
		{
			name: "escape sequence in an HTML page", status: 502, ctype: "text/html",
			body:     "<title>\x1b]0;owned\x07</title>",
			wantBody: `<title>\x1b]0;owned\x07</title>`,
		},
		{
			// net/http refuses C0 controls in a header, not the rest.
			name: "bidi override and invalid UTF-8 in the request id", status: 404,
			body: `{"message":"nope"}`, requestID: "req\u202e1_\xff",
			wantReqID: `req\u202e1_\xff`,
		},
		{
			name: "huge request id", status: 404,
			body: `{"message":"nope"}`, requestID: strings.Repeat("r", 64<<10),
			wantReqID: "rrrr",
		},
		// "ck-let-" and control bytes is not token-shaped, but escaped
		// ("ck-let-\x1c\x1cBBBB...") it is.
		{
			name: "control bytes in a token in the message", status: 400,
			body:    `{"message":"ck-let-\u001c\u001cBBBBBBBBBBBBBBBBBBBBBBBB"}`,
			wantMsg: `ck-let-`,
		},
		{
			name: "control bytes in a token in the body", status: 400, ctype: "text/plain",
			body:     "ck-let-\x1c\x1cBBBBBBBBBBBBBBBBBBBBBBBB",
			wantBody: `ck-let-`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.requestID != "" {
					w.Header()["X-Request-Id"] = []string{tt.requestID}
				}
				w.Header().Set("Content-Type", cmp.Or(tt.ctype, "application/json"))
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			c, _ := newTestClient(t, srv, WithMaxRetries(0))
			_, err := c.ListTokens(context.Background(), ListOptions{})
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status {
				t.Fatalf("err = %v, want an *Error with status %d", err, tt.status)
			}
			for _, f := range []struct {
				name, got, want string
				limit           int
			}{
				{"Message", apiErr.Message, tt.wantMsg, redact.MaxLine},
				{"RequestID", apiErr.RequestID, tt.wantReqID, redact.MaxLine},
				{"Body", apiErr.Body, tt.wantBody, maxBodyExcerpt},
				{"Error()", err.Error(), "", 2048},
			} {
				if hasControl(f.got) || strings.Contains(f.got, "\u202e") {
					t.Errorf("%s = %q holds a control character", f.name, f.got)
				}
				if len(f.got) > f.limit+len("…") {
					t.Errorf("%s is %d bytes, want at most %d", f.name, len(f.got), f.limit)
				}
				if !strings.Contains(f.got, f.want) {
					t.Errorf("%s = %q, want it to contain %q", f.name, f.got, f.want)
				}
				if strings.Contains(f.got, "BBBBBBBBBBBB") || redact.NewMasker("").Holds(f.got) {
					t.Errorf("%s = %q shows a token-shaped value", f.name, f.got)
				}
			}
			if strings.Contains(err.Error(), forged) {
				t.Errorf("Error() = %q carries the forged line", err)
			}
		})
	}
}

// TestErrorStringEscapesFieldsSetByHand: an *Error built by other code
// (with fields that were never cleaned) still prints as one safe line.
func TestErrorStringEscapesFieldsSetByHand(t *testing.T) {
	e := &Error{StatusCode: 400, Message: "x\x1b[2J\ny", RequestID: "r\x07", Err: errors.New("cause\x1b[0m\r\n" + strings.Repeat("c", 1<<20))}
	got := e.Error()
	if hasControl(got) || len(got) > 2048 {
		t.Errorf("Error() = %.300q (%d bytes), want one short line without control characters", got, len(got))
	}
}

// TestErrorBodyBreaksOff: an unusable answer whose body breaks off is no
// complete answer: a 400 so cut is unavailable, not rejected, its cause
// the read's error. A 2xx HTML page so cut is still not JSON: drift, its
// cause attempt.ErrNotJSON, whatever happened to the rest of it. Neither is sent
// again.
func TestErrorBodyBreaksOff(t *testing.T) {
	for _, tc := range []struct {
		status      int
		contentType string
		cause       error
		kind        Kind
	}{
		{http.StatusBadRequest, "application/json", io.ErrUnexpectedEOF, KindUnavailable},
		{http.StatusOK, "text/html", attempt.ErrNotJSON, KindUndocumented},
	} {
		var n counter
		c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
			n.inc()
			resp := fakeAnswer(req, tc.status, tc.contentType, nil)
			resp.Body = io.NopCloser(brokenBody{strings.NewReader(`<html><title>half`)})
			return resp, nil
		}))
		_, err := c.ListTokens(t.Context(), ListOptions{})
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || !errors.Is(err, tc.cause) {
			t.Errorf("%d %s: err = %v, want an *Error %d wrapping %v", tc.status, tc.contentType, err, tc.status, tc.cause)
		}
		if k := KindOf(err); k != tc.kind || n.count() != 1 {
			t.Errorf("%d %s: KindOf = %s after %d requests, want %s after 1", tc.status, tc.contentType, k, n.count(), tc.kind)
		}
	}
}
