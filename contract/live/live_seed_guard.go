package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/internal/fingerprint"
	"github.com/letta-tokens/letta-tokens/redact"
)

// A seeded run writes to an account it does not own, through a server it
// does not trust. What a create answers is the server's word: the run
// takes a token for its own, and deletes it, only when the answer proves
// it (see disown). Every create is written in a ledger before it is sent,
// so that however the run ends it can say what it may have left.

// keyedMasker is a masker built for one key.
type keyedMasker struct {
	key string
	m   *redact.Masker
}

// holdsKey reports whether value holds key, a run of its secret part, or
// anything shaped like a key, in any form redact knows (see
// redact.Masker.HoldsKey). key may be empty (the run does not know it):
// the shape still counts. The run's key is found with the run's masker;
// another that a request carries (the client read LETTA_API_KEY itself,
// or a caller's option set one) with one built once.
func (r *liveRun) holdsKey(value, key string) bool {
	if key == r.cfg.APIKey {
		return r.masker.Load().HoldsKey(value)
	}
	o := r.otherKey.Load()
	if o == nil || o.key != key {
		o = &keyedMasker{key, redact.NewMasker(key)}
		r.otherKey.Store(o)
	}
	return o.m.HoldsKey(value)
}

// bearer is the API key a request carries, or "".
func bearer(req *http.Request) string {
	key, _ := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	return key
}

// errKeyInURL is returned, without sending anything, for a request whose
// URL would hold the API key: a path or a query lands in every proxy's and
// server's access log.
var errKeyInURL = errors.New("contract: refused to send a request whose URL holds the API key")

// keyURLGuard refuses any request whose path or query holds the API key
// it carries (see holdsKey): the last guard before a DELETE of a token, or
// an agentId filter on an agent id, that the server chose.
type keyURLGuard struct {
	next     http.RoundTripper
	holdsKey func(value, key string) bool
}

func (g keyURLGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	key := bearer(req)
	for _, p := range chosenParts(req.URL) {
		if g.holdsKey(p, key) {
			if req.Body != nil {
				req.Body.Close() // a RoundTripper closes the body, even on error
			}
			return nil, errKeyInURL
		}
	}
	return g.next.RoundTrip(req)
}

// operationsPath starts the path of every operation: its words are the
// API's, not a server's, and a short mock key ("token") must not match
// them.
const operationsPath = "/v1/client-side-access-tokens"

// chosenParts is what of u a server's data can have chosen: the path
// after the operations' own (a token), and the query's values (an agent
// id), raw and decoded.
func chosenParts(u *url.URL) []string {
	var out []string
	for _, p := range []string{u.Path, u.EscapedPath()} {
		if i := strings.Index(p, operationsPath); i >= 0 {
			p = p[i+len(operationsPath):]
		}
		out = append(out, p)
	}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		out = append(out, kv[strings.IndexByte(kv, '=')+1:]) // the value, or all of a pair without one
	}
	return out
}

// createState is where one create of a seeded run stands.
type createState int

const (
	createSent     createState = iota // sent; no usable answer yet
	createRefused                     // refused (a 4xx): nothing was made
	createOwned                       // answered with a token the run made
	createForeign                     // answered with a token the run will not take for its own
	createRepeated                    // answered with the token of an earlier create of the run
)

// createRecord is one create of a seeded run.
type createRecord struct {
	which  int               // position in the plan
	policy []gen.AgentPolicy // as sent
	state  createState
	token  gen.Token // as answered (createOwned, createForeign, createRepeated)
	// text says, the token masked, why a foreign or repeated answer is not
	// the run's token.
	text string
}

// sent writes a create in the ledger, before it is sent.
func (r *liveRun) sent(which int, policy []gen.AgentPolicy) *createRecord {
	rec := &createRecord{which: which, policy: policy}
	r.ledger = append(r.ledger, rec)
	return rec
}

// createAnswered is the createWatcher's: it sees every answer to a
// create, before the client has it, and settles the create in flight.
func (r *liveRun) createAnswered(req *http.Request, status int, header http.Header, body []byte) {
	var rec *createRecord
	if n := len(r.ledger); n > 0 && r.ledger[n-1].state == createSent {
		rec = r.ledger[n-1] // creates are sent one at a time
	} else {
		rec = r.sent(-1, nil) // only seed creates: a guard, not a path
	}
	if status < 200 || status > 299 {
		// A 4xx but those the client retries is a refusal (the server's
		// rules, this key's rights): nothing was made. Anything else (5xx,
		// 408, 409, 429, a redirect) may or may not have made a token: the
		// create stays in flight, named at the end.
		retried := status == http.StatusRequestTimeout || status == http.StatusConflict || status == http.StatusTooManyRequests
		if status >= 400 && status < 500 && !retried {
			rec.state = createRefused
		}
		return
	}
	var tok gen.Token
	if json.Unmarshal(body, &tok) != nil || tok.Token == "" {
		return // no value to name: in flight, named at the end
	}
	r.maskToken(tok.Token) // masked from now on, whoever it belongs to
	name := redact.Token(tok.Token)
	if r.holdsKey(tok.Token, bearer(req)) {
		name = "a value that holds the API key (not shown)"
	}
	for _, earlier := range r.ledger {
		if earlier != rec && earlier.token.Token == tok.Token {
			// Not a second token of the run's: the one token is deleted
			// once, as the earlier create's, and a token the server made
			// for this create, if any, is one the run cannot name.
			rec.state, rec.token = createRepeated, tok
			rec.text = fmt.Sprintf("seeded token %d was answered with the token of seeded token %d (%s): a token the server made for it, if any, is one this run cannot name",
				rec.which+1, earlier.which+1, name)
			return
		}
	}
	if why := r.disown(req, status, header, body, rec, tok); why != "" {
		rec.state, rec.token = createForeign, tok
		rec.text = fmt.Sprintf("seeded token %d was answered with %s, which %s: the run did not delete it", rec.which+1, name, why)
		return
	}
	rec.state, rec.token = createOwned, tok
}

