package mock_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/mock"
)

// model is the account as a plain slice, the reference a mock must serve:
// creates appended, deletes removed, the agent filter a linear scan.
type model []gen.Token

func (m model) page(agentID string, offset, limit int) gen.TokenPage {
	var view []gen.Token
	for _, t := range m {
		if agentID == "" || namesAgent(t, agentID) {
			view = append(view, t)
		}
	}
	start := min(offset, len(view))
	end := start + min(limit, len(view)-start)
	return gen.TokenPage{Tokens: append([]gen.Token{}, view[start:end]...), HasNextPage: end < len(view)}
}

// modelMax bounds the seeded accounts the model tests build.
const modelMax = 4000

var modelSeed = sync.OnceValue(func() []gen.Token { return mock.SeedTokens(modelMax) })

// checkPage asks h for a page and wants the bytes json.Marshal gives the
// model's page: whole or streamed, the same JSON.
func checkPage(t *testing.T, h http.Handler, m model, agentID string, offset, limit int) {
	t.Helper()
	q := url.Values{"offset": {fmt.Sprint(offset)}, "limit": {fmt.Sprint(limit)}, "agentId": {agentID}}.Encode()
	want, err := json.Marshal(m.page(agentID, offset, limit))
	if err != nil {
		t.Fatal(err)
	}
	rec := call(h, http.MethodGet, listPath+"?"+q, "")
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) {
		t.Fatalf("%d tokens, %s: status %d\n%.400s\nwant\n%.400s", len(m), q, rec.Code, rec.Body, want)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q", q, ct)
	}
}

// checkPages checks the pages that matter: at either end, around the
// middle and past the end, empty, short and whole, for each agent.
func checkPages(t *testing.T, h http.Handler, m model, agentIDs []string) {
	t.Helper()
	n := len(m)
	for _, agentID := range agentIDs {
		for _, offset := range []int{0, 3, n / 3, n - 1, n, n + 1, 1 << 62} {
			for _, limit := range []int{0, 1, 4, n, 1<<63 - 1} {
				checkPage(t, h, m, agentID, max(offset, 0), limit)
			}
		}
	}
}

// call serves one authorised request to h.
func call(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// modelAgents are the agents the model tests create tokens for and list.
var modelAgents = []string{mock.SeedAgentID(0), mock.SeedAgentID(3), "agent-created-only"}

// newModelMock is a mock of n tokens and its model: SeedCount when
// loaded is false; else Options.Tokens, the seed with every 7th token
// repeating the value before it (a delete removes both) and every 11th
// naming an agent "" (not a filter: agentId= lists all), then its first
// agent again (it is listed once).
func newModelMock(t *testing.T, n int, loaded bool) (http.Handler, model) {
	t.Helper()
	m := model(slices.Clone(modelSeed()[:n]))
	if !loaded {
		return newHandler(t, mock.Options{SeedCount: n, APIKey: testKey}), m
	}
	for i := range m {
		m[i].Policy.Data = slices.Clone(m[i].Policy.Data)
		if i%7 == 6 {
			m[i].Token = m[i-1].Token
		}
		if i%11 == 10 {
			m[i].Policy.Data = append(m[i].Policy.Data, agentPolicy(""), m[i].Policy.Data[0])
		}
	}
	return newHandler(t, mock.Options{Tokens: m, APIKey: testKey}), m
}

// createToken is m after a create through h of a token with policy.
func createToken(t *testing.T, h http.Handler, m model, policy ...gen.AgentPolicy) model {
	body, _ := json.Marshal(gen.CreateTokenRequest{Policy: policy, Hostname: "https://x.example.com"})
	rec := call(h, http.MethodPost, listPath, string(body))
	var tok gen.Token
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &tok) != nil {
		t.Errorf("create: status %d, %s", rec.Code, rec.Body)
		return m
	}
	return append(m, tok)
}

// deleteToken is m after a delete through h of value, which removes
// every token of that value; one that names none must get 400.
func deleteToken(t *testing.T, h http.Handler, m model, value string) model {
	want := http.StatusNoContent
	if !slices.ContainsFunc(m, func(t gen.Token) bool { return t.Token == value }) {
		want = http.StatusBadRequest
	}
	if rec := call(h, http.MethodDelete, deletePath(value), ""); rec.Code != want {
		t.Errorf("delete: status %d, want %d: %s", rec.Code, want, rec.Body)
	}
	return slices.DeleteFunc(slices.Clone(m), func(t gen.Token) bool { return t.Token == value })
}

