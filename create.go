package lettatokens

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/letta-tokens/letta-tokens/gen"
)

// CreateTokenParams describes a token to create with [Client.CreateToken].
type CreateTokenParams struct {
	// Hostname is the URL of the client-side application the token is for,
	// with its scheme: "https://app.example.com". Required; it must match
	// the spec's pattern (http:// or https:// first) and name a host.
	Hostname string
	// Policy says which agents the token reaches and how. Required, at
	// least one entry; each needs an Id and at least one Access value the
	// spec knows (gen.AgentAccessReadMessages, …). A zero Type is sent as
	// gen.AgentPolicyTypeAgent, the only type there is; any other is
	// refused.
	Policy []gen.AgentPolicy
	// ExpiresAt is when the token expires; it must be in the future. It is
	// sent as RFC 3339 in UTC with milliseconds, as Letta writes its own
	// times (any finer part is dropped).
	ExpiresAt time.Time
	// ExpiresIn is the token's lifetime from now, an alternative to
	// ExpiresAt (give one, not both); it must be positive. With neither,
	// Letta's default applies: five minutes.
	ExpiresIn time.Duration
}

// CreateToken creates a client-side access token and returns it, its
// value (Token, a secret) in full. The parameters are checked as
// [CreateTokenParams] says; a [*ParamError] names the field, never its
// value.
//
// Retries: a create is retried like any other call (a connection error, a
// timeout, 408, 409, 429, 5xx; up to [WithMaxRetries], 2 by default), as
// Letta's official SDKs do. It is not idempotent: when an attempt reached
// Letta but its answer was lost on the way back (a timeout, a reset
// connection, a 5xx from a proxy after Letta acted), the retry creates a
// second token, and only the last is returned. The other grants the same
// access to the same hostname, so it adds no reach, but it is one more
// live secret until it expires (five minutes by default; ExpiresAt or
// ExpiresIn otherwise) and counts against any quota on tokens. It is not
// lost: [Client.Tokens] lists it, and [Client.DeleteToken] deletes it. Where even
// that is unwelcome, create with a Client built WithMaxRetries(0), and
// decide yourself whether to try again. One case is never retried: a 2xx
// status whose body then stalls or breaks off says the server made the
// token, so the call fails with an error wrapping [ErrCreateUnconfirmed]
// instead of creating another.
func (c *Client) CreateToken(ctx context.Context, params CreateTokenParams) (*gen.Token, error) {
	body, err := params.request(time.Now())
	if err != nil {
		return nil, err
	}
	resp, err := c.generated.CreateClientSideAccessToken(ctx, body)
	return answer(c, "create token", resp, err, decodeToken)
}

// rfc3339Millis is how Letta writes times, and how an expiry is sent.
const rfc3339Millis = "2006-01-02T15:04:05.000Z07:00"

// request checks p and builds the request body; now is the time an
// ExpiresIn counts from and an expiry must be after.
func (p CreateTokenParams) request(now time.Time) (gen.CreateTokenRequest, error) {
	policy, policyErr := checkPolicy(p.Policy)
	expires, expiryErr := p.expiry(now)
	// The first problem, in the fields' order.
	if err := cmp.Or(checkHostname(p.Hostname), policyErr, expiryErr); err != nil {
		return gen.CreateTokenRequest{}, err
	}
	return gen.CreateTokenRequest{Hostname: p.Hostname, Policy: policy, ExpiresAt: expires}, nil
}

// checkHostname applies the spec's rules for CreateTokenRequest.hostname:
// its pattern (hostnamePattern, pinned to the spec by a test) and format
// uri, with a host.
func checkHostname(hostname string) error {
	const field = "Hostname"
	if hostname == "" {
		return &ParamError{Field: field, Reason: "is empty"}
	}
	if !hostnameRule.MatchString(hostname) {
		return &ParamError{Field: field, Reason: "does not match the spec's pattern " + hostnamePattern + " (a URL starting http:// or https://)"}
	}
	u, err := url.Parse(hostname)
	switch {
	case err != nil:
		// url.Parse's error quotes the value: not repeated.
		return &ParamError{Field: field, Reason: "is not a URL"}
	case u.Hostname() == "":
		return &ParamError{Field: field, Reason: "names no host"}
	}
	return nil
}

