package contract

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/letta-tokens/letta-tokens/gen/server"
)

func TestEmbeddedSpecIsValid(t *testing.T) {
	doc, err := loadSpec()
	if err != nil {
		t.Fatalf("loadSpec: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	op := doc.Paths.Find("/v1/client-side-access-tokens").Get
	if op == nil || op.OperationID != "listClientSideAccessTokens" {
		t.Fatalf("GET /v1/client-side-access-tokens missing or misnamed")
	}
	for name, want := range map[string]any{"limit": float64(10), "offset": float64(0)} {
		p := op.Parameters.GetByInAndName("query", name)
		if p == nil || !p.Schema.Value.Type.Is("integer") || p.Schema.Value.Default != want || p.Schema.Value.Min == nil || *p.Schema.Value.Min != 0 {
			t.Errorf("query parameter %s: want integer, default %v, minimum 0", name, want)
		}
	}
	// Named schemas only: an inline object or enum would generate an
	// anonymous Go type that callers cannot name.
	for name, ref := range doc.Components.Schemas {
		for prop, p := range ref.Value.Properties {
			if p.Ref == "" && (p.Value.Type.Is("object") || len(p.Value.Enum) > 0) {
				t.Errorf("%s.%s is an inline object or enum; name it under components", name, prop)
			}
			if p.Value.Items != nil && p.Value.Items.Ref == "" && (p.Value.Items.Value.Type.Is("object") || len(p.Value.Items.Value.Enum) > 0) {
				t.Errorf("%s.%s[] is an inline object or enum; name it under components", name, prop)
			}
		}
		if ap := ref.Value.AdditionalProperties.Has; ap != nil && !*ap {
			t.Errorf("%s sets additionalProperties: false, which breaks callers on additive changes", name)
		}
	}
	if f := doc.Components.Schemas["Token"].Value.Properties["expiresAt"].Value.Format; f != "" {
		t.Errorf("Token.expiresAt has format %q; upstream promises none", f)
	}
	if again, _ := loadSpec(); again != doc {
		t.Errorf("loadSpec() must parse once and return the same document")
	}
}

// TestEmbeddedSpecIsTheFile: the document gen/server embeds is openapi.yaml as it
// is on disk, so that validation never runs against a stale copy (go
// generate was not re-run after an edit).
func TestEmbeddedSpecIsTheFile(t *testing.T) {
	file, err := openapi3.NewLoader().LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("the spec embedded in gen/server differs from openapi.yaml: run go generate ./...")
	}
}

// TestSpecCopiesAreTheCallers: the spec a caller can get (gen/server's
// GetSpec) is a fresh document per call, so changing it changes neither
// another caller's copy nor the document the validators share.
func TestSpecCopiesAreTheCallers(t *testing.T) {
	shared, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	mine, err := server.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	if mine == shared {
		t.Fatal("GetSpec returned the validators' document")
	}
	mine.Components.Schemas["Token"].Value.Properties["token"].Value.MinLength = 1 << 20
	delete(mine.Components.Schemas, "TokenPage")
	theirs, err := server.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]*openapi3.T{"the validators' document": shared, "another GetSpec": theirs} {
		if doc.Components.Schemas["TokenPage"] == nil || doc.Components.Schemas["Token"].Value.Properties["token"].Value.MinLength == 1<<20 {
			t.Errorf("a change to one caller's copy shows in %s", name)
		}
	}
}

// ValidateResponse visits bodies without kin's VisitAsResponse, which
// checks writeOnly properties only, and does not call openapi3filter's
// ValidateResponse, which (the body aside) checks declared headers only: a
// spec that declares either needs them.
func TestSpecDeclaresNoWriteOnlyOrResponseHeaders(t *testing.T) {
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"writeOnly"`, `"headers"`} {
		if bytes.Contains(raw, []byte(key)) {
			t.Errorf("the spec declares %s; validate responses with kin's VisitAsResponse and ValidateResponse", key)
		}
	}
}
