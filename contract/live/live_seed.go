package live

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
)

// Seeded runs (LiveConfig.Seed).
const (
	// SeedHostname starts the hostname of every token a seeded run
	// creates; the run's id follows it, so the tokens of a run are
	// recognisable in the account. .invalid is reserved (RFC 2606): no
	// application can be served from it.
	SeedHostname = "https://letta-tokens-contract.invalid/"
	// seedLifetime is how long a seeded token lives if its deletion
	// fails: long enough for a run over a large account to still list it
	// at its last walk, short enough not to linger.
	seedLifetime = time.Hour
)

// sighting names a walk that looks for seeded tokens.
type sighting int

const (
	sightFirst    sighting = iota // the first, unfiltered walk
	sightFiltered                 // the agentId walk of the filter check
	sightGone                     // the agentId walks after the deletes
	sightings
)

// seeding is what a seeded run created and what its walks saw of it.
type seeding struct {
	host    string    // SeedHostname and the run id
	agents  [2]string // the agents the tokens name
	expires time.Time // when the tokens expire at the latest

	tokens  []gen.Token     // as create answered them, in order
	deleted map[string]bool // token values deleted

	seen [sightings]map[int]gen.Token // the first listing of each, per walk
}

// newSeeding picks the agents: agentID, else the first agent a token of
// page names, else a made-up one; the second is another agent of page,
// else a made-up one, so that the agentId filter has a token to leave out.
// An agent id that holds the API key (key, or a key's shape) is never
// picked: walks filter by these agents, in a URL.
func newSeeding(agentID string, holdsKey func(string) bool, page *gen.TokenPage) *seeding {
	s := &seeding{host: SeedHostname + strings.ToLower(rand.Text()[:16]), deleted: map[string]bool{}}
	var agents []string // to pick from, in order
	if page != nil {
		for _, tok := range page.Tokens {
			for _, p := range tok.Policy.Data {
				if p.Id != "" && p.Id != agentID && !holdsKey(p.Id) {
					agents = append(agents, p.Id)
				}
			}
		}
	}
	// Made up, shaped like Letta's: agent- and a UUID.
	agents = append(agents, "agent-"+uuid.NewString(), "agent-"+uuid.NewString())
	s.agents[0] = cmp.Or(agentID, agents[0])
	s.agents[1] = agents[slices.IndexFunc(agents, func(a string) bool { return a != s.agents[0] })]
	for i := range s.seen {
		s.seen[i] = map[int]gen.Token{}
	}
	return s
}

// plan is the policies of the tokens to create: one naming the first
// agent, one naming both, one naming the second; between them every
// access value.
func (s *seeding) plan() [][]gen.AgentPolicy {
	a, b := s.agents[0], s.agents[1]
	entry := func(id string, access ...gen.AgentAccess) gen.AgentPolicy {
		return gen.AgentPolicy{Type: gen.AgentPolicyTypeAgent, Id: id, Access: access}
	}
	return [][]gen.AgentPolicy{
		{entry(a, gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages)},
		{entry(a, gen.AgentAccessReadAgent), entry(b, gen.AgentAccessWriteAgent)},
		{entry(b, gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages, gen.AgentAccessReadAgent, gen.AgentAccessWriteAgent)},
	}
}

// sight is the walkOptions.Listed of a walk w that notes the seeded
// tokens it lists; nil without seeded tokens.
func (s *seeding) sight(w sighting) func(*gen.Token) {
	if s == nil || len(s.tokens) == 0 {
		return nil
	}
	return func(tok *gen.Token) {
		i := slices.IndexFunc(s.tokens, func(t gen.Token) bool { return t.Token == tok.Token })
		if _, dup := s.seen[w][i]; i >= 0 && !dup {
			s.seen[w][i] = *tok
		}
	}
}

// which is "token 2 of 3", how findings name a seeded token: its value is
// a secret.
func (s *seeding) which(i int) string { return fmt.Sprintf("token %d of %d", i+1, len(s.tokens)) }

