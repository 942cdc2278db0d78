package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/redact"
)

// Issue 20: a server or a proxy shows the key encoded: base64 with either
// alphabet, padded or not, at any byte alignment, behind "Bearer " or not,
// and hex in either case.

// byteEncodings are how the tests below encode bytes, with the bits one
// character spells.
var byteEncodings = []struct {
	encode  func([]byte) string
	charLen int
}{
	{base64.StdEncoding.EncodeToString, 6},
	{base64.RawStdEncoding.EncodeToString, 6},
	{base64.URLEncoding.EncodeToString, 6},
	{base64.RawURLEncoding.EncodeToString, 6},
	{hex.EncodeToString, 4},
	{func(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }, 4},
}

// encodedPrefixes are what comes before key in the encoded bytes: nothing,
// one or two bytes (the three alignments of base64), and Authorization's.
var encodedPrefixes = []string{"", "x", "xy", "Bearer "}

// encodedForms are key as a server echoes it encoded.
func encodedForms(key string) []string {
	var forms []string
	for _, e := range byteEncodings {
		for _, pre := range encodedPrefixes {
			forms = append(forms, e.encode([]byte(pre+key)))
		}
	}
	return forms
}

// encodedLeak returns a run of 12 characters of the encoded forms of key
// that out holds, plain, with Markdown's backslashes, as XML references
// or %xx, or "": a run made of bits of key alone, 8 of its secret part at
// least.
func encodedLeak(out, key string) string {
	part := strings.TrimPrefix(key, "sk-let-")
	seen := []string{out, regexp.MustCompile(`\\(.)`).ReplaceAllString(out, "$1"), html.UnescapeString(out),
		strings.NewReplacer("%2B", "+", "%2b", "+", "%2F", "/", "%2f", "/", "%3D", "=", "%3d", "=").Replace(out)}
	for _, e := range byteEncodings {
		for _, pre := range encodedPrefixes {
			s := e.encode([]byte(pre + key))
			keyFrom, keyTo := 8*len(pre), 8*(len(pre)+len(key))
			partFrom := keyTo - 8*len(part)
			for i := 0; i+12 <= len(s); i++ {
				lo, hi := i*e.charLen, (i+12)*e.charLen
				if lo < keyFrom || hi > keyTo || hi < partFrom+8 {
					continue
				}
				for _, text := range seen {
					if strings.Contains(text, s[i:i+12]) {
						return s[i : i+12]
					}
				}
			}
		}
	}
	return ""
}

