package lettatokens

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBodyAtTheCap: a body of exactly WithMaxBodyBytes bytes, its length
// declared or chunked, is read whole and one byte more is ErrBodyTooLarge:
// a usable answer's (the page decoded) and an unusable one's, under the
// 64 KiB read for errors (its message shown when whole).
func TestBodyAtTheCap(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	page := pageJSON(t)
	limit := len(page)
	bodies := map[int][]byte{
		http.StatusOK:         page,
		http.StatusBadRequest: []byte(`{"message":"bad"` + strings.Repeat(" ", limit-len(`{"message":"bad"}`)) + "}"),
	}
	for status, body := range bodies {
		for _, declared := range []bool{true, false} {
			for _, extra := range []int{0, 1} {
				name := fmt.Sprintf("HTTP %d, declared %v, %d bytes over the cap", status, declared, extra)
				sent := append(append([]byte(nil), body...), []byte(" ")[:extra]...)
				srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					if declared {
						w.Header().Set("Content-Length", strconv.Itoa(len(sent)))
					}
					w.WriteHeader(status)
					w.(http.Flusher).Flush() // without a declared length: chunked
					w.Write(sent)
				})
				c, _ := newTestClient(t, srv, WithMaxBodyBytes(int64(limit)))
				got, err := c.ListTokens(ctx, ListOptions{})
				var apiErr *Error
				switch {
				case errors.Is(err, ErrBodyTooLarge) != (extra > 0):
					t.Errorf("%s: err %v, want ErrBodyTooLarge exactly when over the cap", name, err)
				case status == http.StatusOK && extra == 0 && (err != nil || len(got.Tokens) != 2):
					t.Errorf("%s: page %v, err %v; want the page", name, got, err)
				case status != http.StatusOK && (!errors.As(err, &apiErr) || apiErr.StatusCode != status):
					t.Errorf("%s: err %v, want an *Error %d", name, err, status)
				case status != http.StatusOK && extra == 0 && apiErr.Message != "bad":
					t.Errorf("%s: Message = %q, want the body's message", name, apiErr.Message)
				}
			}
		}
	}
}
