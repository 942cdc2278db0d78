package contract

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// schemaFindings turns kin's error from visiting a body into one finding
// per schema violation. It never calls SchemaError.Error(), whose text
// embeds the whole schema and the offending value (a token, perhaps).
func (v *Validator) schemaFindings(err error) Findings {
	var out Findings
	for _, e := range flatten(err) {
		se, ok := e.(*openapi3.SchemaError)
		if !ok {
			out = append(out, Finding{Check: CheckSchema, Severity: Breaking, Message: v.safe(e.Error())})
			continue
		}
		out = append(out, Finding{Check: CheckSchema, Severity: Breaking, Pointer: v.schemaPointer(se), Message: v.schemaReason(se)})
	}
	return out
}

// schemaPointer is the pointer to the offending value. For a missing required
// property kin points at the object; we point at the property itself, which
// is what a reader looks for.
func (v *Validator) schemaPointer(se *openapi3.SchemaError) string {
	path := se.JSONPointer()
	if se.SchemaField == "required" {
		if name, ok := missingProperty(se.Reason); ok && (len(path) == 0 || path[len(path)-1] != name) {
			path = append(path, name)
		}
	}
	return v.pointer(path...)
}

func missingProperty(reason string) (string, bool) {
	var name string
	if _, err := fmt.Sscanf(reason, "property %q is missing", &name); err != nil {
		return "", false
	}
	return name, true
}

// schemaReason is a one-line description of a violation, safe to print:
// values are quoted only where they are what the spec must learn (an enum
// value), and then made safe.
func (v *Validator) schemaReason(se *openapi3.SchemaError) string {
	switch se.SchemaField {
	case "required":
		if name, ok := missingProperty(se.Reason); ok {
			return fmt.Sprintf("required property %s is missing", v.quote(name))
		}
	case "nullable":
		return "null where the spec does not allow it"
	case "type":
		want := "a value"
		if se.Schema != nil && se.Schema.Type != nil {
			want = strings.Join(*se.Schema.Type, " or ")
		}
		return fmt.Sprintf("want %s, got %s", want, jsonKind(se.Value))
	case "enum":
		// Enum values are not secrets; the value is what the spec must learn.
		var allowed []string
		if se.Schema != nil {
			for _, e := range se.Schema.Enum {
				allowed = append(allowed, fmt.Sprintf("%q", fmt.Sprint(e)))
			}
		}
		return fmt.Sprintf("value %s is not one of the spec's enum values [%s]",
			v.quoteScalar(se.Value), strings.Join(allowed, ", "))
	}
	if se.Reason != "" {
		return v.safe(se.Reason)
	}
	return fmt.Sprintf("does not match the schema's %s", v.quote(se.SchemaField))
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	default:
		return "number"
	}
}

// flatten unpacks kin's MultiError and error wrappers into the leaf errors
// that carry the detail.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	// A type assertion, not errors.As: kin nests a MultiError inside a
	// parameter's RequestError, and errors.As would dig past the
	// RequestError to it, losing which parameter failed.
	if me, ok := err.(openapi3.MultiError); ok {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if re, ok := err.(*openapi3filter.RequestError); ok && re.Parameter == nil && re.Err != nil {
		return flatten(re.Err)
	}
	return []error{err}
}
