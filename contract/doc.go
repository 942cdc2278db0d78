// Package contract checks traffic of Letta's client-side access tokens
// operations (create, list, delete) against the module's embedded OpenAPI
// description, and checks behaviour that a schema cannot express
// (pagination that ends, filters that filter, timestamps that parse).
//
// It is a library first: [Validator] checks one exchange and returns
// [Findings]; [Transport] runs it on every exchange an http.Client carries;
// [Walk] and [CompareWalks] check a sequence of pages; [CheckLive] runs all of
// them against a live server, and with [LiveConfig].Seed creates tokens of
// its own, checks them through list and delete, and deletes them however
// the run ends: only those it provably made, naming every other. The package's own tests run the same checks on
// recorded fixtures in testdata/, and on the live API when LETTA_API_KEY is
// set.
//
// Every finding is redacted: no token value or API key appears in a message.
package contract
