package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// upstreamExtract is a copy of Letta's published spec for the token paths
// (fern/openapi.json in letta-ai/letta, OpenAPI 3.1.0).
const upstreamExtract = "testdata/upstream/letta-client-side-access-tokens.openapi.json"

// repoSpec is our spec, at the repository root; the binary carries it
// built in (gen/server), which spec-diff compares by default.
const repoSpec = "../../openapi.yaml"

// runSpecDiffCLI runs spec-diff on the built-in spec against upstream.
func runSpecDiffCLI(t *testing.T, upstream string, extra ...string) result {
	t.Helper()
	return runCLI(t, nil, append([]string{"spec-diff", "--upstream", upstream}, extra...)...)
}

// specDiffSummary matches the last line of spec-diff's report.
var specDiffSummary = regexp.MustCompile(`^compared (?:\S+|openapi\.yaml \(embedded\)) with \S+: (\d+) breaking, (\d+) warning, (\d+) info, (\d+) declared — (no breaking difference|breaking difference)$`)

// upstreamDoc is the extract decoded, for a test to mutate.
func upstreamDoc(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(upstreamExtract)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at walks doc along keys (object members) and indices (array elements).
func at(t *testing.T, doc any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := doc.(map[string]any)
			if !ok {
				t.Fatalf("no object at %v", p)
			}
			doc = m[k]
		case int:
			a, ok := doc.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("no array element at %v", p)
			}
			doc = a[k]
		}
	}
	return doc
}

// Paths into the extract's GET operation.
var (
	listOp    = []any{"paths", listPath, "get"}
	pageProps = append(slices.Clone(listOp), "responses", "200", "content", "application/json", "schema", "properties")
	tokenItem = append(slices.Clone(pageProps), "tokens", "items")
	policyArm = append(slices.Clone(tokenItem), "properties", "policy", "properties", "data", "items", "oneOf", 0)
)

func writeJSON(t *testing.T, doc any) string {
	t.Helper()
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "upstream.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSpecDiffUnmodifiedUpstream(t *testing.T) {
	r := runSpecDiffCLI(t, upstreamExtract)
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q:\n%s", r.code, r.stderr, r.stdout)
	}
	want := []string{
		"declared api-operation-id-removed           DELETE /v1/client-side-access-tokens/{token}: API operation id `deleteClientSideAccessToken` removed and replaced with `clientSideAccessTokens.deleteClientSideAccessToken`",
		"declared response-media-type-added          DELETE /v1/client-side-access-tokens/{token}: added the media type `application/json` for the response with the status `204`",
		"declared api-operation-id-removed           GET /v1/client-side-access-tokens: API operation id `listClientSideAccessTokens` removed and replaced with `clientSideAccessTokens.listClientSideAccessTokens`",
		"declared request-parameter-min-unset        GET /v1/client-side-access-tokens: for the `query` request parameter `limit`, the min was unset from `0.00`",
		"declared request-parameter-min-unset        GET /v1/client-side-access-tokens: for the `query` request parameter `offset`, the min was unset from `0.00`",
		"declared request-parameter-type-generalized GET /v1/client-side-access-tokens: for the `query` request parameter `limit`, the `type` was widened from `integer` to `number`",
		"declared request-parameter-type-generalized GET /v1/client-side-access-tokens: for the `query` request parameter `offset`, the `type` was widened from `integer` to `number`",
		"declared api-operation-id-removed           POST /v1/client-side-access-tokens: API operation id `createClientSideAccessToken` removed and replaced with `clientSideAccessTokens.createClientSideAccessToken`",
		"declared request-body-became-optional       POST /v1/client-side-access-tokens: request body became optional",
		"compared openapi.yaml (embedded) with " + upstreamExtract + ": 0 breaking, 0 warning, 0 info, 9 declared — no breaking difference",
	}
	if got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("report:\n%s\nwant:\n%s", r.stdout, strings.Join(want, "\n"))
	}
}

