package mock

import (
	"net/http"
	"time"
)

// hold holds r for d. A request whose context ends first (the server is
// shutting down, or the client gave up) is dropped with
// panic(http.ErrAbortHandler), as a cut-off stream is: returning without
// a word would send an empty 200.
func hold(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		panic(http.ErrAbortHandler)
	}
}
