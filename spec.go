package lettatokens

import _ "embed"

// OpenAPISpec is openapi.yaml, the description this module is generated from
// and validates against, embedded so that callers and the contract package
// load it without file paths. Treat it as read-only.
//
//go:embed openapi.yaml
var OpenAPISpec []byte
