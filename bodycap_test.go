package lettatokens

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestBodyAtTheCap: a usable answer of exactly WithMaxBodyBytes bytes is
// read and decoded, whether its length is declared or it comes chunked;
// one byte more is ErrBodyTooLarge.
func TestBodyAtTheCap(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	body := pageJSON(t)
	limit := int64(len(body))
	for _, declared := range []bool{true, false} {
		for _, extra := range []int{0, 1} {
			sent := append(append([]byte(nil), body...), []byte("          ")[:extra]...)
			srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if declared {
					w.Header().Set("Content-Length", strconv.Itoa(len(sent)))
				} else {
					w.WriteHeader(http.StatusOK)
					w.(http.Flusher).Flush() // no length: chunked
				}
				w.Write(sent)
			})
			c, _ := newTestClient(t, srv, WithMaxBodyBytes(limit))
			page, err := c.ListTokens(ctx, ListOptions{})
			switch {
			case extra == 0 && (err != nil || len(page.Tokens) != 2):
				t.Errorf("declared %v, a body of exactly the cap: page %v, err %v; want the page", declared, page, err)
			case extra > 0 && !errors.Is(err, ErrBodyTooLarge):
				t.Errorf("declared %v, a body one byte over the cap: err %v, want ErrBodyTooLarge", declared, err)
			}
		}
	}
}
