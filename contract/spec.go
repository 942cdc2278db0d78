package contract

import (
	"context"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	lettatokens "github.com/letta-tokens/letta-tokens"
)

// Spec returns the module's embedded OpenAPI description, loaded and
// validated once per process. Callers must not modify it.
var Spec = sync.OnceValues(func() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(lettatokens.OpenAPISpec)
	if err != nil {
		return nil, fmt.Errorf("contract: load embedded openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contract: embedded openapi.yaml is invalid: %w", err)
	}
	return doc, nil
})
