package lettatokens

import (
	"fmt"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/internal/attempt"
)

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
					got := strings.ToLower(redactedExcerpt(body, maxBodyExcerpt, secrets))
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
