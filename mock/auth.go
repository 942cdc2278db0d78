package mock

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// bearerAuth checks the Authorization header the way Cloud does for API
// keys: Bearer scheme, non-empty credentials, and, when the mock is given a
// key, that key.
type bearerAuth struct {
	// wantHash is the SHA-256 of the configured key, nil for none.
	// Comparing hashes in constant time hides both the key's bytes and
	// its length.
	wantHash *[sha256.Size]byte
}

func newBearerAuth(apiKey string) bearerAuth {
	if apiKey == "" {
		return bearerAuth{}
	}
	sum := sha256.Sum256([]byte(apiKey))
	return bearerAuth{wantHash: &sum}
}

// authenticate reports whether r carries acceptable credentials and, if not,
// the message for the 401. Messages never echo the credentials.
func (a bearerAuth) authenticate(r *http.Request) (message string, ok bool) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return "missing Authorization header: send Authorization: Bearer <API key>", false
	}
	scheme, credentials, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") { // auth schemes are case-insensitive (RFC 9110)
		return "malformed Authorization header: want Bearer <API key>", false
	}
	credentials = strings.TrimSpace(credentials)
	if credentials == "" {
		return "empty bearer token: send Authorization: Bearer <API key>", false
	}
	if a.wantHash != nil {
		got := sha256.Sum256([]byte(credentials))
		if subtle.ConstantTimeCompare(got[:], a.wantHash[:]) != 1 {
			return "invalid API key", false
		}
	}
	return "", true
}
