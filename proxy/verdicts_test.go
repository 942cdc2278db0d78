package proxy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
	"github.com/letta-tokens/letta-tokens/proxy"
)

// TestClientMistakesAreNotDrift: invalid requests (limit 2.5, offset -5,
// a create without a policy) that the upstream refuses with a 4xx, and a
// wrong key refused with a 401 (an app's test of it: check does not call
// it drift either), are counted apart, not reported as drift; an upstream
// that accepts an invalid request, or answers it 500, still gets the
// request finding; any 4xx to a request without a key is the client's
// mistake. The report notes the mistakes and the refused key, and nothing
// it did not see.
func TestClientMistakesAreNotDrift(t *testing.T) {
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(3), APIKey: testKey})
	s := startProxy(t, srv.URL, proxy.Options{})
	for _, q := range []string{"?limit=2.5", "?offset=-5"} {
		if resp, _ := s.do(t, http.MethodGet, listPath+q, "", auth(testKey)); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want the mock's 400", q, resp.StatusCode)
		}
	}
	h := auth(testKey)
	h.Set("Content-Type", "application/json")
	if resp, _ := s.do(t, http.MethodPost, listPath, `{"hostname":"x"}`, h); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("create: status %d, want 400", resp.StatusCode)
	}
	if resp, _ := s.do(t, http.MethodGet, listPath, "", auth("proxy-wrong-key-0123456789")); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want the mock's 401", resp.StatusCode)
	}
	if fs := s.findings(); len(fs) != 0 {
		t.Errorf("a client's refused mistakes were reported:\n%s", fs)
	}
	st := s.p.Stats()
	if st.ClientErrors != 3 || st.Rejected != 1 || st.Validated != 4 || st.Breaking != 0 || st.ClientError != `list: query parameter "limit": not a valid integer (/query/limit)` {
		t.Errorf("stats %+v, first client error %q: want 3 client errors, the first named, 1 key rejected, and nothing breaking", st, st.ClientError)
	}
	// The report notes what was not drift, and nothing it did not see.
	notes := []string{
		`3 requests were invalid and refused by the upstream (4xx): the client's mistake, not drift; the first: ` + st.ClientError,
		"1 exchanges were refused by the upstream for their credentials (401/403); not drift",
	}
	if r := s.p.Report(); !slices.Equal(r.Notes, notes) || r.Producer != contract.ProducerProxy || r.Exchanges != 4 {
		t.Errorf("report from %s of %d exchanges, notes %q; want the proxy's, of 4, notes %q", r.Producer, r.Exchanges, r.Notes, notes)
	}

	accepting := startProxy(t, driftingUpstream(t).URL, proxy.Options{})
	accepting.do(t, http.MethodGet, listPath+"?limit=2.5", "", auth(testKey))
	if checks := checksOf(accepting.findings()); checks[contract.CheckRequest] != 1 {
		t.Errorf("an invalid request answered 200 was not reported:\n%s", accepting.findings())
	}
	wantNotes(t, accepting.p) // none: every exchange was validated
	// Any 4xx, one the spec does not list included, is the upstream's
	// answer to the mistake (an invalid query, no key); a 500 is not.
	for _, tt := range []struct {
		status   int
		query    string
		header   http.Header
		mistakes int
	}{{499, "?limit=2.5", auth(testKey), 1}, {499, "", nil, 1}, {500, "?limit=2.5", auth(testKey), 0}} {
		up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tt.status)
			io.WriteString(w, `{"detail":"no"}`)
		}))
		t.Cleanup(up.Close)
		s := startProxy(t, up.URL, proxy.Options{})
		s.do(t, http.MethodGet, listPath+tt.query, "", tt.header)
		if st, fs := s.p.Stats(), s.findings(); st.ClientErrors != tt.mistakes || (len(fs) == 0) != (tt.mistakes == 1) {
			t.Errorf("status %d to %q (key sent: %t): %d client errors, findings:\n%s\nwant %d, and findings only for a 500", tt.status, tt.query, tt.header != nil, st.ClientErrors, fs, tt.mistakes)
		}
	}
}

