// Package live runs the contract checks against a live server through this
// module's client: [CheckLive] validates every exchange with package
// contract's validator, walks every page at two page sizes and with the
// agentId filter and compares the walks, and with [LiveConfig].Seed creates
// tokens of its own, checks them through list and delete, and deletes them
// however the run ends. Package contract's test TestLiveAPI runs it against
// the live API when LETTA_API_KEY is set (go test ./contract); this
// package's own tests use loopback servers only.
//
// It is apart from package contract so that the validator imports no
// client: the mock and other servers use the validator without this
// module's client and its retries.
package live
