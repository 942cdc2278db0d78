package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
)

// servePage starts a loopback server that answers every request with one
// page holding tokens, written as given: the tests below put in them what a
// hostile or broken server could.
func servePage(t *testing.T, tokens []map[string]any) string {
	t.Helper()
	page, err := json.Marshal(map[string]any{"tokens": tokens, "hasNextPage": false})
	if err != nil {
		t.Fatal(err)
	}
	return newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(page)
	})).URL
}

// hostileToken is a token object whose string fields are the given values.
func hostileToken(token, hostname, agentID string) map[string]any {
	return map[string]any{
		"token":     token,
		"hostname":  hostname,
		"expiresAt": "2030-01-01T00:00:00.000Z",
		"policy": map[string]any{"version": "1", "data": []any{
			map[string]any{"type": "agent", "id": agentID, "access": []any{"read_messages"}},
		}},
	}
}

// listModes are the outputs of list: every one must meet the same rules.
var listModes = [][]string{
	{"list"},
	{"list", "--json"},
	{"list", "--all"},
	{"list", "--all", "--json"},
}

// TestListPrintsNoSecret is list's output channel (and the one test of
// the row masker's fields), table and --json, one
// page or --all, with and without --reveal: a server that echoes the
// caller's API key (shaped like a Letta key or not, escaped, its secret
// part alone), another token's value, or a row's own value (of no token
// shape, so only the value itself can mask it) in any field, not only
// "token", gets none of them printed; --reveal shows each row's own value
// in its own cell, once, and nothing else. Characters a terminal draws as
// nothing or acts on are never printed raw. Masking a row's own value
// changes that field alone.
func TestListPrintsNoSecret(t *testing.T) {
	const ownValue = "plainOWNvalue-Q7w2E9r4T6y1"
	type listCase struct {
		name     string
		key      string // the API key; testKey when ""
		rows     []map[string]any
		never    []string // printed in no mode: a 12-byte run of it, plain or escaped, when it is that long
		revealed []string // printed once with --reveal, never without
		field    string   // the one JSON field masking changes, when checked
	}
	var cases []listCase
	for _, key := range []string{"sk-let-echoed-KEY-Zq8Wv3Nx6Bt1Ym4Rk7Pd", "plain/NOTSHAPED+api-key-42"} {
		const own0, own1, foreign = "ck-let-own-000-0123456789abcdef0123", "ck-let-own-001-0123456789abcdef0123", "ck-let-FOREIGN-secret-0123456789abcdef"
		rows := []map[string]any{
			hostileToken(own0, "https://"+key+".example.com/?k="+url.QueryEscape(key), "agent-"+key),
			hostileToken(own1, foreign, key),
			hostileToken(key, "https://h.example.com", foreign),
		}
		rows[0]["shadow"] = foreign // a field the spec does not know
		rows[1]["expiresAt"] = key
		cases = append(cases, listCase{name: "echoed " + key[:8], key: key, rows: rows,
			never: []string{key, url.QueryEscape(key), "NOTSHAPED", "echoed-KEY", "FOREIGN-secret"}, revealed: []string{own0, own1}})
	}
	for field, set := range setField {
		const foreign = "ck-let-FOREIGN-Wk5Xm9Bq2Ld7Fz3Hr8"
		tok := hostileToken("ck-let-own-value-Hn3Jk8Lm2Pq7Rs4Tv", "https://h.example.com", "agent-1")
		set(tok, foreign)
		cases = append(cases, listCase{name: "another token's value in " + field, rows: []map[string]any{tok}, never: []string{foreign}})
		for _, key := range []string{testKey, "letta-selfhosted-password-0123456789abcdef"} {
			tok = hostileToken("ck-let-own-value-Hn3Jk8Lm2Pq7Rs4Tv", "https://h.example.com", "agent-1")
			set(tok, key)
			cases = append(cases, listCase{name: "the API key " + key[:6] + " in " + field, key: key, rows: []map[string]any{tok}, never: []string{key}})
		}
		tok = hostileToken(ownValue, "https://app.example.com", "agent-1")
		set(tok, ownValue)
		cases = append(cases, listCase{name: "the row's own value in " + field, rows: []map[string]any{tok}, revealed: []string{ownValue[5:17]}, field: field})
	}
	part := keyPart()
	keyParts := hostileToken("ck-let-own-value-Hn3Jk8Lm2Pq7Rs4Tv", "https://"+part+".example.com", "agent-"+part)
	keyParts["field-"+part] = 1
	const odd = "ck-let-\x1c\x1cOTHERSECRETVALUE0123456789"
	const otherValue = "plainvalueAAAA1111bbbb2222"
	cases = append(cases,
		listCase{name: "the key's secret part without its prefix", rows: []map[string]any{keyParts}, never: []string{part}},
		listCase{name: "control characters after a token's prefix", rows: []map[string]any{hostileToken("ck-let-own-value-Hn3Jk8Lm2Pq7Rs4Tv", "https://x.example.com/"+odd, odd)}, never: []string{"OTHERSECRET"}},
		listCase{name: "another row's value of no shape", rows: []map[string]any{hostileToken(otherValue, "https://x.example.com", "agent-1"),
			hostileToken("ck-let-other-value-Zz9Yy8Xx7", "https://"+otherValue+".example.com", "agent-1")}, revealed: []string{otherValue}},
	)
	for _, c := range invisible {
		cases = append(cases, listCase{name: fmt.Sprintf("the key interleaved with %U", []rune(c)[0]),
			rows: []map[string]any{hostileToken("ck-let-own-value-Hn3Jk8Lm2Pq7Rs4Tv", "https://"+interleave(testKey, c)+".example.com", "agent-1"+c+"[31m")}, never: []string{c}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := envFor(servePage(t, c.rows))
			if c.key != "" {
				env[envAPIKey] = c.key
			}
			for _, mode := range listModes {
				for _, reveal := range []bool{false, true} {
					args := mode
					if reveal {
						args = append(slices.Clone(mode), "--reveal")
					}
					r := runCLI(t, env, args...) // fails on the key in plain form
					if r.code != exitOK {
						t.Fatalf("%s: exit %d: %s", modeName(args), r.code, r.stderr)
					}
					out := r.stdout + r.stderr
					for _, s := range c.never {
						if strings.Contains(out, s) || len(s) >= 12 && leak(out, s) != "" {
							t.Errorf("%s: printed %q:\n%s", modeName(args), s, out)
						}
					}
					for _, s := range c.revealed {
						if n, want := strings.Count(out, s), map[bool]int{true: 1}[reveal]; n != want {
							t.Errorf("%s: %q printed %d times, want %d:\n%s", modeName(args), s, n, want, out)
						}
					}
					if !slices.Contains(args, "--json") {
						continue
					}
					got := decodeTokens(t, r.stdout)
					if len(got) != len(c.rows) {
						t.Fatalf("%s: %d tokens, want %d:\n%s", modeName(args), len(got), len(c.rows), r.stdout)
					}
					if c.field != "" {
						clean := hostileToken(ownValue, "https://app.example.com", "agent-1")
						want := decodeTokens(t, string(mustJSON(t, []map[string]any{clean})))[0]
						got[0].Token, want.Token = "", ""
						if diff := fieldsDiffering(t, string(mustJSON(t, got[0])), string(mustJSON(t, want))); len(diff) != 1 || diff[0] != c.field {
							t.Errorf("%s: fields changed %v, want [%s]", modeName(args), diff, c.field)
						}
					}
				}
			}
		})
	}
}

