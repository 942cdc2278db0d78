package contract

import (
	"context"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/letta-tokens/letta-tokens/gen/server"
)

// Spec returns the module's OpenAPI description (openapi.yaml, embedded in
// package gen/server when it is generated), loaded and validated once per process:
// every call returns the same document. Callers must not modify it.
func Spec() (*openapi3.T, error) { return loadSpec() }

// loadSpec is behind a function, not exported itself, so that no caller
// can swap the document every validator in the process uses.
var loadSpec = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := server.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("contract: load embedded openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contract: embedded openapi.yaml is invalid: %w", err)
	}
	return doc, nil
})
