package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// DriftCase is one way the mock can drift from the spec ([Options].Drift).
type DriftCase struct {
	Name        string // as in contract/testdata/drift/NAME.http
	Description string // one line
}

// DriftCases lists the drifts the mock can serve, in a stable order. Each
// is a response-side case of the drift catalogue in contract/testdata/drift,
// under the same name. Two cases of the catalogue are left out because they
// are no drift of the API: credentials-rejected-401 and html-502 (a 502
// page from a proxy); Options.Faults serves such outages.
func DriftCases() []DriftCase {
	out := make([]DriftCase, len(driftCatalogue))
	for i, d := range driftCatalogue {
		out[i] = DriftCase{Name: d.name, Description: d.description}
	}
	return out
}

// maxDriftBody bounds the answer a drift holds in memory to rewrite it:
// pages of up to some 25,000 tokens. A larger page (a streamed one) is cut
// off, its connection dropped, rather than held whole.
const maxDriftBody = 8 << 20

// tokensPath is the path of list and create.
const tokensPath = "/v1/client-side-access-tokens"

// drift is one case: how it changes a list request, a page, each token (of
// a page, or the one create answers), or the answer's status and bytes.
// Each is optional.
type drift struct {
	name, description string
	request           func(r *http.Request)
	page              func(page map[string]any) any
	token             func(tok map[string]any)
	answer            func(a *driftAnswer)
}

// wrap serves next's answers with d applied: to a list's 200 and a
// create's 201. Other answers (delete's 204, every error) are served as
// they are, so credentials and bad requests still behave as in the spec,
// and a HEAD's, which has no body, too.
func (d *drift) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list := r.Method == http.MethodGet && r.URL.Path == tokensPath
		create := r.Method == http.MethodPost && r.URL.Path == tokensPath
		if !list && !create {
			next.ServeHTTP(w, r)
			return
		}
		if list && d.request != nil {
			r = r.Clone(r.Context()) // its own URL to change
			d.request(r)
		}
		a := &driftAnswer{header: http.Header{}}
		next.ServeHTTP(a, r)
		if list && a.status == http.StatusOK || create && a.status == http.StatusCreated {
			d.apply(a, list)
		}
		for k, v := range a.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body) // the client has gone; nothing to tell it
	})
}

// apply rewrites a, a page when list is true, else a created token.
func (d *drift) apply(a *driftAnswer, list bool) {
	var v map[string]any
	if (list && d.page != nil || d.token != nil) && json.Unmarshal(a.body, &v) == nil && v != nil {
		var out any = v
		if list {
			if d.token != nil {
				forEachObject(v["tokens"], d.token)
			}
			if d.page != nil {
				out = d.page(v)
			}
		} else {
			d.token(v)
		}
		// <, > and & as they are: json.Marshal would escape them, which the
		// mock's own answers do not.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(out) // decoded JSON, and the catalogue's plain values, always encode
		a.body = bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	}
	if d.answer != nil {
		d.answer(a)
	}
}

// forEachObject calls f on every object of list, a JSON array.
func forEachObject(list any, f func(map[string]any)) {
	items, _ := list.([]any)
	for _, item := range items {
		if obj, ok := item.(map[string]any); ok {
			f(obj)
		}
	}
}

// forEachPolicy calls f on every entry of tok's policy data.
func forEachPolicy(tok map[string]any, f func(entry map[string]any)) {
	policy, _ := tok["policy"].(map[string]any)
	forEachObject(policy["data"], f)
}

// editPolicy calls f on tok's policy object.
func editPolicy(f func(policy map[string]any)) func(map[string]any) {
	return func(tok map[string]any) {
		if policy, ok := tok["policy"].(map[string]any); ok {
			f(policy)
		}
	}
}

// errDriftBodyTooLarge ends an answer over maxDriftBody: the handler
// writing it aborts the response.
var errDriftBodyTooLarge = errors.New("mock: answer too large to drift")

// driftAnswer is the inner handler's answer, held up to maxDriftBody to
// be rewritten.
type driftAnswer struct {
	header http.Header
	status int
	body   []byte
}

func (a *driftAnswer) Header() http.Header { return a.header }