func agentPolicy(agentID string, access ...gen.AgentAccess) gen.AgentPolicy {
	return gen.AgentPolicy{Type: gen.AgentPolicyTypeAgent, Id: agentID, Access: append([]gen.AgentAccess{}, access...)}
}

// applyOps runs ops against h and the model m, and returns the model
// after them. Each op byte lists a page, creates a token (for one of
// modelAgents, sometimes naming it twice and a seeded agent too), deletes
// a live token, or deletes a gone or unknown value, which must get 400.
func applyOps(t *testing.T, h http.Handler, m model, ops []byte) model {
	t.Helper()
	var gone []string
	for _, op := range ops {
		switch {
		case t.Failed():
			return m
		case op%4 == 0: // list
			agentID := append([]string{""}, modelAgents...)[int(op/4)%4]
			checkPage(t, h, m, agentID, int(op/16)%(len(m)+2), []int{0, 1, 2, 7}[int(op/4)%4])
		case op%4 == 1 || op%4 == 2 && len(m) == 0: // create
			policy := agentPolicy(modelAgents[int(op/4)%len(modelAgents)], gen.AgentAccessReadAgent)
			if op%5 == 0 {
				m = createToken(t, h, m, policy, policy, agentPolicy(mock.SeedAgentID(1)))
			} else {
				m = createToken(t, h, m, policy)
			}
		case op%4 == 2: // delete a live token
			gone = append(gone, m[int(op/4)%len(m)].Token)
			m = deleteToken(t, h, m, gone[len(gone)-1])
		case len(gone) > 0: // delete a gone value
			m = deleteToken(t, h, m, gone[int(op/4)%len(gone)])
		default: // delete an unknown value
			m = deleteToken(t, h, m, fmt.Sprintf("ck-let-mock-%06d-unknown", op))
		}
	}
	return m
}

// TestChangesMatchModel: over a seeded and a loaded account, random
// creates, deletes and lists leave every page (whole and streamed), its
// hasNextPage and the agent filter (by any of a token's agents, unknown,
// empty) exactly as the plain slice model has them. Sizes without changes
// check the seeded filter's arithmetic against a scan around the seed's
// period (15) and past it.
func TestChangesMatchModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	agents := []string{"", "agent-nobody", mock.SeedAgentID(1), mock.SeedAgentID(2), mock.SeedAgentID(4), modelAgents[0], modelAgents[2]}
	for _, tt := range []struct{ n, changes int }{{1, 0}, {2, 0}, {14, 0}, {16, 0}, {31, 0}, {95, 0}, {0, 60}, {15, 30}, {46, 120}, {300, 120}, {1200, 60}} {
		ops := make([]byte, tt.changes)
		for i := range ops {
			ops[i] = byte(rng.IntN(256))
		}
		for _, loaded := range []bool{false, true} {
			t.Run(fmt.Sprintf("n=%d/changes=%d/loaded=%v", tt.n, tt.changes, loaded), func(t *testing.T) {
				h, m := newModelMock(t, tt.n, loaded)
				checkPages(t, h, applyOps(t, h, m, ops), agents)
			})
		}
	}
}

// FuzzChangesMatchModel: for any account size and sequence of creates,
// deletes and lists, the mock serves what the plain slice model does.
func FuzzChangesMatchModel(f *testing.F) {
	f.Add(uint16(25), []byte{1, 2, 0, 6, 12, 3, 4})
	f.Add(uint16(0), []byte{1, 0, 0, 2, 3})
	f.Add(uint16(46), []byte{0, 6, 12, 18, 24, 30, 36, 42, 48, 54, 60, 1, 2})
	f.Add(uint16(301), []byte{5, 10, 20, 40, 80, 160, 3, 9, 27})
	f.Fuzz(func(t *testing.T, n uint16, ops []byte) {
		h, m := newModelMock(t, int(n%300), n%2 == 1)
		checkPages(t, h, applyOps(t, h, m, ops[:min(len(ops), 200)]), []string{"", modelAgents[0]})
	})
}

