package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// maxSchemaNodes bounds the schema walk of the normalization: far above
// what the token paths hold (a few dozen), far below what could exhaust
// memory or time.
const maxSchemaNodes = 100_000

// errUnparsable marks a document that is not an OpenAPI 3 description
// spec-diff can compare.
var errUnparsable = errors.New("not a usable OpenAPI 3 document")

// Severities of a spec difference, in the order they are printed.
const (
	diffBreaking = "breaking" // oasdiff error: a client written to our spec can break
	diffWarning  = "warning"  // oasdiff warning: may break some clients; reported, passes
	diffInfo     = "info"     // compatible: what upstream has that we do not, and the like
	diffDeclared = "declared" // a deliberate difference of openapi.differences.yaml
)

var severityOrder = []string{diffBreaking, diffWarning, diffInfo, diffDeclared}

// severityOf is the severity of an oasdiff level above info.
var severityOf = map[checker.Level]string{checker.ERR: diffBreaking, checker.WARN: diffWarning}

// specDifference is one change from our spec to upstream's, as oasdiff
// words it (no Why). Its strings come from the upstream document: escape
// them.
type specDifference struct {
	severity string
	declaredDifference
}

// specDiffResult is what a comparison found.
type specDiffResult struct {
	differences []specDifference     // sorted: breaking first, then warning, info, declared
	count       map[string]int       // differences by severity
	stale       []declaredDifference // declared, but not seen
	notes       []string
}

// loadSpec parses an OpenAPI 3.0 or 3.1 document. References to other
// files or URLs are refused: the loader would otherwise fetch whatever a
// downloaded document points at.
func loadSpec(ctx context.Context, data []byte, name string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: name})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUnparsable, err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		return nil, fmt.Errorf("%w: its openapi version is %q, want 3.x", errUnparsable, doc.OpenAPI)
	}
	if doc.Paths == nil || doc.Paths.Len() == 0 {
		return nil, fmt.Errorf("%w: it has no paths", errUnparsable)
	}
	return doc, nil
}

// compareSpecs compares the token paths of ours (the base) and upstream
// (the revision) with oasdiff's backward-compatibility checks, at every
// level down to info: what a client written to our spec meets if the API
// is what upstream describes. Declared differences are marked, not
// dropped.
func compareSpecs(ctx context.Context, ours, upstream []byte, upstreamName string, decl *declarations) (res *specDiffResult, err error) {
	defer func() {
		// oasdiff walks a hostile document; a bug it trips on is a
		// document spec-diff could not compare, not a crash.
		if v := recover(); v != nil {
			res, err = nil, fmt.Errorf("%w: oasdiff failed on it: %v", errUnparsable, v)
		}
	}()
	base, err := loadSpec(ctx, ours, "openapi.yaml")
	if err != nil {
		return nil, fmt.Errorf("our spec: %w", err)
	}
	rev, err := loadSpec(ctx, upstream, upstreamName)
	if err != nil {
		return nil, err
	}
	res = &specDiffResult{count: map[string]int{}}
	keepTokenPaths(base)
	keepTokenPaths(rev)
	if rev.Paths.Len() == 0 {
		res.notes = append(res.notes, "the upstream document has no path "+listPath+": is it Letta's spec?")
	}
	if slices.Contains(decl.Normalize, normalizeCollapseOneOf) {
		for _, doc := range []*openapi3.T{base, rev} {
			if err := collapseSingleBranchOneOf(doc); err != nil {
				return nil, err
			}
		}
	}

	pathsDiff, sources, err := diff.GetPathsDiff(diff.NewConfig(),
		[]*load.SpecInfo{{Url: "openapi.yaml", Spec: base}},
		[]*load.SpecInfo{{Url: upstreamName, Spec: rev}})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUnparsable, err)
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(
		checker.NewConfig(checker.GetAllChecks()), pathsDiff, sources, checker.INFO)

	unseen := map[string]bool{} // declared, not (yet) seen
	for _, d := range decl.Differences {
		unseen[d.key()] = true
	}
	localizer := checker.NewDefaultLocalizer()
	for _, c := range changes {
		d := specDifference{cmp.Or(severityOf[c.GetLevel()], diffInfo), declaredDifference{
			ID:        c.GetId(),
			Operation: c.GetOperation() + " " + c.GetPath(),
			Text:      c.GetUncolorizedText(localizer),
		}}
		if key := d.key(); unseen[key] {
			d.severity = diffDeclared
			delete(unseen, key)
		}
		res.differences = append(res.differences, d)
		res.count[d.severity]++
	}
	res.stale = slices.DeleteFunc(slices.Clone(decl.Differences), func(d declaredDifference) bool { return !unseen[d.key()] })
	slices.SortStableFunc(res.differences, func(a, b specDifference) int {
		return cmp.Or(
			cmp.Compare(slices.Index(severityOrder, a.severity), slices.Index(severityOrder, b.severity)),
			cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Text, b.Text))
	})
	return res, nil
}