// seed creates the run's tokens (LiveConfig.Seed). A create the server
// refuses (a 4xx) is a note: the run goes on with the tokens created so
// far, none perhaps. Creates are not retried, so that an answer lost after
// the server acted cannot leave a token the run does not know of.
func (r *liveRun) seed(ctx context.Context, page *gen.TokenPage) error {
	if !r.cfg.Seed {
		return nil
	}
	// The account's tokens before the first create, so that a create
	// answered with a token that was already there is known as not the
	// run's. Only fingerprints are kept.
	before, err := r.walk(ctx, walkOptions{Limit: r.cfg.PageSizes[0], MaxTokens: r.cfg.MaxTokens})
	if err != nil {
		return err
	}
	r.before = before.Fingerprints
	if !before.Complete {
		r.note(fmt.Sprintf("the walk before seeding did not reach its end: a created token was checked against the first %d tokens of the account only", before.Tokens()))
	}
	s := newSeeding(r.cfg.AgentID, r.masker.Load().HoldsKey, page)
	r.seeds = s
	plan := s.plan()
	for i, policy := range plan {
		// Written down before it is sent: however the run ends, this
		// create is accounted for. Its token may outlive a call that fails.
		rec := r.sent(i, policy)
		s.expires = time.Now().Add(seedLifetime)
		var refused error
		err := r.step(ctx, func() (err error) {
			_, err = r.creator.CreateToken(ctx, lettatokens.CreateTokenParams{Hostname: s.host, Policy: policy, ExpiresIn: seedLifetime})
			if rec.state == createRefused {
				refused, err = err, nil // a note, not drift nor the run's end
			}
			return err
		})
		if err != nil {
			return err
		}
		// The ledger's word, not the client's: it judged the answer as it
		// passed (createAnswered).
		switch rec.state {
		case createRefused:
			r.note(fmt.Sprintf("the server refused to create seeded token %d of %d (%s); the run goes on with %d seeded tokens (whether creating needs an existing agent is not known: LiveConfig.AgentID names one)",
				i+1, len(plan), r.safeLine(strings.TrimPrefix(refused.Error(), "lettatokens: ")), len(s.tokens)))
			return nil
		case createOwned:
			s.tokens = append(s.tokens, rec.token)
		case createForeign, createRepeated:
			// A token the run will not take for its own: breaking.
			r.drift(&r.walked, contract.CheckRoundTrip, "/token", "%s; seeding stopped (the run's tokens: %s)", rec.text, ListHint(s.host))
			return nil
		default:
			// No usable answer (drift, reported as such): a token may have
			// been made that the run cannot name; the cleanup says how to
			// find it.
			r.note(fmt.Sprintf("the answer to creating seeded token %d of %d could not be used: seeding stopped", i+1, len(plan)))
			return nil
		}
	}
	// Written before any delete, so it says what the run will do: whether
	// each delete took is for the delete checks and the cleanup to say.
	r.note(fmt.Sprintf("seeded %d tokens for agents %s and %s (hostname %s); the run deletes them before it ends, and names any it cannot", len(s.tokens), s.agents[0], s.agents[1], s.host))
	return nil
}

// roundTrip checks the seeded tokens: each is listed as create answered
// it, delete answers each, and each is gone from the list afterwards.
func (r *liveRun) roundTrip(ctx context.Context) error {
	s := r.seeds
	if s == nil || len(s.tokens) == 0 {
		return nil
	}
	for i, created := range s.tokens {
		listed, ok := s.seen[sightFirst][i]
		switch {
		case ok:
			r.walked.Add(r.mask(compareCreated(s.which(i), created, listed)))
		case r.first.Complete:
			r.drift(&r.walked, contract.CheckRoundTrip, "/tokens", "created %s is not listed by the walk at limit=%d", s.which(i), r.first.Limit)
		default:
			r.note(fmt.Sprintf("the walk at limit=%d did not reach created %s: it stopped first", r.first.Limit, s.which(i)))
		}
	}
	for _, tok := range s.tokens {
		var err error
		if stepErr := r.step(ctx, func() error { err = r.deleteOwn(ctx, tok.Token); return err }); stepErr != nil {
			return stepErr
		}
		s.deleted[tok.Token] = err == nil
	}
	for _, agent := range s.agents {
		res, err := r.walk(ctx, walkOptions{Limit: r.cfg.PageSizes[0], MaxTokens: r.cfg.CompareTokens, AgentID: agent, Listed: s.sight(sightGone)})
		if err != nil {
			return err
		}
		if !res.Complete {
			r.note(fmt.Sprintf("after the deletes, the agentId=%s walk stopped before its end: deleted tokens were looked for in its first %d tokens only", r.safe(agent), res.Tokens()))
		}
	}
	for i := range s.tokens {
		if _, ok := s.seen[sightGone][i]; ok && s.deleted[s.tokens[i].Token] {
			r.drift(&r.walked, contract.CheckRoundTrip, "/tokens", "deleted %s is still listed after delete answered success", s.which(i))
		}
	}
	return nil
}

