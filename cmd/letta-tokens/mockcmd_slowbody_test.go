package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestMockDropsTricklingBody: a client that sends its headers in time and
// then its body a byte at a time (or never) does not hold a connection and
// a handler for ever: the mock's server gives up after readBodyTimeout.
func TestMockDropsTricklingBody(t *testing.T) {
	defer func(d time.Duration) { readBodyTimeout = d }(readBodyTimeout)
	readBodyTimeout = 200 * time.Millisecond

	handled := make(chan struct{}, 1)
	hs := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // as the mock reads a create's body
		handled <- struct{}{}
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/client-side-access-tokens HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
	// The server must end the exchange well before this.
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server still held a connection whose body never came")
	}
	select {
	case <-handled:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler never returned")
	}
}
