// Package lettatokens is a typed Go client for Letta Cloud's client-side
// access tokens: create (POST /v1/client-side-access-tokens), list
// (GET, one page or a walk of every page) and delete
// (DELETE /v1/client-side-access-tokens/{token}).
//
// The wire types and the raw client are generated into package gen from
// openapi.yaml; the spec itself is embedded apart, in gen/server, for the
// validator and the mock, so that the client links no spec loader. This
// package adds what a production caller needs around them: configuration from the
// environment ([LoadEnv]), argument checks against the spec, retries,
// typed errors sorted by [KindOf], pagination, and redaction of secrets.
//
// # The attempt loop
//
// Every request, the generated client's raw methods included, goes through
// one loop of this package's own, which reads top to bottom: wait while
// the server has asked the whole Client to slow down, send one attempt
// under its own time limit, read the body of a usable answer within that
// limit, judge the answer, decide whether to retry, sleep the backoff,
// rewind the request body, go round again.
//
// We own the loop rather than use a retry library because each of those
// steps needs to see the others: the throttle must know which call an
// answer belongs to (so a call's own retry is not held back twice), the
// body must be read before the attempt's time limit ends and before the
// retry decision (so a body that breaks off is retried like a reset
// connection), and the error must be built from the last answer, not from
// a library's summary. go-retryablehttp, used up to version 0.1, offered
// none of that except through its logging hooks and a value smuggled in
// the request's context; forty lines of loop say it plainly instead.
package lettatokens
