// Package contract checks traffic of Letta's client-side access tokens
// operations (create, list, delete) against the module's embedded OpenAPI
// description, and checks behaviour that a schema cannot express
// (a page larger than its limit, filters that filter, timestamps that
// parse).
//
// It is a library first: [Validator] checks one exchange and returns
// [Findings]; [Transport] runs it on every exchange an http.Client carries,
// whichever client that is. It stands on the spec alone and imports no
// client: package contract/live drives this module's client against a live
// server with every exchange validated. The package's own tests run the
// checks on recorded fixtures in testdata/, and its test TestLiveAPI runs
// contract/live against LETTA_BASE_URL when LETTA_API_KEY is set, so that
// go test ./contract is the whole contract check.
//
// Every finding is redacted: no token value or API key appears in a message.
package contract