// disown says why tok, as a create answered it, is not the run's own, or
// "" when it is: it validates, carries the run's hostname and the policy
// asked for, holds no part of the API key, and was not listed before the
// run.
func (r *liveRun) disown(req *http.Request, status int, header http.Header, body []byte, rec *createRecord, tok gen.Token) string {
	switch {
	case r.holdsKey(tok.Token, bearer(req)) || r.holdsKey(tok.Token, r.cfg.APIKey):
		return "holds the API key or a part of it"
	case r.validator.ValidateResponse(req, status, header, body).HasBreaking():
		return "came in an answer the spec does not allow"
	case r.seeds == nil || tok.Hostname != r.seeds.host:
		return "names another hostname than the run's"
	case !samePolicy(rec.policy, tok.Policy.Data):
		return "names another policy than the run asked for"
	case slices.Contains(r.before, fingerprint.Of(tok.Token)):
		return "was listed before the run"
	}
	return ""
}

// samePolicy compares policies as sets: the order of entries and of
// access values carries no meaning.
func samePolicy(a, b []gen.AgentPolicy) bool {
	norm := func(ps []gen.AgentPolicy) []string {
		out := make([]string, 0, len(ps))
		for _, p := range ps {
			access := make([]string, 0, len(p.Access))
			for _, x := range p.Access {
				access = append(access, string(x))
			}
			slices.Sort(access)
			out = append(out, string(p.Type)+"\x00"+p.Id+"\x00"+strings.Join(slices.Compact(access), ","))
		}
		slices.Sort(out)
		return out
	}
	return len(a) > 0 && slices.Equal(norm(a), norm(b))
}

// ListHint is how a person finds the tokens of a seeded run that the run
// could not name: their hostname is the run's.
func ListHint(hostname string) string {
	return "letta-tokens list --all --hostname " + hostname
}

func (e *UndeletedError) Error() string {
	var parts []string
	expires := e.Expires.Format(time.RFC3339)
	if e.Count > 0 {
		parts = append(parts, fmt.Sprintf("%d of the %d tokens this run created could not be deleted: they expire by %s (hostname %s; find them with %s)",
			e.Count, e.Created, expires, e.Hostname, ListHint(e.Hostname)))
	}
	if e.Unanswered > 0 {
		parts = append(parts, fmt.Sprintf("%d create%s of this run got no usable answer: the server may hold a token this run cannot name, expiring by %s; find it with %s",
			e.Unanswered, plural(e.Unanswered), expires, ListHint(e.Hostname)))
	}
	parts = append(parts, e.NotDeleted...)
	return strings.Join(parts, "; ")
}

// SeedPanic is the panic CheckLive raises again when a panic ended a
// seeded run that left something in the account: the panic's own value,
// and what was left, so that whoever reads the panic can act.
type SeedPanic struct {
	Value any
	Left  *UndeletedError
}

func (p *SeedPanic) Error() string { return fmt.Sprintf("%v; %v", p.Value, p.Left) }

// Unwrap is the panic's value, when it is an error.
func (p *SeedPanic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// deleteOwn deletes a token the run made: never one that holds the API
// key, which disown does not let the run take for its own, and which
// keyURLGuard would refuse to put in a URL path anyway.
//
// A 400, which the API answers for a token that does not exist, is
// checked with a walk of the account: an attempt whose answer was lost
// (a reset) may have deleted the token before the retry found nothing, or
// the token may have expired. A token that a complete walk does not list
// is deleted; otherwise the 400 stands. A walk that fails is the error.
func (r *liveRun) deleteOwn(ctx context.Context, token string) error {
	err := r.client.DeleteToken(ctx, token)
	if lettatokens.KindOf(err) != lettatokens.KindRejected {
		return err
	}
	res, found, walkErr := walkPages(ctx, r.client, walkOptions{Limit: r.cfg.PageSizes[0], MaxTokens: r.cfg.MaxTokens, Concurrency: r.cfg.Concurrency})
	r.walked.Add(r.mask(found))
	switch {
	case walkErr != nil:
		return fmt.Errorf("listing the tokens after a delete answered 400: %w", walkErr)
	case res.Complete && !slices.Contains(res.Fingerprints, fingerprint.Of(token)):
		return nil
	}
	return err
}
