package lettatokens

import "testing"

// The wrappers are the redact package's functions; redact's own tests cover
// the rules. This keeps the two from drifting apart.
func TestRedactWrappers(t *testing.T) {
	const token = "ck-let-mock-000042-0123456789abcdef"
	if got := RedactToken(token); got != "ck-let-m…cdef" {
		t.Errorf("RedactToken = %q", got)
	}
	if got := RedactSecrets("key my-custom-key-0123 and "+token, "my-custom-key-0123"); got != "key my-custo… and ck-let-m…cdef" {
		t.Errorf("RedactSecrets = %q", got)
	}
}
