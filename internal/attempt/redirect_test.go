package attempt

import (
	"net/url"
	"testing"
)

func TestOrigin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.letta.com", "https://api.letta.com:443"},
		{"HTTPS://API.Letta.com:443/v1?x=1", "https://api.letta.com:443"},
		{"http://127.0.0.1:8080/path", "http://127.0.0.1:8080"},
		{"http://user:pw@example.com/", "http://example.com:80"},
		{"http://[::1]:9/", "http://[::1]:9"},
	}
	for _, tt := range tests {
		if got := Origin(mustParse(t, tt.in)); got != tt.want {
			t.Errorf("Origin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