// TestListEscapesAndCapsCells: server strings reach the table escaped (no
// escape sequence, no forged row) and capped; --json keeps them whole, as
// valid JSON.
func TestListEscapesAndCapsCells(t *testing.T) {
	huge := "https://" + strings.Repeat("h", 1<<20) + ".example.com"
	forged := "evil\x1b]0;pwned\x07\nck-let-x  forged.example.com  2030  agent-1(read_agent)"
	tokens := []map[string]any{
		hostileToken("ck-let-a-0123456789abcdef01234", forged, "agent\x1b[2J\r\u202eevil"),
		hostileToken("ck-let-b-0123456789abcdef01234", huge, strings.Repeat("a", 1<<20)),
		hostileToken("ck-let-c-0123456789abcdef01234", "https://fine.example.com", "agent-3"),
	}
	tokens[2]["expiresAt"] = "\x9b31m2030"
	base := servePage(t, tokens)
	for _, mode := range listModes {
		t.Run(modeName(mode), func(t *testing.T) {
			r := runCLI(t, envFor(base), mode...)
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !slices.Contains(mode, "--json") {
				lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
				if len(lines) != 5 { // header, 3 rows, count
					t.Errorf("%d lines, want 5 (a forged row?):\n%.2000s", len(lines), r.stdout)
				}
				// Three padded cells and the agents.
				const maxTableLine = 3*(cellMax+columnGap) + agentsCellMax
				for i, line := range lines {
					if len(line) > maxTableLine {
						t.Errorf("line %d is %d bytes, want at most %d", i, len(line), maxTableLine)
					}
				}
				if strings.ContainsAny(r.stdout, "\x1b\x07\r\u202e\u009b") {
					t.Errorf("a control character reached the table: %q", r.stdout[:min(len(r.stdout), 2000)])
				}
				if !strings.Contains(r.stdout, `evil\x1b]0;pwned\x07\nck-let-x`) {
					t.Errorf("the hostile hostname is not shown escaped:\n%.2000s", r.stdout)
				}
				return
			}
			var got []map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 3 {
				t.Fatalf("not valid JSON (%v)", err)
			}
			if got[0]["hostname"] != forged || got[1]["hostname"] != huge {
				t.Errorf("--json changed a server string that holds no secret")
			}
		})
	}
}

