package contract

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// unknownFields reports, as additive drift, every object member the schema
// does not declare, at any depth. The spec deliberately leaves
// additionalProperties open so that such fields never fail a caller; this is
// how the suite still notices them.
func unknownFields(schema *openapi3.Schema, value any, pointer string) Findings {
	if schema == nil {
		return nil
	}
	switch val := value.(type) {
	case map[string]any:
		props := declaredProperties(schema)
		if props == nil {
			return nil // not an object schema: a type finding covers it
		}
		var out Findings
		for _, name := range sortedKeys(val) {
			child := jsonPointer(name)
			if ref, ok := props[name]; ok {
				if ref != nil {
					out = append(out, unknownFields(ref.Value, val[name], pointer+child)...)
				}
				continue
			}
			out = append(out, Finding{
				Check:    CheckUnknownField,
				Severity: Additive,
				Pointer:  pointer + child,
				Message:  fmt.Sprintf("field %q is not in the spec (%s); add it to openapi.yaml", name, jsonKind(val[name])),
			})
		}
		return out
	case []any:
		if schema.Items == nil {
			return nil
		}
		var out Findings
		for i, item := range val {
			out = append(out, unknownFields(schema.Items.Value, item, pointer+"/"+strconv.Itoa(i))...)
		}
		return out
	}
	return nil
}

// declaredProperties merges the properties a value may have under schema,
// across allOf/oneOf/anyOf branches. nil means the schema declares none.
func declaredProperties(s *openapi3.Schema) openapi3.Schemas {
	if s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has || s.AdditionalProperties.Schema != nil {
		return nil // a map type: any key is declared
	}
	var props openapi3.Schemas
	add := func(ps openapi3.Schemas) {
		for k, v := range ps {
			if props == nil {
				props = openapi3.Schemas{}
			}
			props[k] = v
		}
	}
	add(s.Properties)
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, ref := range group {
			if ref != nil && ref.Value != nil {
				add(declaredProperties(ref.Value))
			}
		}
	}
	return props
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