// scriptedUpstream serves list pages from pages(offset, limit, agentId),
// a create with created, and a delete with 204.
func scriptedUpstream(t *testing.T, pages func(offset, limit int, agent string) (tokens []string, more bool)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
			return
		case http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, createdJSON)
			return
		}
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		toks, more := pages(offset, limit, q.Get("agentId"))
		var items []string
		for _, tok := range toks {
			items = append(items, fmt.Sprintf(`{"token":%q,"hostname":"https://a.example.com","expiresAt":"2030-01-01T00:00:00.000Z","policy":{"version":"1","data":[{"type":"agent","id":"agent-1","access":["read_messages"]}]}}`, tok))
		}
		fmt.Fprintf(w, `{"tokens":[%s],"hasNextPage":%t}`, strings.Join(items, ","), more)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// tokenRange is the tokens named from..to-1.
func tokenRange(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("ck-let-walkSECRET%012d", i))
	}
	return out
}

// TestDriftAcrossExchanges: what only two exchanges show is a finding,
// where the proxy saw both, with its exact offsets and counts: a short
// page that says there is more, and an empty page where it ends (in
// either order); hasNextPage false on a full or an empty page while a
// further offset returns tokens (in either order; the first answer of a
// page fetched twice is quoted); a page that repeats one token, or two;
// a complete listing, filtered by the token's agent, that omits a token
// the key just created; a token listed after its delete was answered
// 204. An empty listing is no finding.
func TestDriftAcrossExchanges(t *testing.T) {
	const createdToken = "ck-let-upstreamSECRET000000000001"
	for _, tt := range []struct {
		name    string
		pages   func(offset, limit int, agent string) ([]string, bool)
		session []string // "GET query", "POST", "DELETE token"
		check   contract.Check
		message string
	}{
		{"short page says more, then nothing",
			func(offset, limit int, _ string) ([]string, bool) {
				if offset == 0 {
					return tokenRange(0, 7), true
				}
				return nil, false
			},
			[]string{"GET ?limit=10", "GET ?limit=10&offset=7"},
			contract.CheckPagination, "fewer than limit 10, and said hasNextPage: true, but offset 7 returned none"},
		{"out of order: the empty page first",
			func(offset, limit int, _ string) ([]string, bool) {
				if offset == 0 {
					return tokenRange(0, 7), true
				}
				return nil, false
			},
			[]string{"GET ?limit=10&offset=7", "GET ?limit=10"},
			contract.CheckPagination, "fewer than limit 10, and said hasNextPage: true, but offset 7 returned none"},
		{"full page says no more, a further offset has tokens",
			func(offset, limit int, _ string) ([]string, bool) {
				if offset == 0 {
					return tokenRange(0, 10), false
				}
				return tokenRange(offset, offset+3), false
			},
			[]string{"GET ?limit=10", "GET ?limit=10&offset=10"},
			contract.CheckPagination, "said hasNextPage: false, but offset 10 returned 3 tokens in this client's walk"},
		{"out of order: the further page first",
			func(offset, limit int, _ string) ([]string, bool) {
				if offset == 0 {
					return tokenRange(0, 10), false
				}
				return tokenRange(offset, offset+3), false
			},
			[]string{"GET ?limit=10&offset=10", "GET ?limit=10&offset=0"},
			contract.CheckPagination, "said hasNextPage: false, but offset 10 returned 3 tokens in this client's walk"},
		{"an empty first page says no more, a further offset has tokens",
			func(offset, limit int, _ string) ([]string, bool) {
				if offset == 0 {
					return nil, false
				}
				return tokenRange(offset, offset+3), false
			},
			[]string{"GET ?limit=10", "GET ?limit=10&offset=10"},
			contract.CheckPagination, "the page at offset 0 (0 tokens) said hasNextPage: false, but offset 10 returned 3 tokens in this client's walk"},
		{"a page repeats a token",
			func(offset, limit int, _ string) ([]string, bool) {
				if offset == 0 {
					return tokenRange(0, 5), true
				}
				return tokenRange(4, 7), false
			},
			[]string{"GET ?limit=5", "GET ?limit=5&offset=5"},
			contract.CheckPagination, "token at offset 5 was already returned at offset 4 in this client's walk"},
		{"a page repeats two tokens",
			func(offset, limit int, _ string) ([]string, bool) {
				if offset == 0 {
					return tokenRange(0, 5), true
				}
				return append(tokenRange(9, 10), tokenRange(3, 5)...), false
			},
			[]string{"GET ?limit=5", "GET ?limit=5&offset=5"},
			contract.CheckPagination, "token at offset 6 was already returned at offset 3 in this client's walk (2 tokens of this page from index 1 repeat earlier ones)"},
		{"the furthest page fetched twice: its first answer is quoted",
			func() func(int, int, string) ([]string, bool) {
				n := 4
				return func(offset, limit int, _ string) ([]string, bool) {
					if offset == 0 {
						return tokenRange(0, 10), false
					}
					n--
					return tokenRange(10, 10+n), false
				}
			}(),
			[]string{"GET ?limit=10&offset=10", "GET ?limit=10&offset=10", "GET ?limit=10"},
			contract.CheckPagination, "the page at offset 0 (10 tokens) said hasNextPage: false, but offset 10 returned 3 tokens in this client's walk"},
		{"an empty listing is no drift",
			func(offset, limit int, _ string) ([]string, bool) { return nil, false },
			[]string{"GET ?limit=10"}, "", ""},
		{"filtered listing omits a created token",
			func(offset, limit int, agent string) ([]string, bool) { return tokenRange(0, 2), false },
			[]string{"POST", "GET ?agentId=agent-1"},
			contract.CheckAgentFilter, "missing from the complete listing filtered by agentId (2 tokens)"},
		{"unfiltered listing omits a created token",
			func(offset, limit int, agent string) ([]string, bool) {
				if offset == 0 {
					return tokenRange(0, 5), true
				}
				return tokenRange(5, 8), false
			},
			[]string{"POST", "GET ?limit=5", "GET ?limit=5&offset=5"},
			contract.CheckRoundTrip, "missing from the complete listing (8 tokens)"},
		{"a deleted token is listed again",
			func(offset, limit int, agent string) ([]string, bool) { return tokenRange(0, 3), false },
			[]string{"GET ?limit=5", "DELETE " + tokenRange(0, 3)[1], "GET ?limit=5"},
			contract.CheckRoundTrip, "token at offset 1 is listed after its delete was answered 204"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := startProxy(t, scriptedUpstream(t, tt.pages).URL, proxy.Options{})
			for _, step := range tt.session {
				method, arg, _ := strings.Cut(step, " ")
				h := auth(testKey)
				switch method {
				case http.MethodGet:
					s.do(t, method, listPath+arg, "", h)
				case http.MethodPost:
					h.Set("Content-Type", "application/json")
					s.do(t, method, listPath, createBody("agent-1"), h)
				case http.MethodDelete:
					s.do(t, method, listPath+"/"+url.PathEscape(arg), "", h)
				}
			}
			fs := s.findings()
			if tt.message == "" && len(fs) != 0 {
				t.Errorf("findings:\n%s\nwant none", fs)
			}
			if tt.message != "" && (len(fs) != 1 || fs[0].Check != tt.check || fs[0].Severity != contract.Breaking || !strings.HasSuffix(fs[0].Message, tt.message)) {
				t.Errorf("findings:\n%s\nwant one breaking %s finding ending %q", fs, tt.check, tt.message)
			}
			if strings.Contains(fs.String(), createdToken) || strings.Contains(fs.String(), "walkSECRET") {
				t.Errorf("a finding holds a token value:\n%s", fs)
			}
		})
	}
}