// keepTokenPaths drops every path but the token paths, so that a whole
// published spec (hundreds of operations) compares like an extract.
func keepTokenPaths(doc *openapi3.T) {
	kept := openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		if path == listPath || strings.HasPrefix(path, listPath+"/") {
			kept.Set(path, item)
		}
	}
	doc.Paths = kept
	doc.Webhooks = nil
}

// collapseSingleBranchOneOf replaces, in every schema of doc's operations,
// a oneOf with a single branch and no constraint of its own by that
// branch: the two accept the same documents (see
// openapi.differences.yaml). The walk is bounded and visits each schema
// once, so a cyclic or enormous document ends.
func collapseSingleBranchOneOf(doc *openapi3.T) error {
	w := &schemaWalker{seen: map[*openapi3.Schema]bool{}}
	for _, item := range doc.Paths.Map() {
		if item == nil {
			continue
		}
		w.parameters(item.Parameters)
		for _, op := range item.Operations() {
			w.parameters(op.Parameters)
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				w.content(op.RequestBody.Value.Content)
			}
			for _, resp := range op.Responses.Map() { // nil-safe
				if resp == nil || resp.Value == nil {
					continue
				}
				w.content(resp.Value.Content)
				for _, h := range resp.Value.Headers {
					if h != nil && h.Value != nil {
						w.schema(h.Value.Schema)
						w.content(h.Value.Content)
					}
				}
			}
		}
	}
	if w.nodes > maxSchemaNodes {
		return fmt.Errorf("%w: more than %d schemas under %s", errUnparsable, maxSchemaNodes, listPath)
	}
	return nil
}

// maxOneOfChain bounds how many nested one-branch oneOfs are collapsed at
// one place.
const maxOneOfChain = 64

type schemaWalker struct {
	seen  map[*openapi3.Schema]bool
	nodes int
}

func (w *schemaWalker) parameters(params openapi3.Parameters) {
	for _, p := range params {
		if p != nil && p.Value != nil {
			w.schema(p.Value.Schema)
			w.content(p.Value.Content)
		}
	}
}

func (w *schemaWalker) content(c openapi3.Content) {
	for _, mt := range c {
		if mt != nil {
			w.schema(mt.Schema)
		}
	}
}

func (w *schemaWalker) schema(ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil || w.nodes > maxSchemaNodes {
		return
	}
	// A branch may itself be a one-branch oneOf; a cycle of them (A is
	// oneOf [B], B is oneOf [A]) must not spin forever.
	for range maxOneOfChain {
		if !collapsible(ref.Value) {
			break
		}
		branch := ref.Value.OneOf[0]
		ref.Ref, ref.Value = branch.Ref, branch.Value
	}
	s := ref.Value
	if w.seen[s] {
		return
	}
	w.seen[s] = true
	w.nodes++
	children := slices.Concat([]*openapi3.SchemaRef{s.Not, s.Items, s.AdditionalProperties.Schema, s.Contains,
		s.PropertyNames, s.If, s.Then, s.Else, s.ContentSchema}, s.OneOf, s.AnyOf, s.AllOf, s.PrefixItems)
	for _, m := range []openapi3.Schemas{s.Properties, s.PatternProperties, s.DependentSchemas} {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			children = append(children, m[name])
		}
	}
	for _, c := range children {
		w.schema(c)
	}
}

// collapsible reports whether s is a oneOf of one branch that adds nothing
// of its own but a discriminator and documentation.
func collapsible(s *openapi3.Schema) bool {
	if len(s.OneOf) != 1 || s.OneOf[0] == nil || s.OneOf[0].Value == nil || s.OneOf[0].Value == s {
		return false
	}
	rest := *s
	rest.OneOf, rest.Discriminator = nil, nil
	rest.Title, rest.Description = "", ""
	rest.Extensions, rest.Origin = nil, nil
	return rest.IsEmpty()
}