// TestSpecDiffMutations changes the upstream extract in the ways Letta
// could change its spec; each must be reported, the breaking ones as
// breaking with exit 1. What oasdiff calls each one is pinned here.
func TestSpecDiffMutations(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(t *testing.T, doc map[string]any)
		code   int
		line   string // a line of the report, as a regexp
	}{
		{
			name: "new required response field",
			mutate: func(t *testing.T, doc map[string]any) {
				item := at(t, doc, tokenItem...).(map[string]any)
				item["properties"].(map[string]any)["createdAt"] = map[string]any{"type": "string"}
				item["required"] = append(item["required"].([]any), "createdAt")
			},
			// A client written to our spec ignores a field it does not know:
			// oasdiff reports it as info, as check reports it as additive.
			code: exitOK,
			line: "info +response-required-property-added +GET /v1/client-side-access-tokens: added the required property `tokens/items/createdAt` to the response with the `200` status",
		},
		{
			name: "removed enum value",
			mutate: func(t *testing.T, doc map[string]any) {
				items := at(t, doc, append(slices.Clone(policyArm), "properties", "access", "items")...).(map[string]any)
				items["enum"] = slices.DeleteFunc(items["enum"].([]any), func(v any) bool { return v == "write_agent" })
			},
			// A response that can hold fewer values cannot break a client:
			// info. It is seen at all only because the one-branch oneOf
			// around the policy is collapsed before comparing.
			code: exitOK,
			line: "info +response-property-enum-value-removed +GET /v1/client-side-access-tokens: removed the `write_agent` enum value from the `tokens/items/policy/data/items/access/items` response property for the response status `200`",
		},
		{
			name: "added enum value",
			mutate: func(t *testing.T, doc map[string]any) {
				items := at(t, doc, append(slices.Clone(policyArm), "properties", "access", "items")...).(map[string]any)
				items["enum"] = append(items["enum"].([]any), "admin")
			},
			code: exitFailure,
			line: "breaking +response-property-enum-value-added +GET /v1/client-side-access-tokens: added the new `admin` enum value to the `tokens/items/policy/data/items/access/items` response property for the response status `200`",
		},
		{
			name: "changed type",
			mutate: func(t *testing.T, doc map[string]any) {
				at(t, doc, append(slices.Clone(pageProps), "hasNextPage")...).(map[string]any)["type"] = "string"
			},
			code: exitFailure,
			line: "breaking +response-property-type-changed +GET /v1/client-side-access-tokens: the `hasNextPage` response's property `type` changed from `boolean` to `string` for status `200`",
		},
		{
			name: "removed operation",
			mutate: func(t *testing.T, doc map[string]any) {
				delete(at(t, doc, "paths", listPath).(map[string]any), "get")
			},
			code: exitFailure,
			line: "breaking +api-removed-without-deprecation +GET /v1/client-side-access-tokens: API removed without deprecation",
		},
		{
			name: "new required query parameter",
			mutate: func(t *testing.T, doc map[string]any) {
				op := at(t, doc, listOp...).(map[string]any)
				op["parameters"] = append(op["parameters"].([]any), map[string]any{
					"name": "projectId", "in": "query", "required": true, "schema": map[string]any{"type": "string"},
				})
			},
			code: exitFailure,
			line: "breaking +new-required-request-parameter +GET /v1/client-side-access-tokens: added the new required `query` request parameter `projectId`",
		},
		{
			name: "a second policy type",
			mutate: func(t *testing.T, doc map[string]any) {
				data := at(t, doc, append(slices.Clone(tokenItem), "properties", "policy", "properties", "data", "items")...).(map[string]any)
				data["oneOf"] = append(data["oneOf"].([]any), map[string]any{
					"type": "object", "required": []any{"type", "id"},
					"properties": map[string]any{"type": map[string]any{"type": "string", "enum": []any{"identity"}}, "id": map[string]any{"type": "string"}},
				})
			},
			// Two branches are not collapsed: the new branch is drift.
			code: exitFailure,
			line: "breaking +response-property-one-of-added +GET /v1/client-side-access-tokens: added `subschema #1, subschema #2` to the `tokens/items/policy/data/items` response property `oneOf` list for the response status `200`",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := upstreamDoc(t)
			tt.mutate(t, doc)
			r := runSpecDiffCLI(t, writeJSON(t, doc))
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("stderr %q: the report is on stdout", r.stderr)
			}
			if !regexp.MustCompile(`(?m)^` + strings.NewReplacer("(", `\(`, ")", `\)`, "{", `\{`, "}", `\}`).Replace(tt.line) + `$`).MatchString(r.stdout) {
				t.Errorf("no line %q in:\n%s", tt.line, r.stdout)
			}
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			m := specDiffSummary.FindStringSubmatch(lines[len(lines)-1])
			if m == nil {
				t.Fatalf("no summary line:\n%s", r.stdout)
			}
			if breaking := m[1] != "0"; breaking != (tt.code == exitFailure) {
				t.Errorf("summary %q for exit %d", m[0], tt.code)
			}
			// Breaking lines come first.
			seenOther := false
			for _, l := range lines {
				if strings.HasPrefix(l, "breaking ") && seenOther {
					t.Errorf("a breaking line after others:\n%s", r.stdout)
					break
				}
				seenOther = seenOther || !strings.HasPrefix(l, "breaking ")
			}
		})
	}
}

