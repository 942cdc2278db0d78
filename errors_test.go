package lettatokens

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
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
			name: "body shorter than its Content-Length",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "100")
				w.Write([]byte(`{"tokens":[`))
			},
			wantStatus: 200,
			wantInErr:  "reading response body",
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
			wantCause:  errNotJSON,
			wantBody:   "Please log in",
		},
		{
			name: "JSON without a Content-Type",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = nil // stop net/http from sniffing one
				w.Write([]byte(`{"tokens":[],"hasNextPage":false}`))
			},
			wantStatus: 200,
			wantCause:  errNotJSON,
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
			resp, err := c.ListClientSideAccessTokensWithResponse(context.Background(), nil)
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

func TestDecodeErrorIsAJSONError(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"tokens":"not a list","hasNextPage":false}`))
	})
	c, _ := newTestClient(t, srv)
	_, err := c.ListClientSideAccessTokensWithResponse(context.Background(), nil)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		t.Fatalf("err = %v, want it to wrap a *json.UnmarshalTypeError", err)
	}
}

func TestErrorsNeverContainSecrets(t *testing.T) {
	// The server echoes everything secret it can: the Authorization header
	// and a token, in the message, in the body, and in the request id.
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Request-Id", "req-"+testAPIKey)
		writeJSON(t, w, http.StatusBadRequest, map[string]any{
			"message": "bad " + auth + " for token " + echoedToken,
			"detail":  strings.Repeat("pad ", 120) + auth + " " + echoedToken, // straddles the excerpt's end
		})
	})
	c, _ := newTestClient(t, srv)
	_, err := c.ListClientSideAccessTokensWithResponse(context.Background(), nil)
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *Error", err)
	}
	for name, text := range map[string]string{
		"Error()":   err.Error(),
		"Message":   apiErr.Message,
		"Body":      apiErr.Body,
		"RequestID": apiErr.RequestID,
	} {
		for _, secret := range []string{testAPIKey, echoedToken, testAPIKey[:20], "SECRETSECRET"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s = %q contains %q", name, text, secret)
			}
		}
	}
	if !strings.Contains(apiErr.Message, "ck-let-S…") {
		t.Errorf("Message = %q, want the token redacted to its prefix", apiErr.Message)
	}
}

func TestRawGeneratedMethodSeesErrors(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusInternalServerError, map[string]string{"message": "boom"})
	})
	c, _ := newTestClient(t, srv, WithMaxRetries(0))
	// The embedded generated client's own methods go through the same doer.
	resp, err := c.ClientWithResponses.ListClientSideAccessTokensWithResponse(context.Background(), nil)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Message != "boom" {
		t.Fatalf("resp %+v, err %v; want *Error 500 boom", resp, err)
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
		{&Error{StatusCode: 200, Body: "<html>", Err: errNotJSON, RequestID: "r1"}, "lettatokens: HTTP 200 OK: response is not JSON (request id r1)"},
		{&Error{StatusCode: 500, Err: errors.New("leak " + echoedToken)}, "lettatokens: HTTP 500 Internal Server Error: leak " + RedactToken(echoedToken)},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestLargeErrorPageUnderCapIsNotTooLarge(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("<html>" + strings.Repeat("<p>oops</p>", 20000) + "</html>")) // ~220 KB
	})
	c, _ := newTestClient(t, srv, WithMaxRetries(0))
	_, err := c.ListClientSideAccessTokensWithResponse(context.Background(), nil)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !strings.HasPrefix(apiErr.Body, "<html><p>oops") {
		t.Fatalf("err = %v, want *Error 500 with an excerpt of the page", err)
	}
	if errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("err = %v: a page under the cap is not too large", err)
	}
}
