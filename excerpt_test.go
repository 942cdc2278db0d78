package lettatokens

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/internal/attempt"
)

// Secrets that no shape gives away: a self-hosted server's password used as
// the API key, and a malformed token a caller passed to DeleteToken. Only
// the values the call knows can mask them.
const (
	shapelessKey   = "letta-selfhosted-password-0123456789abcdef"
	shapelessToken = "not-a-token-but-secret-fedcba9876543210"
)

// whiteSpaces are the runs a hostile body can pad a secret with: those
// oneLine collapses (CR, LF, tab), those it keeps or Line escapes, and
// Unicode spaces of two and three bytes.
var whiteSpaces = map[string]string{
	"CRLF":   "\r\n",
	"LF":     "\n",
	"CR":     "\r",
	"tab":    "\t",
	"space":  " ",
	"VT":     "\v",
	"FF":     "\f",
	"NEL":    "\u0085",
	"NBSP":   "\u00a0",
	"EM":     "\u2003",
	"ideo":   "\u3000",
	"mixed":  "\r\n\t \u3000\u00a0",
	"CRLF+x": "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nx",
}

// heavyWhiteSpaces are the kinds tried at the 64 KiB edge: collapsed
// (CRLF, tab), of three bytes, and mixed.
var heavyWhiteSpaces = []string{"CRLF", "tab", "ideo", "mixed"}

// padTo returns white space made of unit, exactly n bytes long (spaces fill
// what a whole unit does not).
func padTo(unit string, n int) string {
	return strings.Repeat(unit, n/len(unit)) + strings.Repeat(" ", n%len(unit))
}

// leaksWindow returns the first 12-byte window of secret found in text.
func leaksWindow(text, secret string) (string, bool) {
	for i := 0; i+12 <= len(secret); i++ {
		if w := secret[i : i+12]; strings.Contains(text, w) {
			return w, true
		}
	}
	return "", false
}

// excerptEdges are the offsets at which a secret may be cut: the excerpt's
// 512 bytes, a scan window of the excerpt plus room for each secret's
// escaped forms, and the cap on what is read of an unusable answer's body.
func excerptEdges(secrets ...string) []int {
	window := maxBodyExcerpt + 128
	for _, s := range secrets {
		window += 3 * len(s)
	}
	return []int{maxBodyExcerpt, window, attempt.MaxErrorBodyRead}
}

// TestExcerptMasksBeforeCutting: a server answers 404 with a text body
// that echoes a secret the call knows but no shape gives away (the key, to
// ListTokens; the token, to DeleteToken) behind white space of every kind,
// at every offset around each edge where the body is cut. No field of the
// *Error, nor its text, holds a 12-byte window of it, and the excerpt
// keeps to its cap: a body cut before white space is collapsed and secrets
// masked would let a run of CRLFs pull a half secret into the 512 bytes.
func TestExcerptMasksBeforeCutting(t *testing.T) {
	var body []byte // the answer to the next call; the calls are sequential
	c, _ := newFakeClient(t, transportFunc(func(req *http.Request) (*http.Response, error) {
		return fakeAnswer(req, http.StatusNotFound, "text/plain; charset=utf-8", body), nil
	}), WithAPIKey(shapelessKey))
	calls := map[string]struct {
		secret string
		call   func() error
	}{
		"ListTokens": {shapelessKey, func() error {
			_, err := c.ListTokens(t.Context(), ListOptions{})
			return err
		}},
		"DeleteToken": {shapelessToken, func() error { return c.DeleteToken(t.Context(), shapelessToken) }},
	}
	edges := append(excerptEdges(shapelessKey), excerptEdges(shapelessKey, shapelessToken)[1])
	for callName, call := range calls {
		for wsName, unit := range whiteSpaces {
			for _, edge := range edges {
				if edge == attempt.MaxErrorBodyRead && !slices.Contains(heavyWhiteSpaces, wsName) {
					continue // 64 KiB a body: the kinds that differ most are enough
				}
				for at := edge - len(call.secret) - 8; at <= edge+8; at++ {
					body = []byte(padTo(unit, at) + call.secret + " tail")
					err := call.call()
					var apiErr *Error
					if !errors.As(err, &apiErr) {
						t.Fatalf("%s: err = %v, want *Error", callName, err)
					}
					if len(apiErr.Body) > maxBodyExcerpt {
						t.Fatalf("%s, %s padding, secret at byte %d: Body is %d bytes, want at most %d", callName, wsName, at, len(apiErr.Body), maxBodyExcerpt)
					}
					fields := map[string]string{
						"Error()": err.Error(), "Body": apiErr.Body, "Message": apiErr.Message, "RequestID": apiErr.RequestID,
					}
					if apiErr.Err != nil {
						fields["Err"] = apiErr.Err.Error()
					}
					for field, text := range fields {
						if w, ok := leaksWindow(text, call.secret); ok {
							t.Fatalf("%s, %s padding, secret at byte %d (edge %d): %s holds %q:\n%q", callName, wsName, at, edge, field, w, text)
						}
					}
				}
			}
		}
	}
}