// compareCreated compares a created token with its listing, field by
// field, naming fields, never values.
func compareCreated(which string, created, listed gen.Token) contract.Findings {
	var out contract.Findings
	for _, f := range []struct {
		name string
		same bool
	}{
		{"hostname", created.Hostname == listed.Hostname},
		{"expiresAt", sameInstant(created.ExpiresAt, listed.ExpiresAt)},
		{"policy", reflect.DeepEqual(created.Policy, listed.Policy)},
	} {
		if !f.same {
			out = append(out, breaking(contract.CheckRoundTrip, "/tokens/*/"+f.name, "created %s is listed with another %s than create answered", which, f.name))
		}
	}
	return out
}

// sameInstant compares two expiresAt values as times when both parse (a
// list may write fractions differently), else as text.
func sameInstant(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	if errA != nil || errB != nil {
		return a == b
	}
	return ta.Equal(tb)
}

// cleanup deletes every seeded token not deleted yet, however the run
// ended, with a context of its own (ctx may have ended: Ctrl-C) bounded by
// LiveConfig.CleanupTimeout. What the run leaves (tokens it could not
// delete, creates without a usable answer, tokens it did not take for its
// own) is said: in err when the run failed, else in the report's notes.
func (r *liveRun) cleanup(ctx context.Context, report *contract.Report, err error) error {
	s := r.seeds
	if s == nil {
		return err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.CleanupTimeout)
	defer cancel()
	// A panic in a delete (in a caller's transport) is kept for later
	// rather than stopping the other deletes.
	deleteQuietly := func(token string) (ok bool) {
		defer r.panics.catch() // ok stays false
		return r.deleteOwn(cctx, token) == nil
	}
	left := &UndeletedError{Expires: s.expires.UTC(), Hostname: s.host}
	for _, rec := range r.ledger {
		switch rec.state {
		case createOwned:
			// A token the run made, whether the client call returned it
			// or not; never one it did not make.
			left.Created++
			if !s.deleted[rec.token.Token] && !deleteQuietly(rec.token.Token) {
				left.Count++
			}
		case createSent, createRepeated:
			left.Unanswered++
		case createForeign:
			// A report has these as breaking findings already; without
			// one, the run failed or panicked, and its error says it all.
			if report == nil {
				left.NotDeleted = append(left.NotDeleted, rec.text)
			}
		}
	}
	if report != nil {
		report.Seeded = left.Created
	}
	switch {
	case left.Count == 0 && left.Unanswered == 0 && len(left.NotDeleted) == 0:
		return err
	case report != nil:
		report.Notes = append(report.Notes, r.safe(left.Error()))
		return err
	case err != nil:
		return fmt.Errorf("%w; %w", err, left)
	}
	return left // a panic is unwinding: CheckLive raises it with this
}

// UndeletedError says that a seeded run could not delete every token it
// created: they stay in the account until they expire. CheckLive wraps it
// into the error that ended the run, if one did (errors.As finds it), and
// else says it in the report's notes.
type UndeletedError struct {
	Count    int       // tokens left
	Created  int       // tokens the run created
	Expires  time.Time // when the last of them expires
	Hostname string    // their hostname: SeedHostname and the run's id
	// Unanswered counts creates sent whose answer never came, or came
	// unusable (without a token, or with the token of another create of
	// the run): each may have made a token with Hostname.
	Unanswered int
	// NotDeleted names, masked, tokens a create was answered with that
	// the run did not take for its own, and so did not delete.
	NotDeleted []string
}
