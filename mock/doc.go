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
//   - [Options].Latency delays every answer, for measuring latency-bound
//     behaviour offline. A list or delete whose client gives up meanwhile
//     is dropped; a create is still carried out when the wait ends, as a
//     real server that received the whole request would carry it out
//     (net/http sees a client's departure only after reading the body).
//   - [Options].Faults makes a share of requests fail, for testing a
//     client's retries: 429, 500, 502, 503 or 504 answers (a 429 or 503
//     with Retry-After: 1 and retry-after-ms: 100), a reset connection, or
//     a slow answer (FaultSlowDelay, 1 s, late). [ParseFaults] reads specs
//     such as "429=0.1,503=0.05". The fault is decided when the request
//     arrives, before anything else, so a faulted request changes nothing;
//     a reset in particular closes the connection before the body is read
//     and without an answer, so a create that meets it creates no token
//     (a client that retries it creates one token, not two). The k-th
//     request to arrive draws its fault from [Options].FaultSeed and k, so
//     a client that sends one request at a time meets the same faults in
//     every run; concurrent requests may arrive in another order.
//     [Server.Stats] counts the requests served and the faults drawn.
//   - [Options].Drift makes the mock drift from the spec in one way, named
//     after a case of contract/testdata/drift ([DriftCases] lists them), on
//     every list and create answer, by rewriting the mock's own answer: a
//     field renamed, missing, null or of the wrong type, an unknown enum
//     value, another envelope, HTML, invalid JSON, a wrong status, an
//     ignored agentId filter, a page over the limit. Errors and delete's
//     204 are served as they are.
//
// Tokens come from [SeedTokens] (deterministic synthetic data) or from
// [LoadTokens]/[LoadTokensFile] (a JSON file), passed as [Options].Tokens
// and held in memory; or, for accounts of any size up to [MaxSeedCount],
// from [Options].SeedCount, which serves the same seeded tokens without
// holding them. Creates and deletes are kept beside that fixed list, under
// a read-write mutex: created tokens come after it, deleted ones are
// skipped by a binary search over their sorted ranks, so a page of the
// seeded part still costs what its tokens cost (and O(log d) each for d
// deletes), and the rest costs in proportion to the tokens created. A page
// is never torn by a concurrent change: its tokens are copied under the
// read lock. A page of more than 1000 tokens is streamed (without a
// Content-Length) rather than built whole, from a copy of the deletes and
// creates it reads, so it too is the account as it was when it was cut,
// and no change waits for a slow reader.
// The mock never logs; its messages never echo a token value or an API key.
package mock