// TestAnotherKeysChangeIsNoPaginationDrift: a client walks, another key
// deletes a token (the account is theirs too), and the client lists
// again, its pages arriving out of order (fetched ahead): the shifted
// positions are no repeat.
func TestAnotherKeysChangeIsNoPaginationDrift(t *testing.T) {
	srv := mocktest.NewServer(t, mock.Options{Tokens: mock.SeedTokens(30)})
	s := startProxy(t, srv.URL, proxy.Options{})
	var first struct{ Tokens []struct{ Token string } }
	_, body := s.do(t, http.MethodGet, listPath+"?limit=10&offset=0", "", auth(testKey))
	if err := json.Unmarshal(body, &first); err != nil || len(first.Tokens) != 10 {
		t.Fatalf("first page: %v %s", err, body)
	}
	s.do(t, http.MethodGet, listPath+"?limit=10&offset=10", "", auth(testKey))
	const other = "proxy-other-key-0123456789abcdef"
	if resp, _ := s.do(t, http.MethodDelete, listPath+"/"+first.Tokens[0].Token, "", auth(other)); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	var wg sync.WaitGroup
	s.do(t, http.MethodGet, listPath+"?limit=10&offset=10", "", auth(testKey)) // ahead of offset 0
	for _, off := range []int{0, 20} {
		wg.Go(func() { s.do(t, http.MethodGet, listPath+"?limit=10&offset="+strconv.Itoa(off), "", auth(testKey)) })
	}
	wg.Wait()
	if fs := s.findings(); len(fs) != 0 {
		t.Errorf("a change by another key was reported as drift:\n%s", fs)
	}
}

