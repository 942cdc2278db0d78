package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// MaxRequestBodyBytes is the largest request body ValidateRequest reads. A
// longer one is reported, not validated: the validator holds no more than
// this of any request.
const MaxRequestBodyBytes = 1 << 20

// readRequestBody reads at most MaxRequestBodyBytes+1 of r's body for
// validation and leaves r able to send or serve it whole: a client's
// request is read through GetBody and left untouched (a RoundTripper must
// not change its request); a server's, which can be read once only, gets a
// body that replays what was read, then the rest.
func readRequestBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(io.LimitReader(rc, MaxRequestBodyBytes+1))
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBodyBytes+1))
	r.Body = replayBody{Reader: io.MultiReader(bytes.NewReader(data), r.Body), Closer: r.Body}
	return data, err
}

// replayBody is a body put back after validation read its start.
type replayBody struct {
	io.Reader
	io.Closer
}

// forKin is a shallow copy of r whose body is data: kin reads and replaces
// the body it is given, and must do neither to the caller's request.
func forKin(r *http.Request, data []byte) *http.Request {
	k := r.WithContext(r.Context())
	k.Body, k.GetBody, k.ContentLength = http.NoBody, nil, 0
	if len(data) > 0 {
		k.Body, k.ContentLength = io.NopCloser(bytes.NewReader(data)), int64(len(data))
	}
	return k
}

// bodyFindings words kin's request body error: one finding per schema
// violation, its pointer under /body and its message naming the field, as
// response schema findings do; never SchemaError.Error(), which quotes the
// value (a secret, perhaps) and the whole schema.
func (v *Validator) bodyFindings(re *openapi3filter.RequestError) Findings {
	var out Findings
	for _, e := range flatten(re.Err) {
		se, ok := e.(*openapi3.SchemaError)
		if !ok {
			continue
		}
		field := v.schemaPointer(se)
		where := "request body"
		if field != "" {
			where += " " + field
		}
		out = append(out, Finding{Check: CheckRequest, Severity: Breaking, Pointer: "/body" + field, Message: where + ": " + v.schemaReason(se)})
	}
	if len(out) > 0 {
		return out
	}
	// Not a schema violation: no body where one is required, a body that
	// is not JSON, or another Content-Type. kin's reason, and of its wrapped
	// error only the JSON parser's, which quotes at most one character.
	reason := re.Reason
	var syntax *json.SyntaxError
	switch {
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		reason = "a body is required"
	case errors.As(re.Err, &syntax):
		reason += ": " + jsonErrorText(syntax)
	case reason == "":
		reason = "invalid"
	}
	return Findings{{Check: CheckRequest, Severity: Breaking, Pointer: "/body", Message: "request body: " + v.safe(reason)}}
}

// paramValues lists the values of a request's path parameters, for
// masking: a path can carry a secret (DELETE .../{token}); the masker
// finds a value percent-encoded too.
func paramValues(params map[string]string) []string {
	return slices.Collect(maps.Values(params))
}

// jsonBodySyntax reports a JSON body (by its Content-Type) that is not one
// JSON value and nothing more.
func (v *Validator) jsonBodySyntax(r *http.Request, body []byte) Findings {
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if len(bytes.TrimSpace(body)) == 0 || (media != "application/json" && !strings.HasSuffix(media, "+json")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var value any
	if err := dec.Decode(&value); err != nil {
		return Findings{{Check: CheckRequest, Severity: Breaking, Pointer: "/body",
			Message: "request body is not valid JSON: " + v.safe(jsonErrorText(err))}}
	}
	if rest := bytes.TrimSpace(body[dec.InputOffset():]); len(rest) > 0 {
		return Findings{{Check: CheckRequest, Severity: Breaking, Pointer: "/body",
			Message: fmt.Sprintf("request body has %d bytes after its JSON value", len(rest))}}
	}
	return nil
}
