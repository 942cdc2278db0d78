package attempt

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
)

// Retryable reports whether an attempt that got resp deserves another: the
// one copy of the rule, which the root package exports. The rule is that
// of Letta's official SDKs: retry an attempt that got no answer, and an
// answer of 408, 409, 429 or 5xx, unless the server says
// otherwise with x-should-retry. A success is final whatever that header
// says. Failures that the next attempt would meet again are final too: a
// redirect the client's policy refused, an unsupported scheme, a malformed
// header, a certificate that does not verify (see transportRetryable).
func Retryable(resp *http.Response) bool {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// As in Letta's SDKs, which consult x-should-retry only on failure.
		return false
	}
	switch strings.ToLower(resp.Header.Get("X-Should-Retry")) {
	case "true":
		return true
	case "false":
		return false
	}
	switch code := resp.StatusCode; {
	case code == http.StatusRequestTimeout,
		code == http.StatusConflict, // Letta's SDKs treat lock conflicts as transient
		code == http.StatusTooManyRequests,
		code >= 500:
		return true
	}
	return false
}

// transportRetryable reports whether an attempt that got no answer, only err,
// deserves another. It does not look at the caller's context: the loop
// checks that first, and never retries once it has ended.
func transportRetryable(err error) bool {
	var certErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	switch {
	case errors.As(err, &certErr), errors.As(err, &authorityErr),
		errors.As(err, &hostErr), errors.As(err, &invalidErr):
		// The certificate will not verify any better next time.
		return false
	}
	// net/http gives these no type of their own, only their wording; each
	// is about the request, which a retry would send unchanged.
	msg := err.Error()
	return !strings.Contains(msg, "unsupported protocol scheme") &&
		!strings.Contains(msg, "invalid header field")
}