// TestWalksFollowTheOrderOfAnswers: a listing asked for as soon as a
// create's answer began (on another connection) is judged after the
// create, however much longer the create takes to validate (half a
// million values): the listing that omits the created token is a finding.
func TestWalksFollowTheOrderOfAnswers(t *testing.T) {
	created := strings.TrimSuffix(createdJSON, "}") + `,"padding":[` + strings.Repeat(`{"a":1},`, 500_000) + `{}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, created)
			return
		}
		io.WriteString(w, `{"tokens":[],"hasNextPage":false}`)
	}))
	t.Cleanup(srv.Close)
	s := startProxy(t, srv.URL, proxy.Options{})
	req, _ := http.NewRequest(http.MethodPost, s.url+listPath, strings.NewReader(createBody("agent-1")))
	req.Header = auth(testKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s.do(t, http.MethodGet, listPath+"?agentId=agent-1", "", auth(testKey))
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if checks := checksOf(s.findings()); checks[contract.CheckAgentFilter] != 1 {
		t.Errorf("findings:\n%s\nwant the created token missing from the filtered listing", s.findings())
	}
}

// TestAnswerIsNotHeldForValidation: the client has its answer before the
// exchange is validated, and Stats and Findings wait for the validation.
func TestAnswerIsNotHeldForValidation(t *testing.T) {
	// The client asks twice on one kept-alive connection while the first
	// exchange's validation is held: both answers must come.
	answered := make(chan struct{})
	u, _ := url.Parse(driftingUpstream(t).URL)
	p, err := proxy.New(proxy.Options{Upstream: u, OnFinding: func(contract.Finding) {
		select {
		case <-answered:
		case <-time.After(5 * time.Second):
			t.Error("the client had no answers while its first exchange was being validated")
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	for i := range 2 {
		reused := false
		trace := &httptrace.ClientTrace{GotConn: func(c httptrace.GotConnInfo) { reused = c.Reused }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, ts.URL+listPath, nil)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if i == 1 && !reused {
			t.Fatal("the second request did not reuse the connection")
		}
	}
	close(answered)
	if st := p.Stats(); st.Validated != 2 || st.Breaking == 0 || len(p.Findings()) == 0 {
		t.Errorf("stats %+v, findings %s: want both exchanges validated, with their findings", st, p.Findings())
	}
}

// TestOnFindingPanicStopsNothing: a panicking OnFinding ends its own call
// only: the proxy goes on answering and validating, and the finding is kept.
func TestOnFindingPanicStopsNothing(t *testing.T) {
	u, _ := url.Parse(driftingUpstream(t).URL)
	p, err := proxy.New(proxy.Options{Upstream: u, OnFinding: func(contract.Finding) { panic("callback") }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	for range 2 {
		resp, err := ts.Client().Get(ts.URL + listPath)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if st := p.Stats(); st.Validated != 2 || st.NotValidated != 0 || len(p.Findings()) == 0 {
		t.Errorf("stats %+v, findings %s: want both exchanges validated, with their findings", st, p.Findings())
	}
}