func TestSpecDiffOverHTTP(t *testing.T) {
	extract, err := os.ReadFile(upstreamExtract)
	if err != nil {
		t.Fatal(err)
	}
	var sawAuth atomic.Bool
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
			sawAuth.Store(true)
		}
		switch r.URL.Path {
		case "/spec.json":
			w.Write(extract)
		case "/moved":
			http.Redirect(w, r, "/spec.json", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	for _, path := range []string{"/spec.json?sig=secret-signature", "/moved"} {
		r := runSpecDiffCLI(t, ts.URL+path)
		if r.code != exitOK {
			t.Errorf("%s: exit %d, stderr %q", path, r.code, r.stderr)
		}
		if strings.Contains(r.stdout, "secret-signature") {
			t.Errorf("%s: the URL's query was printed:\n%s", path, r.stdout)
		}
	}
	if sawAuth.Load() {
		t.Error("spec-diff sent credentials")
	}
}

// TestSpecDiffCannotRead: an upstream that cannot be fetched or parsed is
// exit 2, with one line that says why; nothing else is contacted.
func TestSpecDiffCannotRead(t *testing.T) {
	var refHits atomic.Int64
	refServer := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refHits.Add(1)
		w.Write([]byte(`{"type":"object"}`))
	}))
	big := strings.Repeat(" ", maxUpstreamBytes+1)
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	ts := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			http.NotFound(w, r)
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>\x1b[31mnot a spec</body></html>"))
		case "/big":
			w.Write([]byte(big))
		case "/slow":
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/swagger":
			w.Write([]byte(`{"swagger":"2.0","info":{"title":"x","version":"1"},"paths":{}}`))
		case "/external-ref":
			fmt.Fprintf(w, `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{%q:{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":%q}}}}}}}}}`,
				listPath, refServer.URL+"/schema.json")
		}
	}))
	for _, tt := range []struct {
		name, upstream string
		args           []string
		want           string
	}{
		{"404", ts.URL + "/404", nil, "HTTP 404"},
		{"HTML page", ts.URL + "/html", nil, "not a usable OpenAPI 3 document"},
		{"too large", ts.URL + "/big", nil, "larger than 32 MiB"},
		{"timeout", ts.URL + "/slow", []string{"--timeout", "200ms"}, "timed out"},
		{"redirect loop", ts.URL + "/loop", nil, "more than 5 redirects"},
		{"Swagger 2", ts.URL + "/swagger", nil, "not a usable OpenAPI 3 document"},
		{"external reference", ts.URL + "/external-ref", nil, "not a usable OpenAPI 3 document"},
		{"unreachable", deadURL(t) + "/spec.json", nil, "connection refused"},
		{"missing file", filepath.Join(t.TempDir(), "none.json"), nil, "no such file"},
		{"directory", t.TempDir(), nil, "not a regular file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := runSpecDiffCLI(t, tt.upstream, tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d:\n%s", r.code, exitUsage, r.stdout)
			}
			line := oneLine(t, r, tt.want)
			if strings.Contains(line, "\x1b") {
				t.Errorf("control character printed: %q", line)
			}
			if time.Since(start) > 30*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
		})
	}
	if refHits.Load() != 0 {
		t.Errorf("spec-diff fetched a document's external reference %d times", refHits.Load())
	}
}

