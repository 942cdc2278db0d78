package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/letta-tokens/letta-tokens/redact"
)

// Validator checks exchanges against the embedded spec. It is safe for
// concurrent use.
type Validator struct {
	doc *openapi3.T
	// paths are the spec's paths, most specific first, for routing.
	paths []pathTemplate
	// secrets are extra values (an API key in use) to redact from messages,
	// besides anything shaped like a Letta secret; masker, when given,
	// is the run's, read at each exchange.
	secrets []string
	masker  func() *redact.Masker
}

// ValidatorOption configures a Validator.
type ValidatorOption func(*Validator)

// WithSecrets names values that must never appear in a finding, such as the
// API key in use. Values shaped like Letta secrets are redacted regardless.
func WithSecrets(values ...string) ValidatorOption {
	return func(v *Validator) { v.secrets = append(v.secrets, values...) }
}

// WithMasker masks every finding with the masker of the run, which knows
// its API key (see [redact.NewMasker]): read at each exchange, so that a
// run that learns a secret as it goes (a token it created) hands it on.
// WithSecrets' values are then not used.
func WithMasker(masker func() *redact.Masker) ValidatorOption {
	return func(v *Validator) { v.masker = masker }
}

// NewValidator returns a validator for the embedded spec.
func NewValidator(opts ...ValidatorOption) (*Validator, error) {
	doc, err := loadSpec()
	if err != nil {
		return nil, err
	}
	v := &Validator{doc: doc, paths: newPathTemplates(doc)}
	for _, opt := range opts {
		opt(v)
	}
	if v.masker == nil {
		m := redact.NewMasker("").WithKeys(v.secrets...)
		v.masker = func() *redact.Masker { return m }
	}
	return v, nil
}

// ValidateRequest checks a request's method, path, parameters and JSON
// body. It does not check credentials (see [CheckBearerAuth]). It reads at
// most [MaxRequestBodyBytes] of the body, and leaves the request with its
// whole body to send or serve: a client's request (with GetBody) is not
// changed; a server's gets a body that replays what was read. The values
// of path parameters (a token to delete) are masked in every finding.
func (v *Validator) ValidateRequest(r *http.Request) Findings {
	return v.validateRequest(r, func() ([]byte, error) { return readRequestBody(r) })
}

// ValidateRequestBody is ValidateRequest for a request whose body its
// caller has read whole: body, at most [MaxRequestBodyBytes], is validated
// as the request's, and r.Body is not read.
func (v *Validator) ValidateRequestBody(r *http.Request, body []byte) Findings {
	return v.validateRequest(r, func() ([]byte, error) { return body, nil })
}

// validateRequest reads the body, by readBody, only for an operation that
// has one.
func (v *Validator) validateRequest(r *http.Request, readBody func() ([]byte, error)) Findings {
	route, params, unrouted := v.findRoute(r)
	if unrouted != nil {
		return unrouted
	}
	var body []byte
	if route.Operation.RequestBody != nil {
		var err error
		switch body, err = readBody(); {
		case err != nil:
			return Findings{{Check: CheckRequest, Severity: Breaking, Pointer: "/body", Message: "request body could not be read"}}
		case len(body) > MaxRequestBodyBytes:
			return Findings{{Check: CheckRequest, Severity: Breaking, Pointer: "/body",
				Message: fmt.Sprintf("request body is larger than %d bytes; not validated", MaxRequestBodyBytes)}}
		}
	}
	// kin's JSON decoder stops after the first value, so a body with more
	// after it would pass: the syntax is checked whole here.
	bad := v.jsonBodySyntax(r, body)
	// Every schema error, not just the first; security is checked by us
	// (kin would need a live authenticator); request defaults are not
	// written back into the caller's request; kin checks no "uri" format of
	// its own, and the spec's hostname has one.
	opts := &openapi3filter.Options{
		MultiError:              true,
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SkipSettingDefaults:     true,
		ExcludeRequestBody:      bad != nil,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidator("uri", uriFormat{})},
	}
	input := &openapi3filter.RequestValidationInput{Request: forKin(r, body), PathParams: params, Route: route, Options: opts}
	err := openapi3filter.ValidateRequest(context.Background(), input)
	return v.redactAll(capFindings(append(bad, v.requestFindings(err)...)), paramValues(params))
}

func (v *Validator) requestFindings(err error) Findings {
	if err == nil {
		return nil
	}
	// The errors kin collected, one per parameter and one for the body,
	// without looking inside them.
	top := []error{err}
	if me, ok := err.(openapi3.MultiError); ok {
		top = me
	}
	var out Findings
	for _, e := range top {
		if re, ok := e.(*openapi3filter.RequestError); ok && re.RequestBody != nil {
			out = append(out, v.bodyFindings(re)...)
			continue
		}
		out = append(out, v.paramFindings(e)...)
	}
	return out
}

func (v *Validator) paramFindings(err error) Findings {
	var out Findings
	for _, e := range flatten(err) {
		re, ok := e.(*openapi3filter.RequestError)
		if !ok || re.Parameter == nil {
			out = append(out, Finding{Check: CheckRequest, Severity: Breaking, Message: v.safe(e.Error())})
			continue
		}
		p := re.Parameter
		out = append(out, Finding{Check: CheckRequest, Severity: Breaking, Pointer: v.pointer(p.In, p.Name),
			Message: fmt.Sprintf("%s parameter %s: %s", p.In, v.quote(p.Name), v.safe(v.requestReason(re)))})
	}
	return out
}

