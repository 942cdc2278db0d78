package lettatokens

import (
	"strings"
	"testing"
)

func TestRedactToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"short", "…"},
		{"ck-let-0123456789abcdef", "ck-let-0…"},
		{"sk-let-ZZZZZZZZZZZZZZZZ", "sk-let-Z…"},
		{"ck-let-mock-000042-0123456789abcdef", "ck-let-m…cdef"},
	}
	for _, tt := range tests {
		if got := RedactToken(tt.in); got != tt.want {
			t.Errorf("RedactToken(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactSecrets(t *testing.T) {
	const token = "ck-let-SECRETabcdef0123456789"
	const key = "my-custom-api-key-value"
	text := `{"token":"` + token + `"} Authorization: Bearer ` + key + " sk-let-KEYKEYKEYKEYKEY."
	got := RedactSecrets(text, key)
	for _, secret := range []string{token, key, "sk-let-KEYKEYKEYKEYKEY", "SECRET"} {
		if strings.Contains(got, secret) {
			t.Errorf("RedactSecrets left %q in %q", secret, got)
		}
	}
	if !strings.Contains(got, "ck-let-S…6789") || !strings.Contains(got, "my-custo…") {
		t.Errorf("RedactSecrets(%q) = %q: want short prefixes kept", text, got)
	}
	if again := RedactSecrets(got, key); again != got {
		t.Errorf("RedactSecrets is not idempotent: %q then %q", got, again)
	}
}
