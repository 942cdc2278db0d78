package mock

import (
	"net/http"
	"time"
)

// wait delays r by the server's latency. A request whose context ends
// first (the server is shutting down, or the client gave up) is dropped
// with panic(http.ErrAbortHandler), as a cut-off stream is: returning
// without a word would send an empty 200.
//
// net/http notices that a client gave up only once it has read the
// request's body, because until then the connection's next bytes belong to
// the body. A request without a body (list, delete) is therefore dropped
// as soon as its client goes, but a create, whose body the mock reads
// after the wait, is still carried out when the wait ends: the token is
// created and later lists show it, as on a real server that received the
// whole request before its client left. TestLatencyCreateOutlivesClient
// holds the mock to that.
func (s *Server) wait(r *http.Request) {
	if s.latency > 0 {
		hold(r, s.latency)
	}
}

// hold holds r for d, or drops it when its context ends first.
func hold(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		panic(http.ErrAbortHandler)
	}
}
