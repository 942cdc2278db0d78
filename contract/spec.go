package contract

import (
	"context"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/letta-tokens/letta-tokens/gen/server"
)

// loadSpec returns the module's OpenAPI description (openapi.yaml,
// embedded in package gen/server when it is generated), loaded and
// validated once per process: every validator shares the document. It is
// not exported, so that no caller can change that document under every
// validator; a caller that wants the spec takes its own copy from
// gen/server's GetSpec, which decodes a fresh one per call.
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
