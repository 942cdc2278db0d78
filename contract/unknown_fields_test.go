package contract

import (
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// declaredProperties merges the branches of allOf, oneOf and anyOf, in
// any mix, and says when a schema declares nothing.
func TestDeclaredPropertiesMergesBranches(t *testing.T) {
	branch := func(name string) *openapi3.SchemaRef {
		return openapi3.NewSchemaRef("", &openapi3.Schema{Properties: openapi3.Schemas{name: openapi3.NewSchemaRef("", openapi3.NewStringSchema())}})
	}
	for _, c := range []struct {
		name   string
		schema *openapi3.Schema
		want   string
		ok     bool
	}{
		{"nothing declared", &openapi3.Schema{}, "", false},
		{"branches declaring nothing", &openapi3.Schema{AllOf: openapi3.SchemaRefs{openapi3.NewSchemaRef("", &openapi3.Schema{})}}, "", false},
		{"own only", &openapi3.Schema{Properties: branch("own").Value.Properties}, "own", true},
		{"allOf only", &openapi3.Schema{AllOf: openapi3.SchemaRefs{branch("a")}}, "a", true},
		{"allOf and oneOf", &openapi3.Schema{AllOf: openapi3.SchemaRefs{branch("a")}, OneOf: openapi3.SchemaRefs{branch("b")}}, "a,b", true},
		{"oneOf and anyOf", &openapi3.Schema{OneOf: openapi3.SchemaRefs{branch("b")}, AnyOf: openapi3.SchemaRefs{branch("c")}}, "b,c", true},
		{"own and anyOf", &openapi3.Schema{Properties: branch("own").Value.Properties, AnyOf: openapi3.SchemaRefs{branch("c")}}, "c,own", true},
	} {
		props, ok := declaredProperties(c.schema)
		var names []string
		for k := range props {
			names = append(names, k)
		}
		sort.Strings(names)
		if got := strings.Join(names, ","); got != c.want || ok != c.ok {
			t.Errorf("%s: %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