// checkPolicy checks each entry and returns the policy to send: a copy, a
// zero Type filled in, so the caller's slice is left as it was.
func checkPolicy(policy []gen.AgentPolicy) ([]gen.AgentPolicy, error) {
	if len(policy) == 0 {
		return nil, &ParamError{Field: "Policy", Reason: "is empty: give at least one agent"}
	}
	out := slices.Clone(policy)
	for i := range out {
		entry := &out[i]
		field := "Policy[" + strconv.Itoa(i) + "]"
		if entry.Type == "" {
			entry.Type = gen.AgentPolicyTypeAgent
		}
		switch {
		case !entry.Type.Valid():
			return nil, &ParamError{Field: field + ".Type", Reason: "is not a policy type the spec knows (agent)"}
		case entry.Id == "":
			return nil, &ParamError{Field: field + ".Id", Reason: "is empty"}
		case len(entry.Access) == 0:
			return nil, &ParamError{Field: field + ".Access", Reason: "is empty: give at least one access"}
		}
		for j, access := range entry.Access {
			if !access.Valid() {
				return nil, &ParamError{Field: field + ".Access[" + strconv.Itoa(j) + "]",
					Reason: "is not an access the spec knows (read_messages, write_messages, read_agent, write_agent)"}
			}
		}
	}
	return out, nil
}

// expiry returns the expires_at to send, nil for the server's default.
func (p CreateTokenParams) expiry(now time.Time) (*string, error) {
	var at time.Time
	var field string
	switch {
	case !p.ExpiresAt.IsZero() && p.ExpiresIn != 0:
		return nil, &ParamError{Field: "ExpiresAt", Reason: "and ExpiresIn are both set: give one"}
	case p.ExpiresIn < 0:
		return nil, &ParamError{Field: "ExpiresIn", Reason: "is negative"}
	case p.ExpiresIn > 0:
		at, field = now.Add(p.ExpiresIn), "ExpiresIn"
	case !p.ExpiresAt.IsZero():
		at, field = p.ExpiresAt, "ExpiresAt"
	default:
		return nil, nil
	}
	// What is sent, to the millisecond, is what must be in the future.
	at = at.UTC().Truncate(time.Millisecond)
	switch {
	case !at.After(now):
		return nil, &ParamError{Field: field, Reason: "is not in the future"}
	case at.Year() > 9999:
		return nil, &ParamError{Field: field, Reason: "is after the year 9999, which RFC 3339 cannot write"}
	}
	s := at.Format(rfc3339Millis)
	return &s, nil
}

// tokenEnvelope mirrors gen.Token with pointers, so that an answer lacking
// a member the spec requires is told apart from one with empty values:
// encoding/json fills a Token from {} without complaint, and a caller
// would get a token without a value.
type tokenEnvelope struct {
	Token     *string          `json:"token"`
	Hostname  *string          `json:"hostname"`
	ExpiresAt *string          `json:"expiresAt"`
	Policy    *gen.TokenPolicy `json:"policy"`
}

// decodeToken decodes a created token. secret is the token's value, when
// the body had one, for the error's redaction.
func decodeToken(body []byte) (tok *gen.Token, secret string, err error) {
	var env tokenEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, "", fmt.Errorf("decoding token: %w", err)
	}
	if env.Token != nil {
		secret = *env.Token
	}
	switch {
	case env.Token == nil || *env.Token == "":
		return nil, secret, errors.New(`decoding token: required member "token" is missing, null or empty`)
	case env.Hostname == nil:
		return nil, secret, errors.New(`decoding token: required member "hostname" is missing or null`)
	case env.ExpiresAt == nil:
		return nil, secret, errors.New(`decoding token: required member "expiresAt" is missing or null`)
	case env.Policy == nil:
		return nil, secret, errors.New(`decoding token: required member "policy" is missing or null`)
	}
	return &gen.Token{Token: *env.Token, Hostname: *env.Hostname, ExpiresAt: *env.ExpiresAt, Policy: *env.Policy}, secret, nil
}
