package proxy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/proxy"
	"github.com/letta-tokens/letta-tokens/redact"
)

// testKey is not shaped like a Letta key: only the proxy's memory of the
// keys it saw can mask it.
const testKey = "proxy-test-key-0123456789abcdef"

const listPath = "/v1/client-side-access-tokens"

// started is a proxy serving on loopback, with what it reported.
type started struct {
	p        *proxy.Proxy
	url      string
	client   *http.Client
	mu       sync.Mutex
	reported contract.Findings
}

func (s *started) onFinding(f contract.Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reported = append(s.reported, f)
}

// findings is what OnFinding received, once every answer is validated.
func (s *started) findings() contract.Findings {
	s.p.Findings()
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reported)
}

// startProxy serves a proxy to upstream; opts.Upstream, Transport and
// OnFinding are set here.
func startProxy(t *testing.T, upstream string, opts proxy.Options) *started {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	s := &started{}
	opts.Upstream, opts.Transport, opts.OnFinding = u, tr, s.onFinding
	s.p, err = proxy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.p)
	// Validations go on after an answer is written: settled after the
	// server is closed, before the test's other cleanups (its RecordDir).
	t.Cleanup(func() { s.p.Stats() })
	t.Cleanup(ts.Close)
	ctr := &http.Transport{}
	t.Cleanup(ctr.CloseIdleConnections)
	s.url = ts.URL
	s.client = &http.Client{
		Transport:     ctr,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s
}

// do sends a request through the proxy and returns the answer with its
// body read.
func (s *started) do(t *testing.T, method, path, body string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func auth(key string) http.Header { return http.Header{"Authorization": {"Bearer " + key}} }

func createBody(agent string) string {
	return fmt.Sprintf(`{"hostname":"https://app.example.com","policy":[{"type":"agent","id":%q,"access":["read_messages"]}],"expires_at":%q}`,
		agent, time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"))
}

const createdJSON = `{"token":"ck-let-upstreamSECRET000000000001","hostname":"https://app.example.com","expiresAt":"2030-01-01T00:00:00.000Z","policy":{"version":"1","data":[{"type":"agent","id":"agent-1","access":["read_messages"]}]}}`

// seen is what an upstream received.
type seen struct {
	method, uri string
	header      http.Header
	body        []byte
}

// TestForwardsRequestUnchanged: method, path, raw query, headers (the
// client's Authorization among them) and body reach the upstream as the
// client sent them, and the upstream's status, headers and body reach the
// client as sent. A request without Authorization gets none from the
// proxy, which has no key of its own.
func TestForwardsRequestUnchanged(t *testing.T) {
	var mu sync.Mutex
	var got []seen
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.RequestURI, r.Header.Clone(), b})
		mu.Unlock()
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Upstream", "as-sent")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, createdJSON)
	}))
	t.Cleanup(upstream.Close)
	s := startProxy(t, upstream.URL, proxy.Options{})

	body := createBody("agent-1")
	h := auth(testKey)
	h.Set("X-Custom", "one")
	h.Add("X-Custom", "two")
	h.Set("User-Agent", "letta-sdk/1.0")
	h.Set("Content-Type", "application/json")
	resp, respBody := s.do(t, http.MethodPost, listPath+"?b=2&a=%2F1", body, h)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-Upstream") != "as-sent" || string(respBody) != createdJSON {
		t.Errorf("client got %d %v %s, want the upstream's answer unchanged", resp.StatusCode, resp.Header, respBody)
	}
	s.do(t, http.MethodGet, "/v1/agents/?x=1", "", nil)
	const escaped = listPath + "/ck-let-a%2Fb%20c%7E"
	s.do(t, http.MethodDelete, escaped, "", auth(testKey))

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("upstream saw %d requests, want 3", len(got))
	}
	if got[2].uri != escaped {
		t.Errorf("upstream saw %s, want the path as escaped by the client, %s", got[2].uri, escaped)
	}
	first := got[0]
	if first.method != http.MethodPost || first.uri != listPath+"?b=2&a=%2F1" || string(first.body) != body {
		t.Errorf("upstream saw %s %s %q, want POST %s?b=2&a=%%2F1 with the body", first.method, first.uri, first.body, listPath)
	}
	for _, k := range []string{"Authorization", "X-Custom", "User-Agent", "Content-Type"} {
		if !slices.Equal(first.header[k], h[k]) {
			t.Errorf("header %s: upstream saw %q, client sent %q", k, first.header[k], h[k])
		}
	}
	if second := got[1]; second.uri != "/v1/agents/?x=1" || second.header.Get("Authorization") != "" {
		t.Errorf("second request: upstream saw %s with Authorization %q, want /v1/agents/?x=1 and none", second.uri, second.header.Get("Authorization"))
	}
	if st := s.p.Stats(); st.Requests != 3 || st.Validated != 2 {
		t.Errorf("stats %+v: want 3 requests, 2 validated (another endpoint is forwarded, not validated)", st)
	}
	if fs := s.findings(); len(fs) != 0 {
		t.Errorf("a conformant exchange reported findings:\n%s", fs)
	}
}