// TestErrorLinesEscapedAndCapped: a 400's message, a request id, even a
// header line that net/http refuses (and quotes in its error), are server
// strings; they reach stderr as one escaped, capped line.
func TestErrorLinesEscapedAndCapped(t *testing.T) {
	message := "bad agent\x1b[31m\r\nletta-tokens: forged line\n" + strings.Repeat("m", 4000)
	answer := func(requestID string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", requestID)
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"message": message})
		})
	}
	for _, tt := range []struct {
		name      string
		requestID string
		want      string
	}{
		{"message and request id", "req\u202e" + strings.Repeat("r", 4000), `bad agent\x1b[31m`},
		// Go's client rejects the header and quotes it in its error.
		{"malformed header", "req\x1b[2J" + strings.Repeat("r", 4000), "malformed MIME header"},
	} {
		ts := newServer(t, answer(tt.requestID))
		for _, mode := range listModes {
			t.Run(tt.name+"/"+modeName(mode), func(t *testing.T) {
				r := runCLI(t, envFor(ts.URL), mode...)
				if r.code == exitOK {
					t.Fatal("exit 0 on a 400")
				}
				line := oneLine(t, r, tt.want) // one line: the forged one did not start its own
				if strings.ContainsAny(line, "\x1b\r\u202e") {
					t.Errorf("a control character reached stderr: %q", line)
				}
				if len(line) > maxErrorLine+len("letta-tokens: \n") {
					t.Errorf("error line is %d bytes, want at most %d", len(line), maxErrorLine)
				}
			})
		}
	}
}

// modeName names a subtest after list's flags.
func modeName(args []string) string {
	if len(args) < 2 {
		return "table"
	}
	return strings.Join(args[1:], " ")
}

// TestMaskerCoversEveryField fills every string of a gen.Token, found by
// reflection, with the API key and a token value, and checks the masked
// copy holds neither: a field added to the spec (and so to gen.Token) that
// masker does not handle fails here. The original must be left unchanged.
func TestMaskerCoversEveryField(t *testing.T) {
	const key, foreign = "plain/api-KEY-SECRET-0123", "ck-let-FOREIGN-SECRET-0123456789abcdef"
	var tok gen.Token
	fill(reflect.ValueOf(&tok).Elem(), key+" "+foreign)
	before, _ := json.Marshal(tok)
	for _, reveal := range []bool{false, true} {
		masked, _ := json.Marshal(newMasker(key, reveal).token(tok))
		if strings.Contains(string(masked), "SECRET") {
			t.Errorf("reveal %v: a secret survived masking: %s", reveal, masked)
		}
	}
	if after, _ := json.Marshal(tok); string(after) != string(before) {
		t.Error("masking edited the token it was given")
	}
}

