package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
)

// maxRecordedTokens bounds the fakes a recording remembers (a fingerprint
// and a fake each): past it, recording stops, since a token seen again
// could no longer get the same fake.
const maxRecordedTokens = 100_000

// minKeyLen is the shortest key replaced in a recording, redact's own
// bound for the values it masks.
const minKeyLen = 4

// removedKey stands for a key that an exchange echoed.
const removedKey = "REMOVED-KEY"

// secretShape matches Letta secrets (ck-let- tokens, sk-let- keys) as a
// server may put them in any field or header.
var secretShape = regexp.MustCompile(`[cs]k-let-[A-Za-z0-9_-]+`)

// dropHeaders are request and response headers never recorded: the
// credentials, cookies, and what describes the transfer rather than the
// exchange (the body is recorded decoded and read to the end of the file).
var dropHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection", "Keep-Alive",
}

// recorder writes exchanges as fixtures in the format that
// contract.ParseFixture reads (that of contract/testdata): the key
// dropped, and every token value replaced by a fake, the same fake for
// the same token across the whole recording, so that a list then a delete
// of one token still match.
type recorder struct {
	dir      string
	mu       sync.Mutex
	n        int
	stopped  bool
	fakes    map[uint64]string
	written  int
	failed   int
	firstErr string
}

func newRecorder(dir string) *recorder {
	return &recorder{dir: dir, fakes: make(map[uint64]string)}
}

func (r *recorder) counts() (written, failed int, firstErr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.written, r.failed, r.firstErr
}

func (r *recorder) fail(msg string) {
	r.failed++
	if r.firstErr == "" {
		r.firstErr = msg
	}
}

// record writes one exchange, every key seen masked by keys: once there
// were more keys than it holds, recording stops, since a key could be
// written unmasked.
func (r *recorder) record(o op, req *http.Request, reqBody []byte, reqWhole bool, status int, header http.Header, body []byte, keys seenKeys) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	r.n++
	if !reqWhole {
		r.fail(fmt.Sprintf("exchange %d: request body over %d bytes, not recorded", r.n, contract.MaxRequestBodyBytes))
		return
	}
	var b bytes.Buffer
	// Line breaks are "\n", as in the hand-written fixtures.
	fmt.Fprintf(&b, "%s %s HTTP/1.1\nHost: %s\n", req.Method, req.URL.RequestURI(), req.URL.Host)
	writeHeaders(&b, req.Header)
	if len(reqBody) > 0 {
		fmt.Fprintf(&b, "Content-Length: %d\n", len(reqBody))
	}
	b.WriteString("\n")
	if len(reqBody) > 0 {
		b.Write(reqBody)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\n", status, http.StatusText(status))
	writeHeaders(&b, header)
	b.WriteString("\n")
	b.Write(body)

	values := tokenValues(o, req, body)
	values = append(values, secretShape.FindAllString(b.String(), -1)...)
	var pairs []string
	for _, v := range values {
		if strings.HasPrefix(v, "sk-let-") {
			pairs = append(pairs, v, removedKey)
			continue
		}
		fake, ok := r.fake(v)
		if !ok {
			r.stopped = true
			r.fail(fmt.Sprintf("more than %d tokens seen: recording stopped", maxRecordedTokens))
			return
		}
		for _, form := range valueForms(v) {
			pairs = append(pairs, form, fake)
		}
	}
	// Every key seen, whole, in the forms valueForms lists; then what an
	// upstream may echo of a key in part (its secret part without
	// sk-let-, upper-cased, %-escaped, as a field name), which redact's
	// masker knows. Fakes, shaped like tokens, stay.
	text, ok := keys.maskFixture(longestFirst(pairs).Replace(b.String()))
	if !ok {
		r.stopped = true
		r.fail(fmt.Sprintf("more than %d distinct keys seen in Authorization: recording stopped at exchange %d, since the proxy cannot mask them all", maxKeys, r.n))
		return
	}
	name := fmt.Sprintf("%06d-%s.http", r.n, o)
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(text), 0o600); err != nil {
		r.fail(fmt.Sprintf("writing %s: %v", name, err))
		return
	}
	r.written++
}

// fake returns the fake of token value v, made on first sight: shaped like
// a fixture token ("ck-let-…SECRET…", the marker contract's tests look for
// in fixtures), and unique in the recording.
func (r *recorder) fake(v string) (string, bool) {
	fp := fingerprint.Of(v)
	if f, ok := r.fakes[fp]; ok {
		return f, true
	}
	if len(r.fakes) >= maxRecordedTokens {
		return "", false
	}
	f := fmt.Sprintf("ck-let-recSECRET%010dfixture", len(r.fakes)+1)
	r.fakes[fp] = f
	return f, true
}

func writeHeaders(b *bytes.Buffer, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		if !slices.ContainsFunc(dropHeaders, func(d string) bool { return strings.EqualFold(d, k) }) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

// tokenValues are the token values an exchange carries where the spec
// puts them: the path of a delete, a created token, a page's tokens.
// Whatever their shape, they are replaced.
func tokenValues(o op, req *http.Request, body []byte) []string {
	var out []string
	if o == opDelete {
		segs := strings.Split(req.URL.EscapedPath(), "/")
		if v, err := url.PathUnescape(segs[len(segs)-1]); err == nil && v != "" {
			out = append(out, v)
		}
	}
	var page struct {
		Token  *string `json:"token"`
		Tokens []struct {
			Token *string `json:"token"`
		} `json:"tokens"`
	}
	if json.Unmarshal(body, &page) == nil {
		if page.Token != nil && *page.Token != "" {
			out = append(out, *page.Token)
		}
		for _, t := range page.Tokens {
			if t.Token != nil && *t.Token != "" {
				out = append(out, *t.Token)
			}
		}
	}
	return out
}

// valueForms is v as a recording may hold it: as is, escaped in a JSON
// string, and escaped in a URL path or query.
func valueForms(v string) []string {
	forms := []string{v}
	if j, err := json.Marshal(v); err == nil {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	forms = append(forms, url.PathEscape(v), url.QueryEscape(v))
	out := forms[:0]
	for _, f := range forms {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// longestFirst is a replacer of each old of pairs by its new, longest olds
// first, so that a value containing another is replaced whole.
func longestFirst(pairs []string) *strings.Replacer {
	type pair struct{ old, new string }
	var ps []pair
	for i := 0; i+1 < len(pairs); i += 2 {
		ps = append(ps, pair{pairs[i], pairs[i+1]})
	}
	slices.SortStableFunc(ps, func(a, b pair) int { return len(b.old) - len(a.old) })
	flat := make([]string, 0, 2*len(ps))
	for _, p := range ps {
		flat = append(flat, p.old, p.new)
	}
	return strings.NewReplacer(flat...)
}
