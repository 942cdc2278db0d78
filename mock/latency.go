package mock

import (
	"net/http"
	"time"
)

// wait delays r by the server's latency. A request whose context ends
// first (the client gave up, or the server is shutting down) is dropped
// with panic(http.ErrAbortHandler), as a cut-off stream is: returning
// without a word would send an empty 200.
func (s *Server) wait(r *http.Request) {
	if s.latency <= 0 {
		return
	}
	t := time.NewTimer(s.latency)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		panic(http.ErrAbortHandler)
	}
}
