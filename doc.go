// Package lettatokens is a typed Go client for Letta Cloud's client-side
// access tokens: create, list (one page, or a walk of every page) and
// delete.
//
// # Quick start
//
// With LETTA_API_KEY set, this lists every token of the account, each
// value redacted (package redact):
//
//	// Key and base URL come from LETTA_API_KEY and LETTA_BASE_URL.
//	client, err := lettatokens.NewClient()
//	if err != nil {
//		log.Fatal(err)
//	}
//	ctx := context.Background()
//	for tok, err := range client.Tokens(ctx, lettatokens.ListOptions{Limit: 100}) {
//		if err != nil {
//			// err.Error() is one line with every secret redacted: the status,
//			// Letta's message, the cause (connection refused, invalid JSON…)
//			// and the request id to quote to Letta's support.
//			var apiErr *lettatokens.Error
//			if errors.As(err, &apiErr) && apiErr.StatusCode == 401 {
//				log.Fatalf("check LETTA_API_KEY: %v", err)
//			}
//			log.Fatal(err)
//		}
//		expires, _ := lettatokens.ExpiresAt(tok)
//		fmt.Println(redact.Token(tok.Token), tok.Hostname, expires.Format("2006-01-02"))
//	}
//
// [NewClient] reads its configuration from options or the environment
// ([LoadEnv]); [Client.CreateToken], [Client.ListTokens], [Client.Tokens]
// and [Client.DeleteToken] check their arguments against the spec, retry
// what is worth retrying ([Retryable]), and return typed errors sorted by
// [KindOf], never showing a secret. The wire types and the raw client are
// generated into package gen from openapi.yaml ([Client.Generated]); the
// spec itself is embedded apart, in gen/server, for the validator and the
// mock, so that the client links no spec loader.
package lettatokens