// TestKeyEchoReachesNoOutput: a server on loopback echoes the API key, in
// every form it might (whole, its secret part alone, %xx, \u00xx,
// upper-cased, base64 and hex: keyForms and encodedForms), in every field
// of every token (hostname, agent id, an unknown field's name and value),
// in a 400's message, a 500's JSON body and a 404's text. No output of list, create or check (the table,
// --json, stderr, --junit, --markdown, the annotations and the step
// summary under GitHub Actions) holds a run of it; each shows it masked
// as the key.
func TestKeyEchoReachesNoOutput(t *testing.T) {
	forms := append(keyForms(), encodedForms(testKey)...)
	keyLeak := func(out string) string { return encodedLeak(out, testKey) + keyLeak(out) }
	echo := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(5), APIKey: testKey}),
		func(page map[string]any) {
			i := 0
			mocktest.ForEachToken(page, func(tok map[string]any) {
				form := forms[i%len(forms)]
				i++
				tok["hostname"] = "https://h.example.com/" + form
				tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"] = "agent-" + form
				for j, f := range forms {
					tok["x"+string(rune('a'+j))+"-"+f] = f
				}
			})
		})).URL
	// A 400's message is printed, the key in it masked; a 500's JSON body
	// and a 404's text are quoted or not, never the key in them.
	inBody := strings.Join(forms, " ")
	rejecting := map[string]string{
		"400": jsonServer(t, http.StatusBadRequest, `{"message":"bad key `+strings.ReplaceAll(inBody, `\`, `\\`)+`"}`),
		"500": jsonServer(t, http.StatusInternalServerError, `{"detail":"`+strings.ReplaceAll(inBody, `\`, `\\`)+`"}`),
		"404": newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "no such route /x?key="+inBody)
		})).URL,
	}

	for _, args := range [][]string{{"list"}, {"list", "--json"}, {"list", "--reveal"}, {"list", "--all", "--json", "--reveal"}} {
		r := runCLI(t, envFor(echo), args...)
		if r.code != exitOK || !strings.Contains(r.stdout, redact.Key(testKey)) {
			t.Errorf("%q: exit %d, the echoed key not printed masked: %s%s", args, r.code, r.stdout, r.stderr)
		}
		if w := keyLeak(r.stdout + r.stderr); w != "" {
			t.Errorf("%q: %q printed:\n%s%s", args, w, r.stdout, r.stderr)
		}
	}
	for status, url := range rejecting {
		for _, args := range [][]string{{"list"}, {"list", "--json"}, createArgs(), {"check"}} {
			r := runCLI(t, envFor(url), args...)
			if r.code == exitOK || status == "400" && !strings.Contains(r.stdout+r.stderr, redact.Key(testKey)) {
				t.Errorf("%q against a %s: exit %d, the echoed key not printed masked: %s%s", args, status, r.code, r.stdout, r.stderr)
			}
			if w := keyLeak(r.stdout + r.stderr); w != "" {
				t.Errorf("%q against a %s: %q printed:\n%s", args, status, w, r.stderr)
			}
		}
	}
	for _, asJSON := range []bool{false, true} {
		dir := t.TempDir()
		junit, markdown, summary := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "summary.md"), filepath.Join(dir, "step-summary.md")
		files := map[string]string{"--junit": junit, "--markdown": markdown}
		env := envFor(echo)
		args := []string{"check", "--junit", junit, "--markdown", markdown}
		if asJSON {
			args = append(args, "--json")
		} else {
			env[envGitHubActions], env[envGitHubStepSummary] = "true", summary
			files[envGitHubStepSummary] = summary
		}
		r := runCLI(t, env, args...)
		outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
		for name, path := range files {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%q: exit %d, %s not written: %v\n%s", args, r.code, name, err, r.stderr)
			}
			outputs[name] = string(b)
		}
		for name, out := range outputs {
			if w := keyLeak(out); w != "" {
				t.Errorf("%q: %s holds %q:\n%s", args, name, w, out)
			}
			if name != "stderr" && !strings.Contains(out, redact.Key(testKey)) {
				t.Errorf("%q: %s does not show the echoed key masked:\n%s", args, name, out)
			}
		}
	}
}

// TestCreateAnswersKeyAsToken: a server answers create with ck-let-<the
// key's secret part>, plain or encoded. create prints no run of it,
// whatever the encoding: it is the key, not a token to hand over.
func TestCreateAnswersKeyAsToken(t *testing.T) {
	for _, form := range append(encodedForms(testKey), keyPart()) {
		url := hostileCreate(t, hostileToken("ck-let-"+form, "https://app.example.com", mock.SeedAgentID(0)))
		for _, args := range [][]string{createArgs(), createArgs("--json")} {
			r := runCLI(t, envFor(url), args...)
			if r.code == exitOK {
				t.Errorf("%q, token ck-let-%s: exit 0, want a failure", args, form)
			}
			if w := encodedLeak(r.stdout+r.stderr, testKey) + keyLeak(r.stdout+r.stderr); w != "" {
				t.Errorf("%q: %q printed:\n%s%s", args, w, r.stdout, r.stderr)
			}
		}
	}
}

