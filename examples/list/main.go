// Command list prints every client-side access token of a Letta account,
// redacted. It is the README's example and the package's quick start, kept
// here so that it compiles.
//
//	LETTA_API_KEY=sk-let-... go run ./examples/list
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/redact"
)

func main() {
	// Key and base URL come from LETTA_API_KEY and LETTA_BASE_URL.
	client, err := lettatokens.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for tok, err := range client.Tokens(ctx, lettatokens.ListOptions{Limit: 100}) {
		if err != nil {
			// err.Error() is one line with every secret redacted: the status,
			// Letta's message, the cause (connection refused, invalid JSON…)
			// and the request id to quote to Letta's support.
			var apiErr *lettatokens.Error
			if errors.As(err, &apiErr) && apiErr.StatusCode == 401 {
				log.Fatalf("check LETTA_API_KEY: %v", err)
			}
			log.Fatal(err)
		}
		expires, _ := lettatokens.ExpiresAt(tok)
		fmt.Println(redact.Token(tok.Token), tok.Hostname, expires.Format("2006-01-02"))
	}
}
