// Command create mints a client-side access token for one agent, shows it
// redacted, and revokes it. It is the README's example of create and
// delete, kept here so that it compiles, and run against the mock by its
// test.
//
//	LETTA_API_KEY=sk-let-... go run ./examples/create agent-...
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: create AGENT_ID")
	}
	agentID := os.Args[1]
	// Key and base URL come from LETTA_API_KEY and LETTA_BASE_URL.
	client, err := lettatokens.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	tok, err := client.CreateToken(ctx, lettatokens.CreateTokenParams{
		Hostname: "https://app.example.com",
		Policy: []gen.AgentPolicy{{
			Id:     agentID,
			Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages},
		}},
		ExpiresIn: time.Hour, // or ExpiresAt; with neither, Letta's default: 5 minutes
	})
	if err != nil {
		// A *lettatokens.ParamError naming the field, before anything is
		// sent; a *lettatokens.Error for an answer that is not a token.
		log.Fatal(err)
	}
	// tok.Token is the secret the client-side application needs: hand it
	// over, and log only its redacted form.
	fmt.Println("created", redact.Token(tok.Token), "expires", tok.ExpiresAt)

	// Revoke it before it expires.
	if err := client.DeleteToken(ctx, tok.Token); err != nil {
		log.Fatal(err)
	}
	fmt.Println("deleted", redact.Token(tok.Token))
}
