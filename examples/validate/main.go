// Command validate lists the first page of tokens through
// contract.Transport, which checks every exchange against openapi.yaml and
// logs what drifts from it. The README's snippet is the part from env to
// the client, kept here so that it compiles and runs.
//
//	LETTA_API_KEY=sk-let-... go run ./examples/validate
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/contract"
)

func main() {
	env, err := lettatokens.LoadEnv(os.Getenv) // LETTA_API_KEY, LETTA_BASE_URL, …: trimmed and checked
	if err != nil {
		log.Fatal(err)
	}
	v, err := contract.NewValidator(contract.WithSecrets(env.APIKey))
	if err != nil {
		log.Fatal(err)
	}
	client, err := lettatokens.NewClient(lettatokens.WithAPIKey(env.APIKey), lettatokens.WithTransport(&contract.Transport{
		Validator: v,
		Report: func(x contract.Exchange) {
			for _, f := range x.Findings {
				log.Print(f)
			}
		},
	}))
	if err != nil {
		log.Fatal(err) // lettatokens.ErrNoAPIKey when LETTA_API_KEY is not set
	}

	page, err := client.ListTokens(context.Background(), lettatokens.ListOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Tokens), "tokens on the first page")
}
