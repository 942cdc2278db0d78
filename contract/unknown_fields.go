package contract

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// unknownFields reports, as additive drift, every object member the schema
// does not declare, at any depth. The spec deliberately leaves
// additionalProperties open so that such fields never fail a caller; this is
// how the suite still notices them. Findings come sorted by pointer.
func (v *Validator) unknownFields(schema *openapi3.Schema, value any) Findings {
	var out Findings
	v.walkUnknown(schema, value, make([]string, 0, 8), &out)
	slices.SortFunc(out, func(a, b Finding) int { return strings.Compare(a.Pointer, b.Pointer) })
	return out
}

// walkUnknown appends findings to out. path is the pointer's segments; it
// is only turned into a string for a finding, so a conformant body costs no
// string building.
func (v *Validator) walkUnknown(schema *openapi3.Schema, value any, path []string, out *Findings) {
	if schema == nil {
		return
	}
	switch val := value.(type) {
	case map[string]any:
		props, ok := declaredProperties(schema)
		if !ok {
			return // a map type, or not an object schema (a type finding covers that)
		}
		for name, child := range val {
			ref, known := props[name]
			if !known {
				*out = append(*out, Finding{Check: CheckUnknownField, Severity: Additive, Pointer: v.pointer(append(path, name)...),
					Message: fmt.Sprintf("field %s is not in the spec (%s); add it to openapi.yaml", v.quote(name), jsonKind(child))})
				continue
			}
			if ref != nil {
				v.walkUnknown(ref.Value, child, append(path, name), out)
			}
		}
	case []any:
		if schema.Items == nil {
			return
		}
		for i, item := range val {
			v.walkUnknown(schema.Items.Value, item, append(path, strconv.Itoa(i)), out)
		}
	}
}

// declaredProperties gives the properties a value may have under s, merged
// across allOf/oneOf/anyOf branches. ok is false when any key is allowed (a
// map type) or the schema declares no properties at all.
func declaredProperties(s *openapi3.Schema) (props openapi3.Schemas, ok bool) {
	if s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has || s.AdditionalProperties.Schema != nil {
		return nil, false
	}
	if len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) == 0 {
		return s.Properties, len(s.Properties) > 0 // the common case: no copy
	}
	merged := maps.Clone(s.Properties)
	if merged == nil {
		merged = openapi3.Schemas{}
	}
	for _, ref := range slices.Concat(s.AllOf, s.OneOf, s.AnyOf) {
		if ref != nil && ref.Value != nil {
			branch, _ := declaredProperties(ref.Value)
			maps.Copy(merged, branch)
		}
	}
	return merged, len(merged) > 0
}
