package lettatokens

import (
	"fmt"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// ExpiresAt parses a token's expiresAt as an RFC 3339 time, with or without
// fractional seconds. The wire type stays a string (see openapi.yaml), so a
// format change on Letta's side is an error here rather than a failed
// decode of the whole page. The error quotes the value made safe to print:
// secrets masked, control characters escaped, at most [redact.MaxLine]
// bytes.
func ExpiresAt(t gen.Token) (time.Time, error) {
	at, err := time.Parse(time.RFC3339Nano, t.ExpiresAt)
	if err != nil {
		// time.ParseError quotes the whole input, which on a malformed page
		// could be a token or a megabyte, so it is not wrapped; the value
		// is redacted, escaped and cut to redact.MaxLine.
		return time.Time{}, fmt.Errorf(`lettatokens: expiresAt "%s" is not an RFC 3339 time`, redact.NewMasker("").Safe(t.ExpiresAt, redact.MaxLine))
	}
	return at, nil
}