// TestExcerptKeepsWhatIsNotSecret: masking before cutting must not cost the
// excerpt its use: the start of the body, white space collapsed, the cap
// filled; a body of the read cap or more still shows its start; one whose
// last rune was split where it was read (unusable keeps
// attempt.MaxErrorBodyRead bytes) ends escaped, not in invalid UTF-8.
func TestExcerptKeepsWhatIsNotSecret(t *testing.T) {
	xs := strings.Repeat("x", maxBodyExcerpt-len("<html> <title>502 Bad Gateway</title> …")) + "…" // the cap filled
	tests := map[string]string{
		"<html>\r\n\t<title>502 Bad Gateway</title>\r\n" + strings.Repeat("x", 2000):        "<html> <title>502 Bad Gateway</title> " + xs,
		"<title>Gateway Timeout</title>" + strings.Repeat("\n", attempt.MaxErrorBodyRead):   "<title>Gateway Timeout</title>",
		"<title>Gateway Timeout</title>" + strings.Repeat("\n", attempt.MaxErrorBodyRead+1): "<title>Gateway Timeout</title>",
		"<title>Gateway Timeout</title>" + strings.Repeat("\n", 1<<20):                      "<title>Gateway Timeout</title>",
		strings.Repeat("\n", attempt.MaxErrorBodyRead-1) + "\xc3":                           `\xc3`,
	}
	for body, want := range tests {
		if got := redactedExcerpt([]byte(body), maxBodyExcerpt, keysMasker(shapelessKey)); got != want {
			t.Errorf("excerpt of %.40q… = %.80q…, want %.80q…", body, got, want)
		}
	}
}

// TestSecretCutByTheReadCapIsMasked: an unusable answer's body is read up
// to attempt.MaxErrorBodyRead bytes, which may cut a secret sent behind 64 KiB of
// collapsible white space. Whatever is left of it, plain, JSON- or
// URL-escaped, cut between two characters or inside an escape, shows no
// run of MinWindow (12) characters of it in the excerpt.
func TestSecretCutByTheReadCapIsMasked(t *testing.T) {
	secrets := []string{shapelessKey, shapelessToken}
	escaped := func(format string) func(string) string {
		return func(s string) string {
			var b strings.Builder
			for _, c := range []byte(s) {
				fmt.Fprintf(&b, format, c)
			}
			return b.String()
		}
	}
	forms := map[string]func(string) string{
		"plain": func(s string) string { return s },
		"JSON":  escaped(`\u%04x`),
		"URL":   escaped("%%%02X"),
	}
	for _, secret := range secrets {
		for name, form := range forms {
			per := len(form("x"))                // bytes a character
			for k := 12; k <= len(secret); k++ { // whole characters before the cut
				for _, inside := range []int{0, per / 2} {
					at := attempt.MaxErrorBodyRead - k*per - inside
					body := []byte(padTo("\r\n", at) + form(secret) + " tail")[:attempt.MaxErrorBodyRead]
					got := strings.ToLower(redactedExcerpt(body, maxBodyExcerpt, keysMasker(secrets...)))
					for i := 0; i+12 <= k; i++ {
						if w := strings.ToLower(form(secret[i : i+12])); strings.Contains(got, w) {
							t.Fatalf("%s form, %d characters before the cut: excerpt holds %q: %q", name, k, w, got)
						}
					}
				}
			}
		}
	}
}
