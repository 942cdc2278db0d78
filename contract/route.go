package contract

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/letta-tokens/letta-tokens/redact"
)

// The spec's operation ids, for checks that apply to one operation only.
const (
	opList   = "listClientSideAccessTokens"
	opCreate = "createClientSideAccessToken"
)

// pathTemplate is one of the spec's paths split into segments, a segment
// "{name}" standing for a path parameter.
type pathTemplate struct {
	path     string
	item     *openapi3.PathItem
	segments []string
	literals int // segments that are not parameters
}

// newPathTemplates lists the spec's paths, most specific first: more
// literal segments, then more segments, then by text, so that routing never
// depends on map order.
func newPathTemplates(doc *openapi3.T) []pathTemplate {
	var out []pathTemplate
	for path, item := range doc.Paths.Map() {
		t := pathTemplate{path: path, item: item, segments: strings.Split(strings.TrimPrefix(path, "/"), "/")}
		for _, s := range t.segments {
			if !isParamSegment(s) {
				t.literals++
			}
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b pathTemplate) int {
		return cmp.Or(cmp.Compare(b.literals, a.literals), cmp.Compare(len(b.segments), len(a.segments)), strings.Compare(a.path, b.path))
	})
	return out
}

func isParamSegment(s string) bool {
	return len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}'
}

// match reports whether the request path's last segments match t, and the
// values of t's parameters. Earlier segments are a base URL's path prefix
// (a proxy's), which the spec's servers do not know. Segments are compared
// unescaped, one by one, so an escaped slash inside a parameter stays in
// it; a parameter never matches an empty segment.
func (t pathTemplate) match(segments []string) (map[string]string, bool) {
	if len(segments) < len(t.segments) {
		return nil, false
	}
	tail := segments[len(segments)-len(t.segments):]
	var params map[string]string
	for i, s := range t.segments {
		got, err := url.PathUnescape(tail[i])
		if err != nil {
			return nil, false
		}
		if !isParamSegment(s) {
			if got != s {
				return nil, false
			}
			continue
		}
		if got == "" {
			return nil, false
		}
		if params == nil {
			params = make(map[string]string)
		}
		params[s[1:len(s)-1]] = got
	}
	return params, true
}

// findRoute matches a request to an operation by path alone. kin's routers
// match the spec's servers (https://api.letta.com), which would reject
// traffic to a test server or to LETTA_BASE_URL; matching the path's last
// segments also accepts a base URL with a path prefix, such as a proxy's.
// It returns the values of the path's parameters too, or, for a request
// the spec has no operation for, the finding that says so.
func (v *Validator) findRoute(r *http.Request) (*routers.Route, map[string]string, Findings) {
	segments := pathSegments(r)
	t, params, ok := v.match(segments)
	var msg string
	if !ok {
		msg = fmt.Sprintf("path %s is not in the spec", v.maskParams(segments))
	} else if op := t.item.GetOperation(r.Method); op != nil {
		return &routers.Route{Spec: v.doc, Path: t.path, PathItem: t.item, Method: r.Method, Operation: op}, params, nil
	} else {
		msg = fmt.Sprintf("method %s is not in the spec for %s", r.Method, t.path)
	}
	return nil, nil, v.redactAll(Findings{{Check: CheckRequest, Severity: Breaking, Message: v.safe(msg)}}, paramValues(params))
}

// match finds the most specific spec path that segments match.
func (v *Validator) match(segments []string) (pathTemplate, map[string]string, bool) {
	for _, t := range v.paths {
		if params, ok := t.match(segments); ok {
			return t, params, true
		}
	}
	return pathTemplate{}, nil, false
}

func pathSegments(r *http.Request) []string {
	return strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
}

// maskParams is an unrouted path for a message, with every segment that
// follows the literal before a parameter in the spec masked: in a path
// that matched no route, ".../client-side-access-tokens/SECRET/x" still
// carries a token where the spec puts one.
func (v *Validator) maskParams(segments []string) string {
	out := slices.Clone(segments)
	for _, t := range v.paths {
		for i := 1; i < len(t.segments); i++ {
			if !isParamSegment(t.segments[i]) || isParamSegment(t.segments[i-1]) {
				continue
			}
			for j := 0; j+1 < len(out); j++ {
				if unescaped, err := url.PathUnescape(segments[j]); err == nil && unescaped == t.segments[i-1] && out[j+1] != "" {
					out[j+1] = "{" + strings.Trim(t.segments[i], "{}") + "}"
				}
			}
		}
	}
	return "/" + strings.Join(out, "/")
}

// displayPath is r's path and query as a report shows them (an
// [Exchange].Path): the value of every path parameter (the token of a
// DELETE) in its redacted form, whatever its shape, and, in a path that
// matches no route, every segment where the spec puts a parameter masked
// (see maskParams); then masked, escaped and capped as any server string.
func (v *Validator) displayPath(r *http.Request) string {
	segments := pathSegments(r)
	var path string
	if t, _, ok := v.match(segments); ok {
		tail := len(segments) - len(t.segments)
		for i, s := range t.segments {
			if isParamSegment(s) {
				val, _ := url.PathUnescape(segments[tail+i]) // match unescaped it already
				segments[tail+i] = redact.Token(val)
			}
		}
		path = "/" + strings.Join(segments, "/")
	} else {
		path = v.maskParams(segments)
	}
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	return v.masker().Safe(path, maxFindingText)
}
