// Package mock is a stand-in for Letta Cloud's "list client-side access
// tokens" operation (GET /v1/client-side-access-tokens), driven by the
// module's openapi.yaml: it implements the generated [gen.ServerInterface],
// so the compiler keeps it in step with the spec, and it validates every
// request with the contract package's validator before answering.
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
//   - Parameters that break the spec (limit=abc, offset=-1) get 400 with a
//     JSON {"message": ...} naming the parameter. Authentication is checked
//     first, as Cloud's middleware does.
//
// Tokens come from [SeedTokens] (deterministic synthetic data) or from
// [LoadTokens]/[LoadTokensFile] (a JSON file), passed as [Options].Tokens
// and held in memory; or, for accounts of any size up to [MaxSeedCount],
// from [Options].SeedCount, which serves the same seeded tokens without
// holding them. No request allocates in proportion to the account: a page
// costs what its tokens cost, and a page of more than 1000 tokens is
// streamed (without a Content-Length) rather than built whole. The mock
// never logs; its messages never echo a token value or an API key.
package mock