// fill sets every string reachable from v to s, giving each slice one
// element.
func fill(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), s)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), s)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), s)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		if v.Type().Key().Kind() == reflect.String {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, s)
			v.SetMapIndex(reflect.ValueOf(s).Convert(v.Type().Key()), e)
		}
	}
}

// setField puts s in one string field of a token each.
var setField = map[string]func(tok map[string]any, s string){
	"hostname":  func(tok map[string]any, s string) { tok["hostname"] = "https://" + s + ".example.com" },
	"expiresAt": func(tok map[string]any, s string) { tok["expiresAt"] = s },
	"version":   func(tok map[string]any, s string) { policyOf(tok)["version"] = s },
	"id":        func(tok map[string]any, s string) { agentOf(tok)["id"] = "agent-" + s },
	"type":      func(tok map[string]any, s string) { agentOf(tok)["type"] = s },
	"access":    func(tok map[string]any, s string) { agentOf(tok)["access"] = []any{"read_messages", s} },
}

// TestCreateJSONMasksOwnValueInEachField: create --json prints the new
// token's value in full, and masks it in every other field, one at a time.
func TestCreateJSONMasksOwnValueInEachField(t *testing.T) {
	const own = "plainOWNvalue-Q7w2E9r4T6y1" // of no token shape: only the value itself can mask it
	for field, set := range setField {
		tok := hostileToken(own, "https://app.example.com", "agent-1")
		set(tok, own)
		r := runCLI(t, envFor(hostileCreate(t, tok)), createArgs("--json")...)
		if r.code != exitOK {
			t.Fatalf("%s: exit %d: %s", field, r.code, r.stderr)
		}
		if n := strings.Count(r.stdout+r.stderr, own[5:17]); n != 1 || !strings.Contains(r.stdout, `"token": "`+own+`"`) {
			t.Errorf("%s holds the new token's value: printed %d times, want once, as the token:\n%s", field, n, r.stdout)
		}
	}
}

// TestListKeepsNullPolicyParts: a row that must be masked (the API key in
// its hostname) keeps what the server sent for data and access, null
// included: masking edits strings, not the row's shape.
func TestListKeepsNullPolicyParts(t *testing.T) {
	withNullData := hostileToken("ck-let-null-data-0123456789abcdef", "https://"+keyPart()+".example.com", "agent-1")
	policyOf(withNullData)["data"] = nil
	withNullAccess := hostileToken("ck-let-null-access-0123456789abcd", "https://"+keyPart()+".example.com", "agent-"+keyPart())
	agentOf(withNullAccess)["access"] = nil
	base := servePage(t, []map[string]any{withNullData, withNullAccess})
	r := runCLI(t, envFor(base), "list", "--json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rows []any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("not 2 rows (%v): %s", err, r.stdout)
	}
	if !strings.Contains(r.stdout, `"data": null`) || strings.Count(r.stdout, `"access": null`) != 1 || leak(r.stdout, keyPart()) != "" {
		t.Errorf("want data null in row 1, access null in row 2, the key masked:\n%s", r.stdout)
	}
}

func policyOf(tok map[string]any) map[string]any { return tok["policy"].(map[string]any) }

func agentOf(tok map[string]any) map[string]any {
	return policyOf(tok)["data"].([]any)[0].(map[string]any)
}

// fieldsDiffering names the string leaves (by their key) that differ
// between two JSON documents of the same shape.
func fieldsDiffering(t *testing.T, a, b string) []string {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatal(err)
	}
	var diff []string
	var walk func(key string, x, y any)
	walk = func(key string, x, y any) {
		switch x := x.(type) {
		case map[string]any:
			y, _ := y.(map[string]any)
			for k := range x {
				walk(k, x[k], y[k])
			}
		case []any:
			y, _ := y.([]any)
			for i := range x {
				if i < len(y) {
					walk(key, x[i], y[i])
				} else {
					diff = append(diff, key)
				}
			}
		default:
			if x != y && !slices.Contains(diff, key) {
				diff = append(diff, key)
			}
		}
	}
	walk("", va, vb)
	return diff
}