func (a *driftAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *driftAnswer) Write(p []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	if len(a.body)+len(p) > maxDriftBody {
		// A buffered page never gets here; a streamed one aborts its
		// response on a failed write.
		return 0, errDriftBodyTooLarge
	}
	a.body = append(a.body, p...)
	return len(p), nil
}

// The catalogue. Token-level cases change every token of a page and the
// token a create answers; page-level ones change list answers only; the
// others change the status or the bytes of both.
var driftCatalogue = []drift{
	// A required field missing, at each depth.
	{name: "missing-hasNextPage", description: "pages lack hasNextPage",
		page: func(p map[string]any) any { delete(p, "hasNextPage"); return p }},
	{name: "missing-tokens", description: "pages lack tokens",
		page: func(p map[string]any) any { delete(p, "tokens"); return p }},
	{name: "missing-token-token", description: "tokens lack token (the value)",
		token: func(t map[string]any) { delete(t, "token") }},
	{name: "missing-token-hostname", description: "tokens lack hostname",
		token: func(t map[string]any) { delete(t, "hostname") }},
	{name: "missing-token-expiresAt", description: "tokens lack expiresAt",
		token: func(t map[string]any) { delete(t, "expiresAt") }},
	{name: "missing-token-policy", description: "tokens lack policy",
		token: func(t map[string]any) { delete(t, "policy") }},
	{name: "missing-policy-version", description: "policies lack version",
		token: editPolicy(func(p map[string]any) { delete(p, "version") })},
	{name: "missing-policy-data", description: "policies lack data",
		token: editPolicy(func(p map[string]any) { delete(p, "data") })},
	{name: "missing-policy-data-type", description: "policy entries lack type",
		token: func(t map[string]any) { forEachPolicy(t, func(e map[string]any) { delete(e, "type") }) }},
	{name: "missing-policy-data-id", description: "policy entries lack id",
		token: func(t map[string]any) { forEachPolicy(t, func(e map[string]any) { delete(e, "id") }) }},
	{name: "missing-policy-data-access", description: "policy entries lack access",
		token: func(t map[string]any) { forEachPolicy(t, func(e map[string]any) { delete(e, "access") }) }},
	// Renamed.
	{name: "renamed-expiresAt", description: "expiresAt is renamed expires_at",
		token: func(t map[string]any) { t["expires_at"] = t["expiresAt"]; delete(t, "expiresAt") }},
	// Wrong types.
	{name: "wrong-type-hasNextPage", description: `hasNextPage is a string ("false")`,
		page: func(p map[string]any) any { p["hasNextPage"] = fmt.Sprint(p["hasNextPage"]); return p }},
	{name: "wrong-type-tokens", description: `tokens is an object keyed by position ({"0": …})`,
		page: func(p map[string]any) any {
			list, _ := p["tokens"].([]any)
			obj := make(map[string]any, len(list))
			for i, t := range list {
				obj[strconv.Itoa(i)] = t
			}
			p["tokens"] = obj
			return p
		}},
	{name: "wrong-type-token", description: "token is a number",
		token: func(t map[string]any) { t["token"] = 12345 }},
	{name: "wrong-type-access", description: "access is a string, not an array",
		token: func(t map[string]any) {
			forEachPolicy(t, func(e map[string]any) {
				if access, ok := e["access"].([]any); ok && len(access) > 0 {
					e["access"] = access[0]
				}
			})
		}},
	{name: "wrong-type-version", description: "policy version is a number (1)",
		token: editPolicy(func(p map[string]any) { p["version"] = 1 })},
	{name: "wrong-type-data-id", description: "policy entry id is an array",
		token: func(t map[string]any) { forEachPolicy(t, func(e map[string]any) { e["id"] = []any{e["id"]} }) }},
	// null where the spec allows none.
	{name: "null-token", description: "token is null",
		token: func(t map[string]any) { t["token"] = nil }},
	{name: "null-tokens", description: "tokens is null",
		page: func(p map[string]any) any { p["tokens"] = nil; return p }},
	{name: "null-hasNextPage", description: "hasNextPage is null",
		page: func(p map[string]any) any { p["hasNextPage"] = nil; return p }},
	{name: "null-policy", description: "policy is null",
		token: func(t map[string]any) { t["policy"] = nil }},
	{name: "null-expiresAt", description: "expiresAt is null",
		token: func(t map[string]any) { t["expiresAt"] = nil }},
	// Enum values the spec does not list.
	{name: "unknown-enum-access", description: `access lists an unknown value ("admin")`,
		token: func(t map[string]any) {
			forEachPolicy(t, func(e map[string]any) {
				if access, ok := e["access"].([]any); ok {
					e["access"] = append(access, "admin")
				}
			})
		}},
	{name: "unknown-enum-version", description: `policy version is "2"`,
		token: editPolicy(func(p map[string]any) { p["version"] = "2" })},
	{name: "unknown-enum-type", description: `policy entry type is "Agent"`,
		token: func(t map[string]any) { forEachPolicy(t, func(e map[string]any) { e["type"] = "Agent" }) }},
	{name: "new-policy-type", description: `policy entries are of a new type, "identity"`,
		token: func(t map[string]any) { forEachPolicy(t, func(e map[string]any) { e["type"] = "identity" }) }},
	{name: "secret-in-enum-field", description: "policy entry type holds the token's value (a secret where an enum was)",
		token: func(t map[string]any) {
			value := t["token"]
			forEachPolicy(t, func(e map[string]any) { e["type"] = value })
		}},
	// The envelope.
	{name: "envelope-renamed", description: "pages are {data, hasMore}, not {tokens, hasNextPage}",
		page: func(p map[string]any) any {
			return map[string]any{"data": p["tokens"], "hasMore": p["hasNextPage"]}
		}},
	{name: "envelope-bare-array", description: "pages are a bare array of tokens",
		page: func(p map[string]any) any { return p["tokens"] }},
	// Not JSON, or not the status the spec says.
	{name: "html-body", description: "answers are an HTML page, status 200",
		answer: func(a *driftAnswer) {
			a.header.Set("Content-Type", "text/html; charset=utf-8")
			a.body = []byte("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>")
		}},
	{name: "invalid-json-truncated", description: "answers are cut off halfway (invalid JSON)",
		answer: func(a *driftAnswer) { a.body = a.body[:len(a.body)/2] }},
	{name: "invalid-json-trailing", description: "answers have a stray } after the JSON",
		answer: func(a *driftAnswer) { a.body = append(a.body, '}') }},
	{name: "wrong-status-201", description: "lists answer 201, not 200",
		answer: func(a *driftAnswer) { a.status = http.StatusCreated }},
	{name: "wrong-status-404", description: "answers are 404 with the usual body",
		answer: func(a *driftAnswer) { a.status = http.StatusNotFound }},
	// expiresAt that a client cannot parse as RFC 3339.
	{name: "expires-at-not-rfc3339", description: "expiresAt as JavaScript's Date.toString writes it",
		token: func(t map[string]any) {
			if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(t["expiresAt"])); err == nil {
				t["expiresAt"] = at.UTC().Format("Mon Jan 02 2006 15:04:05 GMT-0700") + " (Coordinated Universal Time)"
			}
		}},
	{name: "expires-at-epoch-string", description: "expiresAt is epoch milliseconds in a string",
		token: func(t map[string]any) {
			if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(t["expiresAt"])); err == nil {
				t["expiresAt"] = strconv.FormatInt(at.UnixMilli(), 10)
			}
		}},
	// Behaviour.
	{name: "page-over-limit", description: "pages hold limit+1 tokens",
		request: func(r *http.Request) {
			q := r.URL.Query()
			limit := DefaultLimit
			if s := q.Get("limit"); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < 0 || n >= MaxSeedCount {
					return // the validator answers it, or it already covers every token
				}
				limit = n
			}
			q.Set("limit", strconv.Itoa(limit+1))
			r.URL.RawQuery = q.Encode()
		}},
	{name: "agent-filter-ignored", description: "agentId is ignored: filtered pages list every agent's tokens",
		request: func(r *http.Request) {
			q := r.URL.Query()
			q.Del("agentId")
			r.URL.RawQuery = q.Encode()
		}},
}
