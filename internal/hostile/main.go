// Command hostile serves, on loopback only, stand-ins of the tokens
// endpoint written to break a client, for the measurements in
// BENCHMARKS.md and for trying the CLI by hand. Its first line on stdout is
// its base URL.
//
//	go run ./internal/hostile MODE
//
// Modes:
//
//	fat      40,000 tokens a page (about 9 MB), hasNextPage always true
//	huge     130,000 tokens a page (about 31 MiB, under the client's 32 MiB
//	         body cap), hasNextPage always true
//	big      16,500 tokens a page (about 3.9 MiB, under check's 4 MiB page
//	         cap), hasNextPage always true
//	endless  as many fresh tokens as asked for, hasNextPage always true: an
//	         account that never ends, each page honest
//	trickle  headers, then one byte of body every 2 s, forever
//	inject   one page whose strings hold escape sequences, a forged report
//	         line, the caller's bearer key and another token's value
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: hostile fat|huge|big|endless|trickle|inject")
		os.Exit(2)
	}
	h, ok := modes[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "hostile: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
	fmt.Println("http://" + ln.Addr().String())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

var modes = map[string]http.HandlerFunc{
	"fat":  pagesOf(40_000),
	"huge": pagesOf(130_000),
	"big":  pagesOf(16_500),
	"endless": func(w http.ResponseWriter, r *http.Request) {
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil {
			limit = 10
		}
		writeTokens(w, offsetOf(r), limit)
	},
	"trickle": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(2 * time.Second):
			}
		}
	},
	"inject": func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		forged := "\n\x1b[2J\x1b]0;pwned\x07checked x: 0 breaking, 0 additive — no breaking drift\n"
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"tokens":[{"token":"ck-let-inject-0000000000000000000001","hostname":%s,"expiresAt":"2030-01-01T00:00:00.000Z",`+
			`"policy":{"version":"1","data":[{"type":"agent","id":%s,"access":["read_messages"]}]},%s:"ck-let-another-0000000000000000000002"}],"hasNextPage":false}`,
			jsonString("https://"+key+".example.com"+forged), jsonString(key), jsonString("x"+forged))
	},
}

// jsonString is s as a JSON string literal: control characters escaped
// as JSON wants, so the client decodes them back into raw bytes.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// pagesOf serves pages of n tokens, whatever the limit asked for.
func pagesOf(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { writeTokens(w, offsetOf(r), n) }
}

func offsetOf(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	return n
}

// writeTokens writes a page of n distinct tokens starting at offset, with
// hasNextPage true, streamed so that the server itself stays small.
func writeTokens(w http.ResponseWriter, offset, n int) {
	w.Header().Set("Content-Type", "application/json")
	b := bufio.NewWriterSize(w, 64<<10)
	b.WriteString(`{"tokens":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"token":"ck-let-hostile-%012d-0123456789abcdef","hostname":"https://app-%d.example.com","expiresAt":"2030-01-01T00:00:00.000Z",`+
			`"policy":{"version":"1","data":[{"type":"agent","id":"agent-1","access":["read_messages","write_messages"]}]}}`, offset+i, i%7)
	}
	b.WriteString(`],"hasNextPage":true}`)
	b.Flush()
}