// FuzzSeedFilter: for any account size, agent, offset and limit, a mock
// of SeedCount tokens serves what a scan of SeedTokens would.
func FuzzSeedFilter(f *testing.F) {
	f.Add(uint16(25), int8(1), uint64(0), uint64(10))
	f.Add(uint16(15), int8(4), uint64(3), uint64(1))
	f.Add(uint16(46), int8(0), uint64(11), uint64(4))
	f.Add(uint16(2999), int8(2), uint64(700), uint64(1100))
	f.Add(uint16(7), int8(-1), uint64(2), uint64(0))
	f.Add(uint16(300), int8(7), uint64(1<<63), uint64(1<<64-1))
	f.Fuzz(func(t *testing.T, n uint16, agent int8, offset, limit uint64) {
		agentID := "" // agent < 0: no filter; >= 5: an agent with no tokens
		if agent >= 0 {
			agentID = mock.SeedAgentID(int(agent))
		}
		n %= 3001
		h := newHandler(t, mock.Options{SeedCount: int(n), APIKey: testKey})
		checkPage(t, h, modelSeed()[:n], agentID, int(offset>>1), int(limit>>1))
	})
}

// pipeWriter is a ResponseWriter whose body goes into a pipe: the handler
// waits at each write until the test reads it.
type pipeWriter struct {
	header http.Header
	*io.PipeWriter
}

func (w pipeWriter) Header() http.Header { return w.header }
func (pipeWriter) WriteHeader(int)       {}

// TestStreamedPageIsTheAccountWhenCut: a page streamed to a client that
// reads slowly is the account as it was when the page was cut, whatever
// deletes and creates run meanwhile, and those changes do not wait for it.
func TestStreamedPageIsTheAccountWhenCut(t *testing.T) {
	const n = modelMax
	agent := mock.SeedAgentID(1) // tokens 5k+1 name it
	for _, agentID := range []string{"", agent} {
		t.Run("agent="+agentID, func(t *testing.T) {
			h, m := newModelMock(t, n, false)
			// Changes before the page, so that those during it change
			// what the account holds rather than start it afresh.
			for _, pos := range []int{3011, 3006, 3001} {
				m = deleteToken(t, h, m, modelSeed()[pos].Token)
			}
			m = createToken(t, h, m, agentPolicy(agent))
			m = createToken(t, h, m, agentPolicy(agent))
			want, err := json.Marshal(m.page(agentID, 0, n))
			if err != nil {
				t.Fatal(err)
			}
			pr, pw := io.Pipe()
			served := make(chan struct{})
			go func() {
				defer close(served)
				defer pw.Close()
				req := httptest.NewRequest(http.MethodGet, listPath+"?"+url.Values{"limit": {fmt.Sprint(n)}, "agentId": {agentID}}.Encode(), nil)
				req.Header.Set("Authorization", "Bearer "+testKey)
				h.ServeHTTP(pipeWriter{http.Header{}, pw}, req)
			}()
			head := make([]byte, 1)
			if _, err := io.ReadFull(pr, head); err != nil {
				t.Fatal(err)
			}
			// The handler now waits to write its first chunk, some 100
			// tokens: every token changed below comes later in the page.
			changed := make(chan model)
			go func() {
				after := deleteToken(t, h, m, modelSeed()[2001].Token)
				after = deleteToken(t, h, after, modelSeed()[3996].Token)
				after = deleteToken(t, h, after, m[len(m)-2].Token)
				changed <- createToken(t, h, after, agentPolicy(agent))
			}()
			var after model
			select {
			case after = <-changed:
			case <-time.After(30 * time.Second):
				pr.Close()
				<-served
				t.Fatal("a change waits for a streamed page's slow reader")
			}
			rest, err := io.ReadAll(pr)
			<-served
			if err != nil {
				t.Fatal(err)
			}
			if got := append(head, rest...); !bytes.Equal(got, want) {
				t.Errorf("the streamed page is not the account when it was cut: %d bytes, want %d", len(got), len(want))
			}
			checkPage(t, h, after, agentID, 0, n)
		})
	}
}