// The flags' errors and the help are TestUsageErrors' and TestHelp's; a
// --spec or --declared naming no file says how to do without.
func TestSpecDiffUsage(t *testing.T) {
	r := runCLI(t, nil, "spec-diff", "--upstream", upstreamExtract, "--spec", filepath.Join(t.TempDir(), "openapi.yaml"))
	if r.code != exitUsage {
		t.Errorf("--spec naming no file: exit %d", r.code)
	}
	oneLine(t, r, "reading the spec", "leave out --spec to use the built-in one")
	r = runCLI(t, nil, "spec-diff", "--upstream", upstreamExtract, "--declared", filepath.Join(t.TempDir(), "declared.yaml"))
	if r.code != exitUsage {
		t.Errorf("--declared naming no file: exit %d", r.code)
	}
	oneLine(t, r, "reading the declared differences", "leave out --declared to use the built-in ones")
}

// TestSpecDiffHostileUpstream: names and values from the upstream document
// are printed escaped and capped, and secrets in them masked.
func TestSpecDiffHostileUpstream(t *testing.T) {
	doc := upstreamDoc(t)
	op := at(t, doc, listOp...).(map[string]any)
	long := strings.Repeat("x", 5000)
	op["parameters"] = append(op["parameters"].([]any),
		map[string]any{"name": "p\x1b[2J\n::error::forged", "in": "query", "required": true, "schema": map[string]any{"type": "string"}},
		map[string]any{"name": "sk-let-" + long, "in": "query", "required": true, "schema": map[string]any{"type": "string"}},
	)
	r := runSpecDiffCLI(t, writeJSON(t, doc))
	if r.code != exitFailure {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if strings.ContainsAny(line, "\x1b\r") || strings.HasPrefix(line, "::") || len(line) > specDiffLineCap+8 {
			t.Errorf("unsafe line (%d bytes): %.300q", len(line), line)
		}
	}
	if !strings.Contains(r.stdout, `p\x1b[2J\n::error::forged`) {
		t.Errorf("the hostile name is not shown escaped:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "sk-let-xxxxxxxxxxxx") {
		t.Errorf("a key-shaped name is printed unmasked:\n%.2000s", r.stdout)
	}
}

func TestSpecDiffDeclarations(t *testing.T) {
	declared, err := os.ReadFile("openapi.differences.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(t *testing.T, text string) string {
		path := filepath.Join(t.TempDir(), "declared.yaml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	t.Run("stale declaration is a note", func(t *testing.T) {
		stale := string(declared) + "\n  - id: response-property-type-changed\n    operation: GET /v1/client-side-access-tokens\n    text: gone\n    why: a test\n"
		r := runSpecDiffCLI(t, upstreamExtract, "--declared", write(t, stale))
		if r.code != exitOK {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		if !regexp.MustCompile(`(?m)^note: declared in \S+ but not seen \(remove it\?\): response-property-type-changed GET /v1/client-side-access-tokens: gone$`).MatchString(r.stdout) {
			t.Errorf("no note on the stale declaration:\n%s", r.stdout)
		}
	})

	t.Run("without declarations the differences are reported", func(t *testing.T) {
		r := runSpecDiffCLI(t, upstreamExtract, "--declared", write(t, "normalize: [collapse-single-branch-oneof]\n"))
		if r.code != exitOK {
			t.Fatalf("exit %d", r.code)
		}
		if !strings.Contains(r.stdout, ": 0 breaking, 0 warning, 9 info, 0 declared — no breaking difference\n") {
			t.Errorf("summary:\n%s", r.stdout)
		}
	})

	t.Run("without normalization the one-branch oneOf is a difference", func(t *testing.T) {
		r := runSpecDiffCLI(t, upstreamExtract, "--declared", write(t, "differences: []\n"))
		if r.code != exitFailure || !strings.Contains(r.stdout, "breaking response-property-one-of-added") {
			t.Errorf("exit %d:\n%s", r.code, r.stdout)
		}
	})

	for _, tt := range []struct{ name, text, want string }{
		{"unknown key", "differences:\n  - id: a\n    operation: GET /x\n    text: t\n    why: w\n    reason: r\n", "field reason not found"},
		{"no why", "differences:\n  - id: a\n    operation: GET /x\n    text: t\n", "lacks why"},
		{"duplicate", "differences:\n  - {id: a, operation: GET /x, text: t, why: w}\n  - {id: a, operation: GET /x, text: t, why: again}\n", "declared twice"},
		{"unknown rule", "normalize: [flatten-everything]\n", `unknown normalize rule "flatten-everything"`},
		{"not YAML", "differences: [\n", "invalid declarations"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runSpecDiffCLI(t, upstreamExtract, "--declared", write(t, tt.text))
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			oneLine(t, r, tt.want)
		})
	}
}

// TestSpecDiffReadmeOutput keeps the README's spec-diff example the real
// output of the command on the upstream extract.
func TestSpecDiffReadmeOutput(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const prompt = "$ go run ./cmd/letta-tokens spec-diff --upstream cmd/letta-tokens/testdata/upstream/letta-client-side-access-tokens.openapi.json\n"
	_, shown, ok := strings.Cut(string(readme), prompt)
	if !ok {
		t.Fatal("README.md has no spec-diff example")
	}
	shown, _, _ = strings.Cut(shown, "```")
	r := runSpecDiffCLI(t, upstreamExtract)
	got := strings.ReplaceAll(r.stdout, upstreamExtract, "cmd/letta-tokens/testdata/upstream/letta-client-side-access-tokens.openapi.json")
	if got != shown {
		t.Errorf("README.md shows:\n%s\nthe command prints:\n%s", shown, got)
	}
}

// TestSpecDiffFromAnyDirectory: run where there is no openapi.yaml and no
// declarations file, as an installed binary is, spec-diff compares the
// spec and declarations built in, and finds what it finds from the
// repository with the files given: the same report but for the names.
func TestSpecDiffFromAnyDirectory(t *testing.T) {
	upstream, err := filepath.Abs(upstreamExtract)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := filepath.Abs(repoSpec)
	if err != nil {
		t.Fatal(err)
	}
	declared, err := filepath.Abs("openapi.differences.yaml")
	if err != nil {
		t.Fatal(err)
	}
	withFiles := runCLI(t, nil, "spec-diff", "--upstream", upstream, "--spec", spec, "--declared", declared)
	t.Chdir(t.TempDir())
	builtIn := runCLI(t, nil, "spec-diff", "--upstream", upstream)
	if builtIn.code != exitOK || withFiles.code != exitOK {
		t.Fatalf("built in: exit %d, stderr %q; with the files: exit %d, stderr %q", builtIn.code, builtIn.stderr, withFiles.code, withFiles.stderr)
	}
	if !strings.Contains(builtIn.stdout, "compared openapi.yaml (embedded) with ") {
		t.Errorf("the report does not say it compared the built-in spec:\n%s", builtIn.stdout)
	}
	if !regexp.MustCompile(`(?m)^declared `).MatchString(builtIn.stdout) {
		t.Errorf("no declared difference: the built-in declarations were not read:\n%s", builtIn.stdout)
	}
	if got, want := builtIn.stdout, strings.ReplaceAll(withFiles.stdout, spec, embeddedSpecName); got != want {
		t.Errorf("built in:\n%s\nwith the files:\n%s", got, want)
	}
}