// TestRedirectReturnedNotFollowed: an upstream's redirect to another
// server goes back to the client with its Location as sent; the other
// server sees nothing, so the client's key never reaches it.
func TestRedirectReturnedNotFollowed(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(other.Close)
	location := other.URL + "/v1/client-side-access-tokens/%41x?y=%2f#frag"
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Location"] = []string{location}
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(upstream.Close)
	s := startProxy(t, upstream.URL, proxy.Options{})
	for _, method := range []string{http.MethodGet, http.MethodDelete, http.MethodPost} {
		path := listPath
		if method == http.MethodDelete {
			path += "/ck-let-someSECRETtoken000000001"
		}
		resp, _ := s.do(t, method, path, "", auth(testKey))
		if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != location {
			t.Errorf("%s: client got %d Location %q, want 307 and %q", method, resp.StatusCode, resp.Header.Get("Location"), location)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the redirect's target received %d requests, want none", n)
	}
	if fs := s.findings(); !slices.ContainsFunc(fs, func(f contract.Finding) bool { return f.Check == contract.CheckStatus }) {
		t.Errorf("an undocumented 307 was not reported:\n%s", fs)
	}
}

// driftingUpstream ignores offset, limit and agentId, and renamed
// expiresAt: every page is the same three tokens, of two agents.
func driftingUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	tok := func(i int, agent string) string {
		return fmt.Sprintf(`{"token":"ck-let-driftSECRET00000000000%d","hostname":"https://a.example.com","expires_at":"2030-01-01T00:00:00.000Z","policy":{"version":"1","data":[{"type":"agent","id":%q,"access":["read_messages"]}]}}`, i, agent)
	}
	page := `{"tokens":[` + tok(1, "agent-a") + "," + tok(2, "agent-b") + "," + tok(3, "agent-a") + `],"hasNextPage":true}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, page)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func checksOf(fs contract.Findings) map[contract.Check]int {
	out := map[contract.Check]int{}
	for _, f := range fs {
		out[f.Check]++
	}
	return out
}

// TestDriftingUpstreamIsReported: the schema (a renamed field), a page
// over limit, a filter the upstream ignored and a walk that sees its
// tokens again are each reported, named by their operation; and each
// kind of finding once however often it recurs, while Stats counts every
// breaking one.
func TestDriftingUpstreamIsReported(t *testing.T) {
	s := startProxy(t, driftingUpstream(t).URL, proxy.Options{})
	for range 3 {
		for _, q := range []string{"?limit=2&offset=0", "?limit=2&offset=2", "?agentId=agent-a"} {
			resp, _ := s.do(t, http.MethodGet, listPath+q, "", auth(testKey))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
		}
	}
	reported := s.findings()
	checks := checksOf(reported)
	for _, c := range []contract.Check{contract.CheckSchema, contract.CheckPageSize, contract.CheckAgentFilter, contract.CheckPagination} {
		if checks[c] == 0 {
			t.Errorf("no %s finding; got:\n%s", c, reported)
		}
	}
	for _, f := range reported {
		if !strings.HasPrefix(f.Message, "list: ") {
			t.Errorf("finding does not name its operation: %s", f)
		}
	}
	if d := reported.Dedupe(); len(d) != len(reported) {
		t.Errorf("a kind of finding reported twice:\n%s\none of each:\n%s", reported, d)
	}
	if !slices.EqualFunc(reported, s.p.Findings(), func(a, b contract.Finding) bool { return a == b }) {
		t.Errorf("Findings() differs from what OnFinding received")
	}
	st := s.p.Stats()
	if st.Validated != 9 || st.Breaking <= len(reported.Breaking()) {
		t.Errorf("stats %+v: want 9 validated and every repeat counted (more than %d breaking)", st, len(reported.Breaking()))
	}
}

// TestEchoedKeyIsNeverPrinted: an upstream that echoes the client's key
// (not shaped like a Letta key) as member names, plainly, %-encoded and
// \u-escaped, and in a Content-Type, yields findings that hold no form of
// it, not even a long part.
func TestEchoedKeyIsNeverPrinted(t *testing.T) {
	var pct, uesc strings.Builder
	for i := 0; i < len(testKey); i++ {
		fmt.Fprintf(&pct, "%%%02X", testKey[i])
		fmt.Fprintf(&uesc, `\\u%04x`, testKey[i]) // in JSON source: the name holds \u0070…
	}
	body := fmt.Sprintf(`{"tokens":[],"hasNextPage":false,%q:1,%q:2,"%s":3,"long-%s":4}`,
		testKey, pct.String(), uesc.String(), strings.Repeat("x", 190)+testKey)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("html") != "" {
			w.Header().Set("Content-Type", "text/html; k="+testKey)
			io.WriteString(w, "<html>"+testKey+"</html>")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	t.Cleanup(upstream.Close)
	s := startProxy(t, upstream.URL, proxy.Options{})
	s.do(t, http.MethodGet, listPath, "", auth(testKey))
	s.do(t, http.MethodGet, listPath+"?html=1", "", auth(testKey))

	reported := s.findings()
	// The key's three spellings as member names mask to one name, and so
	// make one kind of finding; the long name is another.
	if checks := checksOf(reported); checks[contract.CheckUnknownField] < 2 || checks[contract.CheckContentType] != 1 {
		t.Fatalf("want the echoes reported (unknown fields, content type); got:\n%s", reported)
	}
	var lower, uescUpper strings.Builder
	for i := 0; i < len(testKey); i++ {
		fmt.Fprintf(&lower, "%%%02x", testKey[i])
		fmt.Fprintf(&uescUpper, `\u%04X`, testKey[i])
	}
	forms := []string{testKey, pct.String(), lower.String(), strings.ReplaceAll(uesc.String(), `\\`, `\`), uescUpper.String(),
		testKey[:len(testKey)-6], url.QueryEscape(testKey)}
	for _, form := range forms[:5] {
		// As a finding quotes a string (Go syntax): \u0070….
		forms = append(forms, strconv.Quote(form)[1:len(strconv.Quote(form))-1])
	}
	for _, f := range reported {
		line := f.String()
		for _, form := range forms {
			if strings.Contains(line, form) {
				t.Errorf("finding holds the key as %q: %s", form, line)
			}
		}
	}
}

// TestOverCapBodyForwardedWhole: a body over the cap reaches the client
// whole and byte for byte, and is counted as not validated, not reported
// as drift.
func TestOverCapBodyForwardedWhole(t *testing.T) {
	page := string(pageBody(200))
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, page)
	}))
	t.Cleanup(upstream.Close)
	s := startProxy(t, upstream.URL, proxy.Options{MaxBodyBytes: 1024})
	resp, got := s.do(t, http.MethodGet, listPath+"?limit=500", "", auth(testKey))
	if resp.StatusCode != http.StatusOK || string(got) != page {
		t.Errorf("client got %d and %d bytes, want 200 and the upstream's %d bytes", resp.StatusCode, len(got), len(page))
	}
	if st := s.p.Stats(); st.NotValidated != 1 || st.OverCap != 1 || st.Validated != 0 || st.Breaking != 0 {
		t.Errorf("stats %+v: want 1 not validated, over the cap, and no breaking finding", st)
	}
	if fs := s.findings(); len(fs) != 0 {
		t.Errorf("findings:\n%s\nwant none: a body over the cap is counted, not drift", fs)
	}
	wantNotes(t, s.p, fmt.Sprintf("1 exchanges had a body over the cap (a response over 4 MiB, a request over %d bytes): forwarded whole, not validated", contract.MaxRequestBodyBytes), nothingChecked)
}

// TestRetriedAnswersAreNotValidated: an answer clients retry
// (Options.Retryable: 429, 5xx) reaches the client as it is, and is noted,
// not validated: it is no verdict on the spec.
func TestRetriedAnswersAreNotValidated(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			io.WriteString(w, "<p>busy</p>")
		}))
		t.Cleanup(upstream.Close)
		s := startProxy(t, upstream.URL, proxy.Options{Retryable: lettatokens.Retryable})
		if resp, got := s.do(t, http.MethodGet, listPath, "", auth(testKey)); resp.StatusCode != status || string(got) != "<p>busy</p>" {
			t.Errorf("client got %d %q, want the upstream's %d", resp.StatusCode, got, status)
		}
		if st, fs := s.p.Stats(), s.findings(); st.Retried != 1 || st.NotValidated != 1 || st.Validated != 0 || len(fs) != 0 {
			t.Errorf("%d: stats %+v, findings:\n%s\nwant 1 retried, not validated, no finding", status, st, fs)
		}
		wantNotes(t, s.p, "1 answers were ones clients retry (429, 5xx): forwarded, not validated", nothingChecked)
	}
}

const nothingChecked = "nothing was checked: no exchange of list, create or delete was validated"

// wantNotes checks the notes of p's report, in order.
func wantNotes(t *testing.T, p *proxy.Proxy, want ...string) {
	t.Helper()
	if got := p.Report().Notes; !slices.Equal(got, want) {
		t.Errorf("report notes %q, want %q", got, want)
	}
}

// TestUnreachableUpstream: a request the upstream does not answer, of
// the three operations or another endpoint, gets a 502 and is counted,
// for the exit status.
func TestUnreachableUpstream(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	s := startProxy(t, dead.URL, proxy.Options{})
	for _, path := range []string{listPath, "/v1/agents"} {
		if resp, _ := s.do(t, http.MethodGet, path, "", auth(testKey)); resp.StatusCode != http.StatusBadGateway {
			t.Errorf("%s: status %d, want 502", path, resp.StatusCode)
		}
	}
	if st := s.p.Stats(); st.Requests != 2 || st.Unreachable != 2 {
		t.Errorf("stats %+v, want 2 requests, 2 unreachable", st)
	}
}

// TestNewTakesOnlyHTTPUpstreams: New takes an http or https upstream
// with a host, and no credentials, query or fragment.
func TestNewTakesOnlyHTTPUpstreams(t *testing.T) {
	for raw, ok := range map[string]bool{"https://api.letta.com": true, "http://127.0.0.1:1/gw": true, "ftp://api.letta.com": false,
		"https://": false, "https://u:p@api.letta.com": false, "https://api.letta.com?x=1": false, "https://api.letta.com#x": false} {
		u, _ := url.Parse(raw)
		if _, err := proxy.New(proxy.Options{Upstream: u}); (err == nil) != ok {
			t.Errorf("%s: error %v, want accepted %t", raw, err, ok)
		}
	}
	if _, err := proxy.New(proxy.Options{}); err == nil {
		t.Error("no upstream was accepted")
	}
}

// TestUnreadableRequestBodyIsNotSent: a create whose body the client
// breaks off gets a 400 from the proxy; the upstream never sees it, and it
// is not counted as the upstream's failure.
func TestUnreadableRequestBodyIsNotSent(t *testing.T) {
	var hits atomic.Int32
	up := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(up.Close)
	u, _ := url.Parse(up.URL)
	p, err := proxy.New(proxy.Options{Upstream: u})
	if err != nil {
		t.Fatal(err)
	}
	for _, declared := range []int64{-1, 100} {
		r := httptest.NewRequest(http.MethodPost, listPath, io.MultiReader(strings.NewReader(`{"policy":`), iotest.ErrReader(io.ErrUnexpectedEOF)))
		r.ContentLength = declared
		r.Header.Set("Authorization", "Bearer "+testKey)
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "request body could not be read") {
			t.Errorf("Content-Length %d: %d %q, want 400 naming the body", declared, w.Code, w.Body)
		}
	}
	if st := p.Stats(); hits.Load() != 0 || st.Unreachable != 0 || st.Validated != 0 {
		t.Errorf("upstream hit %d times, stats %+v", hits.Load(), st)
	}
}

// TestConformantWalksReportNothing: walks of the mock through the proxy,
// sequential, with a page fetched again, out of order, at two page sizes
// and with a delete in between (which shifts positions), report nothing.
func TestConformantWalksReportNothing(t *testing.T) {
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(60)})
	s := startProxy(t, srv.URL, proxy.Options{})
	get := func(q string) (page struct {
		Tokens []struct {
			Token string `json:"token"`
		} `json:"tokens"`
		HasNextPage bool `json:"hasNextPage"`
	}) {
		resp, body := s.do(t, http.MethodGet, listPath+q, "", auth(testKey))
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &page) != nil {
			t.Fatalf("%s: %d %s", q, resp.StatusCode, body)
		}
		return page
	}
	for _, limit := range []int{7, 25} {
		for offset := 0; ; {
			page := get(fmt.Sprintf("?limit=%d&offset=%d", limit, offset))
			get(fmt.Sprintf("?limit=%d&offset=%d", limit, offset)) // fetched again
			offset += len(page.Tokens)
			if !page.HasNextPage {
				break
			}
		}
	}
	get("?limit=10&offset=20") // out of order, after offset 0
	first := get("?limit=10&offset=0")
	get("?limit=10&offset=20")
	resp, _ := s.do(t, http.MethodDelete, listPath+"/"+first.Tokens[0].Token, "", auth(testKey))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	get("?limit=10&offset=10") // every token one place earlier
	if fs := s.findings(); len(fs) != 0 {
		t.Errorf("conformant walks reported:\n%s", fs)
	}
}

// TestRecordRoundTrip: a session against the mock, recorded, becomes
// fixtures that the contract's fixture parser reads and its validator
// accepts; no file holds the key or a real token value, and the fake of
// the created token is the one its list and its delete show.
func TestRecordRoundTrip(t *testing.T) {
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(3), APIKey: testKey})
	dir := t.TempDir()
	s := startProxy(t, srv.URL, proxy.Options{RecordDir: dir})
	var real []string
	_, body := s.do(t, http.MethodGet, listPath+"?limit=2", "", auth(testKey))
	real = append(real, tokensIn(t, body)...)
	h := auth(testKey)
	h.Set("Content-Type", "application/json")
	resp, body := s.do(t, http.MethodPost, listPath, createBody(mock.SeedAgentID(9)), h)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	var created struct{ Token string }
	json.Unmarshal(body, &created)
	real = append(real, created.Token)
	_, body = s.do(t, http.MethodGet, listPath+"?agentId="+mock.SeedAgentID(9), "", auth(testKey))
	real = append(real, tokensIn(t, body)...)
	if resp, _ := s.do(t, http.MethodDelete, listPath+"/"+url.PathEscape(created.Token), "", auth(testKey)); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}

	st := s.p.Stats()
	names, _ := filepath.Glob(filepath.Join(dir, "*.http"))
	if len(names) != 4 || st.Recorded != 4 {
		t.Fatalf("recorded %q (stats %+v), want 4 fixtures", names, s.p.Stats())
	}
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	fakes := map[string][]string{}
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range append(real, testKey) {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s holds a secret %s", filepath.Base(name), redact.Token(secret))
			}
		}
		if bytes.Contains(raw, []byte("Authorization")) {
			t.Errorf("%s keeps the Authorization header", filepath.Base(name))
		}
		f, err := contract.ParseFixture(raw)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(name), err)
		}
		if fs := v.ValidateFixture(f); fs.HasBreaking() {
			t.Errorf("%s is not conformant:\n%s", filepath.Base(name), fs)
		}
		fakes[filepath.Base(name)] = tokensIn(t, f.Body)
		if f.Request.Method == http.MethodDelete {
			fakes["delete-path"] = []string{f.Request.URL.Path[len(listPath)+1:]}
		}
	}
	createdFake := fakes["000002-create.http"]
	if len(createdFake) != 1 || !strings.Contains(createdFake[0], "SECRET") ||
		!slices.Equal(fakes["000003-list.http"], createdFake) || !slices.Equal(fakes["delete-path"], createdFake) {
		t.Errorf("fakes %q: want the created token's fake in the create, the filtered list and the delete path", fakes)
	}
}

// tokensIn returns the token values of a page or a created token.
func tokensIn(t *testing.T, body []byte) []string {
	t.Helper()
	var page struct {
		Token  string
		Tokens []struct{ Token string }
	}
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	var out []string
	if page.Token != "" {
		out = append(out, page.Token)
	}
	for _, tok := range page.Tokens {
		out = append(out, tok.Token)
	}
	return out
}

// TestOverCapRequestBodyForwardedWhole: a request body of one byte over
// the validator's cap, of a declared length or not, reaches the upstream
// whole, and is counted as not validated, not reported as drift; one of
// exactly the cap is validated.
func TestOverCapRequestBodyForwardedWhole(t *testing.T) {
	var got atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got.Store(n)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, createdJSON)
	}))
	t.Cleanup(upstream.Close)
	for _, size := range []int{contract.MaxRequestBodyBytes, contract.MaxRequestBodyBytes + 1} {
		for _, declared := range []bool{true, false} {
			s := startProxy(t, upstream.URL, proxy.Options{})
			body := `{"hostname":"https://app.example.com","pad":"` + strings.Repeat("x", size-len(`{"hostname":"https://app.example.com","pad":""}`)) + `"}`
			var rd io.Reader = strings.NewReader(body)
			if !declared {
				rd = io.MultiReader(rd) // sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, s.url+listPath, rd)
			req.Header = auth(testKey)
			req.Header.Set("Content-Type", "application/json")
			resp, err := s.client.Do(req)
			if err != nil || resp.StatusCode != http.StatusCreated {
				t.Fatalf("%d bytes: %v %v", size, resp, err)
			}
			resp.Body.Close()
			over := size - contract.MaxRequestBodyBytes
			if st := s.p.Stats(); got.Load() != int64(size) || st.OverCap != over || st.Validated != 1 || over == 1 && st.Breaking != 0 {
				t.Errorf("%d bytes, length declared %t: upstream received %d, stats %+v (%d over the cap): want all, %d over the cap", size, declared, got.Load(), st, st.OverCap, over)
			}
		}
	}
}

// TestUpstreamPathPrefix: an upstream with a path prefix (a gateway's)
// gets the client's path behind it, and the exchange is still validated.
func TestUpstreamPathPrefix(t *testing.T) {
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(3)})
	var uri atomic.Value
	target, _ := url.Parse(srv.URL)
	forward := httputil.NewSingleHostReverseProxy(target)
	gateway := httptest.NewServer(http.StripPrefix("/gw", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uri.Store(r.URL.RequestURI())
		forward.ServeHTTP(w, r)
	})))
	t.Cleanup(gateway.Close)
	s := startProxy(t, gateway.URL+"/gw", proxy.Options{})
	if resp, body := s.do(t, http.MethodGet, listPath+"?limit=2", "", auth(testKey)); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if got := uri.Load(); got != listPath+"?limit=2" {
		t.Errorf("behind the prefix the gateway saw %v", got)
	}
	if st := s.p.Stats(); st.Validated != 1 || len(s.findings()) != 0 {
		t.Errorf("stats %+v, findings %s: want 1 validated, none", st, s.findings())
	}
}
