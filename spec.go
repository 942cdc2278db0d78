package lettatokens

import "regexp"

// hostnamePattern is the pattern openapi.yaml gives
// CreateTokenRequest.hostname. It is written here rather than read from the
// embedded spec so that the client links no spec loader (kin-openapi and
// its YAML and JSON Schema libraries live in gen/server, for the validator
// and the mock); TestHostnamePatternIsTheSpecs keeps it equal to the spec.
const hostnamePattern = `^(http|https):\/\/`

// hostnameRule is hostnamePattern, compiled once.
var hostnameRule = regexp.MustCompile(hostnamePattern)

// collectionPath is the path of the collection, under the base URL; a
// token's own path is tokenPathPrefix, then the token, escaped.
const (
	collectionPath  = "/v1/client-side-access-tokens"
	tokenPathPrefix = collectionPath + "/"
)