// TestCheckSendsNoEncodedKeyInURL: a server lists tokens whose agent is
// agent-<the key encoded>. check filters by no such agent: no request's
// path or query holds a run of the key encoded, and the report says why.
func TestCheckSendsNoEncodedKeyInURL(t *testing.T) {
	forms := encodedForms(testKey)
	var mu sync.Mutex
	var sent []string
	h := mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(len(forms)), APIKey: testKey}),
		func(page map[string]any) {
			i := 0
			mocktest.ForEachToken(page, func(tok map[string]any) {
				tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"] = "agent-" + forms[i%len(forms)]
				i++
			})
		})
	url := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, r.URL.RawPath, r.URL.Path, r.URL.RawQuery)
		mu.Unlock()
		h.ServeHTTP(w, r)
	})).URL
	for _, args := range [][]string{{"check"}, {"check", "--json"}} {
		r := runCLI(t, envFor(url), args...)
		if !strings.Contains(r.stdout, "holds the API key") {
			t.Errorf("%q: exit %d, no finding says the agent id holds the key:\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		if w := encodedLeak(r.stdout+r.stderr, testKey); w != "" {
			t.Errorf("%q: %q printed:\n%s%s", args, w, r.stdout, r.stderr)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if w := encodedLeak(strings.Join(sent, "\n"), testKey); w != "" {
		t.Errorf("a request's URL held %q of the key encoded", w)
	}
}

// TestProxyMasksEncodedKey: an upstream echoes the client's key encoded,
// and its secret part alone (upper-cased, %-escaped), in a page's fields
// and names. Neither the proxy's stderr (its findings) nor its --record
// fixture, a file meant to be committed, holds a run of it.
func TestProxyMasksEncodedKey(t *testing.T) {
	up := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		forms := encodedForms(key)
		part := strings.TrimPrefix(key, "sk-let-")
		tok := hostileToken("ck-let-0123456789abcdef0123456789abcdef", "https://h.example.com/"+forms[0], "agent-"+forms[2]+escapeEach(part, "%%%02x"))
		for j, f := range forms {
			tok["x"+string(rune('a'+j))+"-"+f] = f
		}
		tok["extra-"+part] = 1
		tok["expiresAt"] = strings.ToUpper(part)
		page, _ := json.Marshal(map[string]any{"tokens": []any{tok}, "hasNextPage": false})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", forms[len(forms)-1])
		w.Write(page)
	})).URL
	dir := t.TempDir()
	base, stop := startProxyCmd(t, nil, "--upstream", up, "--record", dir)
	for _, key := range []string{proxyKey, testKey} {
		req, err := http.NewRequest(http.MethodGet, base+listPath+"?limit=5", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		tr := &http.Transport{}
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		tr.CloseIdleConnections()
	}
	r := stop()
	if !strings.Contains(r.stderr, "proxy: additive unknown-field") {
		t.Errorf("no finding quotes the echo:\n%s", r.stderr)
	}
	outputs := map[string]string{"stderr": r.stderr}
	for _, name := range []string{"000001-list.http", "000002-list.http"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		outputs[name] = string(b)
	}
	for name, out := range outputs {
		for _, key := range []string{proxyKey, testKey} {
			part := strings.ToLower(strings.TrimPrefix(key, "sk-let-"))
			if w := encodedLeak(out, key) + leak(strings.ToLower(out), part); w != "" {
				t.Errorf("%s holds %q of %q:\n%s", name, w, key, out)
			}
		}
		if name != "stderr" && !strings.Contains(out, "SECRET") {
			t.Errorf("%s: the token's fake is gone:\n%s", name, out)
		}
	}
}

// TestDeleteRefusesEncodedKey: delete reads ck-let-<the key encoded> as it
// reads the key: not a token, and nothing is sent, which would put the
// key in a URL's path.
func TestDeleteRefusesEncodedKey(t *testing.T) {
	var requests atomic.Int64
	url := newServer(t, countRequests(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(1)}), &requests)).URL
	for _, form := range encodedForms(testKey) {
		r := runCLIStdin(t, envFor(url), strings.NewReader("ck-let-"+form+"\n"), "delete")
		if r.code != exitUsage || !strings.Contains(r.stderr, "an API key, not a client-side access token") {
			t.Errorf("ck-let-%s: exit %d, stderr %q", form, r.code, r.stderr)
		}
		if w := encodedLeak(r.stdout+r.stderr, testKey); w != "" {
			t.Errorf("%q printed: %s", w, r.stderr)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
