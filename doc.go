// Package lettatokens is a typed Go client for Letta Cloud's
// "list client-side access tokens" operation
// (GET /v1/client-side-access-tokens).
//
// The wire types and the raw client are generated into package gen from
// openapi.yaml (embedded there too: gen.GetSpec). This package adds
// what a production caller needs around them: construction from the
// environment, retries, typed errors, pagination, and redaction of secrets.
package lettatokens
