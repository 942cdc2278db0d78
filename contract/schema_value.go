package contract

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// ValidateValue checks value, a decoded JSON document (as encoding/json
// decodes into an any), against the spec's component schema named schema
// ("Token"), and words each violation as response findings are: a pointer
// into value and a message that never quotes a secret. Findings come
// sorted by pointer. It serves the mock, which checks the tokens it is
// given with the spec's own schema rather than rules of its own, so that
// the two word schema errors the same way.
func (v *Validator) ValidateValue(schema string, value any) (Findings, error) {
	ref := v.doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("contract: the spec has no schema %q", schema)
	}
	err := ref.Value.VisitJSON(value, openapi3.MultiErrors(), openapi3.WithStringFormatValidator("uri", uriFormat{}))
	if err == nil {
		return nil, nil
	}
	fs := v.schemaFindings(err)
	slices.SortStableFunc(fs, func(a, b Finding) int { return cmp.Compare(a.Pointer, b.Pointer) })
	return v.redactAll(capFindings(fs), nil), nil
}
