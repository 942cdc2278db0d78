package mock

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// loadSpec reads the module's openapi.yaml from disk, not through another
// package, so these checks do not depend on code in flight elsewhere.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestDefaultsMatchSpec(t *testing.T) {
	op := loadSpec(t).Paths.Find("/v1/client-side-access-tokens").Get
	for name, want := range map[string]int{"limit": DefaultLimit, "offset": DefaultOffset} {
		p := op.Parameters.GetByInAndName("query", name)
		if p == nil || p.Schema == nil || p.Schema.Value == nil {
			t.Fatalf("spec has no query parameter %q", name)
		}
		if got, ok := p.Schema.Value.Default.(float64); !ok || int(got) != want {
			t.Errorf("spec's default for %s is %v, the mock's %d", name, p.Schema.Value.Default, want)
		}
	}
}
