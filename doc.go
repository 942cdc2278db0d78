// Package lettatokens is a typed Go client for Letta Cloud's client-side
// access tokens: create (POST /v1/client-side-access-tokens), list
// (GET, one page or a walk of every page) and delete
// (DELETE /v1/client-side-access-tokens/{token}).
//
// The wire types and the raw client are generated into package gen from
// openapi.yaml; the spec itself is embedded apart, in gen/server, for the
// validator and the mock, so that the client links no spec loader. This
// package adds what a production caller needs around them: construction
// from the environment, argument checks against the spec, retries, typed
// errors, pagination, and redaction of secrets.
package lettatokens
