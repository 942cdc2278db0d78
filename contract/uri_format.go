package contract

import (
	"errors"
	"net/url"
)

// uriFormat checks the "uri" string format (RFC 3986 URI: a scheme, then
// the rest), which kin leaves unchecked unless told how. Its errors never
// quote the value.
type uriFormat struct{}

var errNotURI = errors.New("not an absolute URI")

func (uriFormat) Validate(value string) error {
	u, err := url.Parse(value)
	if err != nil || u.Scheme == "" {
		return errNotURI
	}
	return nil
}