// requestReason describes a parameter error without kin's schema dump.
func (v *Validator) requestReason(re *openapi3filter.RequestError) string {
	for _, e := range flatten(re.Err) {
		if se, ok := e.(*openapi3.SchemaError); ok {
			return v.schemaReason(se)
		}
		var pe *openapi3filter.ParseError
		if errors.As(e, &pe) {
			if pe.Kind != openapi3filter.KindInvalidFormat {
				return pe.Reason
			}
			if s := re.Parameter.Schema; s != nil && s.Value != nil && len(s.Value.Type.Slice()) > 0 {
				return "not a valid " + s.Value.Type.Slice()[0]
			}
			return "not a valid value"
		}
	}
	if re.Reason != "" {
		return re.Reason
	}
	return "invalid value"
}

// CheckBearerAuth reports a request that carries no bearer credentials, as
// the spec's security requirement demands.
func CheckBearerAuth(r *http.Request) Findings {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(cred) != "" {
		return nil
	}
	return Findings{{Check: CheckAuth, Severity: Breaking, Pointer: "/header/Authorization",
		Message: "request has no Authorization: Bearer credentials"}}
}

// ValidateResponse checks one response to r: status, content type, JSON
// syntax, schema (breaking), unknown fields (additive), and the behaviour one
// page can show on its own (page size, expiresAt format, the agentId filter).
// body is the whole response body.
func (v *Validator) ValidateResponse(r *http.Request, status int, header http.Header, body []byte) Findings {
	route, params, unrouted := v.findRoute(r)
	if unrouted != nil {
		return unrouted
	}
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		return Findings{{Check: CheckAuth, Severity: Breaking,
			Message: fmt.Sprintf("credentials rejected (HTTP %d)", status)}}
	}
	respRef := route.Operation.Responses.Status(status)
	if respRef == nil || respRef.Value == nil {
		return Findings{{Check: CheckStatus, Severity: Breaking,
			Message: fmt.Sprintf("HTTP %d is not a documented response (documented: %s)", status,
				strings.Join(slices.Sorted(maps.Keys(route.Operation.Responses.Map())), ", "))}}
	}
	if len(respRef.Value.Content) == 0 {
		// A response the spec gives no body (delete's 204): nothing to
		// decode, and a body would be a departure of its own.
		if len(bytes.TrimSpace(body)) > 0 {
			return Findings{{Check: CheckContentType, Severity: Breaking,
				Message: fmt.Sprintf("HTTP %d carries a %d-byte body where the spec documents none", status, len(body))}}
		}
		return nil
	}
	ct := header.Get("Content-Type")
	media, _, _ := mime.ParseMediaType(ct)
	if respRef.Value.Content.Get(media) == nil || media == "" {
		return Findings{{Check: CheckContentType, Severity: Breaking,
			Message: fmt.Sprintf("HTTP %d with Content-Type %s, want application/json", status, v.quote(ct))}}
	}
	value, plain := decodePlainJSON(body)
	if !plain {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&value); err != nil {
			return Findings{{Check: CheckJSON, Severity: Breaking,
				Message: fmt.Sprintf("body is not valid JSON (%d bytes): %s", len(body), v.safe(jsonErrorText(err)))}}
		}
		if rest := bytes.TrimSpace(body[dec.InputOffset():]); len(rest) > 0 {
			return Findings{{Check: CheckJSON, Severity: Breaking,
				Message: fmt.Sprintf("body has %d bytes after its JSON value", len(rest))}}
		}
	}

	// The body goes to its schema directly, not through openapi3filter,
	// which would decode it again; of the rest of a response openapi3filter
	// checks only declared headers, and the spec declares none (a test keeps
	// it so). Not VisitAsResponse either: it only checks writeOnly
	// properties, which the spec has none of (the same test), and costs a
	// sorted copy of every object's property names.
	var out Findings
	if schema := respRef.Value.Content.Get(media).Schema; schema != nil && schema.Value != nil {
		if err := schema.Value.VisitJSON(value, openapi3.MultiErrors()); err != nil {
			out = append(out, v.schemaFindings(err)...)
		}
		out = append(out, v.unknownFields(schema.Value, value)...)
	}
	switch {
	case status == http.StatusOK && route.Operation.OperationID == opList:
		out = append(out, v.pageBehaviour(r, value)...)
	case status == http.StatusCreated && route.Operation.OperationID == opCreate:
		out = append(out, v.createdBehaviour(value)...)
	}
	if len(out) == 0 {
		return nil
	}
	return v.redactAll(capFindings(out), append(tokenValues(value), paramValues(params)...))
}

// redactAll is the last step of every check that may quote the server.
// Findings are built from safe parts; this pass makes sure that no message
// or pointer (a member name can be anything) leaves the validator with a
// secret, a token value of the page (values, the token values of the
// page's tokens, in whatever field and form a finding spells them:
// Go-quoted, escaped in a JSON pointer), a control character, or an
// unbounded length.
func (v *Validator) redactAll(fs Findings, values []string) Findings {
	mask := v.masker().With(values...)
	for i := range fs {
		fs[i].Message = mask.Safe(fs[i].Message, maxFindingText)
		fs[i].Pointer = mask.Safe(fs[i].Pointer, maxFindingText)
	}
	return fs
}

// jsonErrorText keeps encoding/json's description of where the syntax broke,
// which never quotes more than one character of input.
func jsonErrorText(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return se.Error() + " at byte " + strconv.FormatInt(se.Offset, 10)
	}
	return err.Error()
}
