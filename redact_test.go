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
	const key = "my-custom-api-key-value/SECRET+0123"
	tests := []struct{ name, text string }{
		{"token in JSON", `{"token":"` + token + `"}`},
		{"key in a header dump", "Authorization: Bearer " + key},
		{"key JSON-escaped", `{"echo":"my-custom-api-key-value\/SECRET+0123"}`},
		{"key URL-encoded", "GET /x?key=my-custom-api-key-value%2FSECRET%2B0123"},
		{"shaped key", "key sk-let-KEYSECRETKEYKEYKEYKEYKEY."},
		{"after an underscore", `{"message":"bad x_` + token + `"}`},
		{"JSON-escaped slash inside a token", `ck-let-abc\/defSECRETghijklmnop`},
		{"percent inside a token", `ck-let-abc%2FdefSECRETghijklmnop`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactSecrets(tt.text, key)
			if strings.Contains(got, "SECRET") {
				t.Errorf("RedactSecrets(%q) = %q: a secret survived", tt.text, got)
			}
			if again := RedactSecrets(got, key); again != got {
				t.Errorf("not idempotent: %q then %q", got, again)
			}
		})
	}
	if got := RedactSecrets("Bearer "+key, key); got != "Bearer my-custo…" {
		t.Errorf("a configured key keeps its prefix only, got %q", got)
	}
	if got := RedactSecrets(`"`+token+`"`, key); got != `"ck-let-S…6789"` {
		t.Errorf("a token keeps prefix and last four, got %q", got)
	}
}
