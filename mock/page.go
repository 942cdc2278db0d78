package mock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

const (
	// maxBufferedPage is the largest page rendered whole, so that its
	// response carries a Content-Length. Larger pages (limit is unbounded
	// in the spec, and a seeded account can hold 10^9 tokens) are streamed
	// token by token, so no request holds more than one token's JSON, a
	// buffer and a copy of the account's changes, whatever its limit.
	maxBufferedPage = 1000
	// maxPageBytes bounds the tokens of a page rendered whole. A page of
	// 1000 seeded tokens takes about 300 KB; one of 1000 tokens of a MB
	// each (a create's body may be 1 MiB) would take a GB, six at once
	// several. Past the bound the page ends early with hasNextPage true:
	// the spec promises at most limit tokens, not exactly limit, and the
	// contract accepts such a capped page. A page always holds at least
	// one token, however large, so a walk always moves on. 2 MiB keeps a
	// page under check's 4 MiB cap on a response body.
	maxPageBytes = 2 << 20
	// streamBufferSize is the streamed response's write buffer.
	streamBufferSize = 32 << 10
	// streamCheckEvery is how many tokens a stream writes between looks
	// at its request's context: a shutdown or a departed client stops it
	// within that many tokens.
	streamCheckEvery = 64
)

// writePage answers c, whole (capped at maxPageBytes) or streamed.
func writePage(w http.ResponseWriter, r *http.Request, c pageCut) {
	if c.n <= maxBufferedPage {
		writeWholePage(w, c, maxPageBytes)
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
	bw.WriteString(pageHead(c.hasNext))
	for k := range c.n {
		if k%streamCheckEvery == 0 && ctx.Err() != nil {
			panic(http.ErrAbortHandler)
		}
		if k > 0 {
			bw.WriteByte(',')
		}
		tok, _ := json.Marshal(c.token(k)) // a gen.Token always encodes
		if _, err := bw.Write(tok); err != nil {
			panic(http.ErrAbortHandler) // a bufio.Writer keeps failing after its first error
		}
	}
	bw.WriteString("]}")
	if bw.Flush() != nil {
		panic(http.ErrAbortHandler)
	}
}

// writeWholePage answers the tokens of c that fit in maxBytes (at least
// one), with a Content-Length, in the bytes json.Marshal would give that
// gen.TokenPage. Tokens are rendered one at a time, so that a page's JSON
// never takes more than maxBytes and one token's, however large the tokens.
func writeWholePage(w http.ResponseWriter, c pageCut, maxBytes int) {
	var tokens bytes.Buffer
	hasNext := c.hasNext
	for k := range c.n {
		tok, _ := json.Marshal(c.token(k)) // a gen.Token always encodes
		if k > 0 && tokens.Len()+1+len(tok) > maxBytes {
			hasNext = true // the rest is the next page's
			break
		}
		if k > 0 {
			tokens.WriteByte(',')
		}
		tokens.Write(tok)
	}
	head := pageHead(hasNext)
	const tail = `]}`
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(head)+tokens.Len()+len(tail)))
	w.WriteHeader(http.StatusOK)
	// The client has gone if a write fails; nothing to tell it.
	_, _ = io.WriteString(w, head)
	_, _ = w.Write(tokens.Bytes())
	_, _ = io.WriteString(w, tail)
}

// pageHead is a gen.TokenPage's JSON up to its first token: its fields in
// declaration order, as json.Marshal writes them (TestChangesMatchModel
// holds the two equal).
func pageHead(hasNext bool) string {
	return `{"hasNextPage":` + strconv.FormatBool(hasNext) + `,"tokens":[`
}
