package lettatokens_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	lettatokens "github.com/letta-tokens/letta-tokens"
	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/redact"
)

// fakeLetta stands in for Letta Cloud in the examples: an account of five
// tokens, paginated with offset and limit, that rejects any key but one,
// creates tokens with made-up values and deletes them.
func fakeLetta() *httptest.Server {
	fail := func(w http.ResponseWriter, status int, message string) {
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":%q}`, message)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/client-side-access-tokens", func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil {
			limit = 10
		}
		const total = 5
		page := gen.TokenPage{Tokens: []gen.Token{}}
		for i := offset; i < min(offset+limit, total); i++ {
			page.Tokens = append(page.Tokens, gen.Token{
				Token:     fmt.Sprintf("ck-let-example-%02d-0123456789", i),
				Hostname:  fmt.Sprintf("app%d.example.com", i),
				ExpiresAt: "2030-01-02T03:04:05.000Z",
				Policy: gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: []gen.AgentPolicy{{
					Type: gen.AgentPolicyTypeAgent, Id: "agent-1",
					Access: []gen.AgentAccess{gen.AgentAccessReadMessages},
				}}},
			})
		}
		page.HasNextPage = offset+limit < total
		json.NewEncoder(w).Encode(page)
	})
	mux.HandleFunc("POST /v1/client-side-access-tokens", func(w http.ResponseWriter, r *http.Request) {
		var req gen.CreateTokenRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.ExpiresAt == nil {
			fail(w, http.StatusBadRequest, "bad request")
			return
		}
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(gen.Token{
			Token:     "ck-let-example-created-0123456789",
			Hostname:  req.Hostname,
			ExpiresAt: *req.ExpiresAt,
			Policy:    gen.TokenPolicy{Version: gen.TokenPolicyVersionV1, Data: req.Policy},
		})
	})
	mux.HandleFunc("DELETE /v1/client-side-access-tokens/{token}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("token") != "ck-let-example-created-0123456789" {
			fail(w, http.StatusNotFound, "token not found")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer sk-let-example-key" {
			w.Header().Set("X-Request-Id", "req_123")
			fail(w, http.StatusUnauthorized, "Invalid API key")
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

func ExampleNewClient() {
	srv := fakeLetta()
	defer srv.Close()

	// Without options, the key comes from LETTA_API_KEY and the server from
	// LETTA_BASE_URL (default https://api.letta.com).
	client, err := lettatokens.NewClient(
		lettatokens.WithAPIKey("sk-let-example-key"),
		lettatokens.WithBaseURL(srv.URL),
		lettatokens.WithMaxRetries(3),
		lettatokens.WithUserAgent("my-app/1.0"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%T\n", client)
	// Output: *lettatokens.Client
}

func ExampleClient_Tokens() {
	srv := fakeLetta()
	defer srv.Close()
	client, err := lettatokens.NewClient(lettatokens.WithAPIKey("sk-let-example-key"), lettatokens.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	opts := lettatokens.ListOptions{Limit: 2} // small pages, to show the walk
	for tok, err := range client.Tokens(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		expires, err := lettatokens.ExpiresAt(tok)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(tok.Hostname, expires.Format("2006-01-02"))
	}
	// Output:
	// app0.example.com 2030-01-02
	// app1.example.com 2030-01-02
	// app2.example.com 2030-01-02
	// app3.example.com 2030-01-02
	// app4.example.com 2030-01-02
}

func ExampleError() {
	srv := fakeLetta()
	defer srv.Close()
	client, err := lettatokens.NewClient(lettatokens.WithAPIKey("sk-let-wrong-key-0123456789"), lettatokens.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.ListTokens(context.Background(), lettatokens.ListOptions{})
	var apiErr *lettatokens.Error
	if errors.As(err, &apiErr) {
		fmt.Println("status:", apiErr.StatusCode)
		fmt.Println("message:", apiErr.Message)
		fmt.Println("request id:", apiErr.RequestID)
	}
	fmt.Println(err)
	// Output:
	// status: 401
	// message: Invalid API key
	// request id: req_123
	// lettatokens: HTTP 401 Unauthorized: Invalid API key (request id req_123)
}

func ExampleLimitError() {
	srv := fakeLetta() // an account of five tokens
	defer srv.Close()
	client, err := lettatokens.NewClient(lettatokens.WithAPIKey("sk-let-example-key"), lettatokens.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// A bound smaller than the account: the walk lists the first three
	// tokens and then says that the listing is incomplete.
	listed := 0
	for _, err = range client.Tokens(context.Background(), lettatokens.ListOptions{Limit: 2, MaxTokens: 3}) {
		if err == nil {
			listed++
		}
	}
	var limitErr *lettatokens.LimitError
	switch {
	case errors.As(err, &limitErr):
		fmt.Printf("listed %d tokens; more from offset %d\n", listed, limitErr.Offset)
	case errors.Is(err, lettatokens.ErrPagination):
		fmt.Println("the server paginates inconsistently:", err)
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println(errors.Is(err, lettatokens.ErrLimitReached), errors.Is(err, lettatokens.ErrPagination))
	// Output:
	// listed 3 tokens; more from offset 3
	// true false
}

func ExampleErrCrossOriginRedirect() {
	// A server that sends every request to another origin (here the same
	// host on another port, where net/http would keep the Authorization
	// header).
	elsewhere := httptest.NewServer(http.NotFoundHandler())
	defer elsewhere.Close()
	srv := httptest.NewServer(http.RedirectHandler(elsewhere.URL+"/steal?key=1", http.StatusFound))
	defer srv.Close()
	client, err := lettatokens.NewClient(lettatokens.WithAPIKey("sk-let-example-key"), lettatokens.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.ListTokens(context.Background(), lettatokens.ListOptions{})
	var apiErr *lettatokens.Error
	if errors.Is(err, lettatokens.ErrCrossOriginRedirect) && errors.As(err, &apiErr) {
		fmt.Println("refused a redirect, status", apiErr.StatusCode)
	}
	// Output: refused a redirect, status 302
}

func ExampleClient_CreateToken() {
	srv := fakeLetta()
	defer srv.Close()
	client, err := lettatokens.NewClient(lettatokens.WithAPIKey("sk-let-example-key"), lettatokens.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	tok, err := client.CreateToken(context.Background(), lettatokens.CreateTokenParams{
		Hostname: "https://app.example.com",
		Policy: []gen.AgentPolicy{{
			Type:   gen.AgentPolicyTypeAgent,
			Id:     "agent-1",
			Access: []gen.AgentAccess{gen.AgentAccessReadMessages, gen.AgentAccessWriteMessages},
		}},
		ExpiresAt: time.Date(2099, 1, 2, 3, 4, 5, 0, time.UTC), // or ExpiresIn: time.Hour
	})
	if err != nil {
		log.Fatal(err) // a *lettatokens.ParamError before sending, an *lettatokens.Error after
	}
	// tok.Token is the secret to hand to the client-side application; print
	// only its redacted form.
	fmt.Println(redact.Token(tok.Token), tok.Hostname, tok.ExpiresAt)

	// Parameters the spec rules out are refused before any request.
	_, err = client.CreateToken(context.Background(), lettatokens.CreateTokenParams{Hostname: "app.example.com"})
	var paramErr *lettatokens.ParamError
	if errors.As(err, &paramErr) {
		fmt.Println("refused:", paramErr.Field)
	}
	// Output:
	// ck-let-e…6789 https://app.example.com 2099-01-02T03:04:05.000Z
	// refused: Hostname
}

func ExampleClient_DeleteToken() {
	srv := fakeLetta()
	defer srv.Close()
	client, err := lettatokens.NewClient(lettatokens.WithAPIKey("sk-let-example-key"), lettatokens.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	if err := client.DeleteToken(context.Background(), "ck-let-example-created-0123456789"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("deleted")

	// A token that does not exist: the server's answer, as an *Error. The
	// token is never part of an error.
	err = client.DeleteToken(context.Background(), "ck-let-example-unknown-0123456789")
	var apiErr *lettatokens.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
	}
	// Output:
	// deleted
	// 404 token not found
}

func ExampleClient_ListTokens() {
	srv := fakeLetta()
	defer srv.Close()
	client, err := lettatokens.NewClient(lettatokens.WithAPIKey("sk-let-example-key"), lettatokens.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	page, err := client.ListTokens(context.Background(), lettatokens.ListOptions{Limit: 2, Offset: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, tok := range page.Tokens {
		fmt.Println(tok.Hostname)
	}
	fmt.Println("more:", page.HasNextPage)
	// Output:
	// app2.example.com
	// app3.example.com
	// more: true
}
