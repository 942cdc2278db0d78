package mock

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/letta-tokens/letta-tokens/gen"
)

const (
	// maxBufferedPage is the largest page rendered whole, so that its
	// response carries a Content-Length. Larger pages (limit is unbounded
	// in the spec, and a seeded account can hold 10^9 tokens) are streamed
	// token by token, so no request holds more than one token's JSON and
	// a buffer, whatever its limit.
	maxBufferedPage = 1000
	// streamBufferSize is the streamed response's write buffer.
	streamBufferSize = 32 << 10
	// streamCheckEvery is how many tokens a stream writes between looks
	// at its request's context: a shutdown or a departed client stops it
	// within that many tokens.
	streamCheckEvery = 64
)

// writePage answers c, whole or streamed.
func writePage(w http.ResponseWriter, r *http.Request, c pageCut) {
	if c.len() <= maxBufferedPage {
		writeJSON(w, http.StatusOK, gen.TokenPage{Tokens: c.tokens(), HasNextPage: c.hasNext})
		return
	}
	if r.Method == http.MethodHead {
		// net/http discards a HEAD's body silently, but not the work of
		// rendering it, and sends no header until the handler returns.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		return
	}
	streamPage(r.Context(), w, c)
}

// streamPage writes c in the bytes json.Marshal would give the whole
// gen.TokenPage, one token at a time. When ctx ends (the server is
// shutting down, or the client has gone) or a write fails, it aborts the
// response with panic(http.ErrAbortHandler): net/http then drops the
// connection without ending the chunked body, and without logging, so no
// client can take a cut page for a whole one.
func streamPage(ctx context.Context, w http.ResponseWriter, c pageCut) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, streamBufferSize)
	// gen.TokenPage's fields in declaration order, as json.Marshal writes
	// them; TestStreamedPageMatchesBuffered holds the two equal.
	bw.WriteString(`{"hasNextPage":` + strconv.FormatBool(c.hasNext) + `,"tokens":[`)
	for k := range c.len() {
		if k%streamCheckEvery == 0 && ctx.Err() != nil {
			panic(http.ErrAbortHandler)
		}
		if k > 0 {
			bw.WriteByte(',')
		}
		tok, err := json.Marshal(c.token(k))
		if err != nil {
			panic(http.ErrAbortHandler) // impossible for gen.Token; never a page with a hole
		}
		if _, err := bw.Write(tok); err != nil {
			panic(http.ErrAbortHandler) // a bufio.Writer keeps failing after its first error
		}
	}
	bw.WriteString("]}")
	if bw.Flush() != nil {
		panic(http.ErrAbortHandler)
	}
}
