package attempt

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"syscall"
	"testing"
)

func TestRetryable(t *testing.T) {
	tests := []struct {
		status      int
		shouldRetry string
		want        bool
	}{
		{200, "", false}, {200, "true", false}, {204, "true", false}, {299, "true", false}, {300, "true", true},
		{400, "", false}, {401, "", false}, {403, "", false}, {404, "", false}, {422, "", false},
		{408, "", true}, {409, "", true}, {429, "", true},
		{500, "", true}, {502, "", true}, {503, "", true}, {599, "", true},
		{503, "false", false}, {429, "FALSE", false}, {400, "true", true}, {404, "True", true},
		{500, "maybe", true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d x-should-retry %q", tt.status, tt.shouldRetry), func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			if tt.shouldRetry != "" {
				resp.Header.Set("X-Should-Retry", tt.shouldRetry)
			}
			if got := Retryable(resp); got != tt.want {
				t.Errorf("Retryable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTransportRetryable(t *testing.T) {
	wrap := func(err error) error { return &url.Error{Op: "Get", URL: "https://example.test", Err: err} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", wrap(syscall.ECONNREFUSED), true},
		{"reset", wrap(syscall.ECONNRESET), true},
		{"unexpected EOF", wrap(io.ErrUnexpectedEOF), true},
		{"unknown authority", wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false},
		{"bare unknown authority", wrap(x509.UnknownAuthorityError{}), false},
		{"hostname mismatch", wrap(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "x"}), false},
		{"expired", wrap(x509.CertificateInvalidError{Reason: x509.Expired}), false},
		{"bad scheme", wrap(errors.New(`unsupported protocol scheme "ftp"`)), false},
		{"bad header", wrap(errors.New(`net/http: invalid header field value for "X"`)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := transportRetryable(tt.err); got != tt.want {
				t.Errorf("transportRetryable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
