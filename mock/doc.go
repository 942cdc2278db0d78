// Package mock is a stand-in for Letta Cloud's client-side access tokens:
// list (GET /v1/client-side-access-tokens), create (POST to the same path)
// and delete (DELETE /v1/client-side-access-tokens/{token}), driven by the
// module's openapi.yaml: its operations implement the generated
// server.ServerInterface, so the compiler keeps them in step with the spec
// (on an unexported type: they are reached only through [Server.ServeHTTP],
// behind authentication and validation), and it validates every
// request, parameters and JSON body, with the contract package's validator
// (kin-openapi on the spec's own schemas) before answering. Test helpers
// (a loopback server, a drifting wrapper) are in package mocktest.
//
// It behaves like Cloud where the spec leaves room:
//
//   - Tokens are served in a stable order: the order they were given in.
//   - limit defaults to 10 and offset to 0, as the spec declares.
//   - hasNextPage is true exactly when more tokens follow the page. Cloud
//     fetches limit+1 rows and reports whether the extra row exists, so
//     limit=0 yields an empty page whose hasNextPage says whether any token
//     sits at or after offset. The mock reproduces that rather than
//     special-casing it.
//   - agentId keeps only tokens whose policy names that agent, and the
//     filter applies before pagination. An empty agentId (?agentId=) does
//     not filter, as in Cloud's JavaScript, where "" is falsy.
//   - Every request needs Authorization: Bearer <key>; a missing, malformed
//     or empty one gets 401. Any non-empty key is accepted unless
//     [Options].APIKey is set, and then only that key.
//   - Parameters or a body that break the spec (limit=abc, offset=-1, a
//     create without hostname) get 400 with a JSON {"message": ...} naming
//     the parameter or the body's field, worded as the contract validator
//     words findings. Authentication is checked first, as Cloud's
//     middleware does; then a body over [MaxRequestBodyBytes] gets 413.
//   - Create makes a token with a fresh random value (ck-let- and 48 hex
//     digits, from crypto/rand), the policy and hostname sent, and
//     expiresAt as Cloud writes it (RFC 3339 UTC with milliseconds): the
//     expires_at sent, or 5 minutes from now, as upstream documents. The
//     spec says only that expires_at is a string; Cloud makes a JavaScript
//     Date of it, so the mock accepts the ISO 8601 forms a Date reads: a
//     date alone (2030-01-01, midnight UTC), or a date-time with or
//     without seconds, a fraction of any length and an offset (Z, ±HH:mm;
//     none means UTC), such as 2030-01-01T00:00:00,
//     2030-01-01T00:00:00.123456 and 2030-01-01T00:00:00.1+02:00. It must
//     be in the future. Anything else gets 400 with a message naming
//     /expires_at, never the value. It answers 201 and the token; later
//     lists show it after the seeded or loaded tokens.
//   - Delete answers 204 without a body, and the token is gone from every
//     later list. A value that names no live token gets 400 with a message
//     (upstream documents only 400 for this operation), never quoting it.
//   - Creates and deletes are bounded ([MaxCreatedTokens],
//     [MaxCreatedBytes], [MaxDeletedTokens]); past a bound they get 400
//     with a message saying which.
//   - [Options].Latency delays every answer, [Options].Faults makes a
//     share of requests fail (429, 500, 502, 503, 504, a reset connection
//     or a slow answer; [ParseFaults] reads specs such as
//     "429=0.1,503=0.05") and [Options].Drift makes every list and create
//     answer drift from the spec in one way ([DriftCases] lists them):
//     offline tests of a client's timeouts, retries and drift reports.
//     A faulted request changes nothing; [Server.Stats] counts the
//     requests served and the faults drawn.
//
// Tokens come from [SeedTokens] (deterministic synthetic data) or from
// [LoadTokens]/[LoadTokensFile] (a JSON file), passed as [Options].Tokens
// and held in memory; or, for accounts of any size up to [MaxSeedCount],
// from [Options].SeedCount, which serves the same seeded tokens without
// holding them. Creates and deletes are kept beside that fixed list under
// a mutex, so a page costs what its tokens cost however large the account.
// A page is the account as it was when it was cut, whatever changes run
// meanwhile; one of more than 1000 tokens is streamed (without a
// Content-Length), and no change waits for its slow reader.
// The mock never logs; its messages never echo a token value or an API key.
package mock
