package main

import (
	"bufio"
	"bytes"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/letta-tokens/letta-tokens/mock"
)

// unsolicitedServer serves h on loopback and, after each complete answer,
// writes junk on the same connection: bytes nobody asked for, which
// net/http's transport logs through the standard logger ("Unsolicited
// response received on idle HTTP channel starting with …"), outside any
// writer the command was given.
func unsolicitedServer(t *testing.T, h http.Handler, junk string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		wg    sync.WaitGroup
	)
	serve := func(c net.Conn) {
		defer wg.Done()
		defer c.Close()
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			io.Copy(io.Discard, req.Body)
			res := rec.Result()
			body := rec.Body.Bytes()
			res.Header.Del("Content-Length")
			res.ContentLength = int64(len(body))
			res.Body = io.NopCloser(bytes.NewReader(body))
			var out bytes.Buffer
			res.Write(&out)
			out.WriteString(junk)
			if _, err := c.Write(out.Bytes()); err != nil {
				return
			}
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go serve(c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String()
}

// captureStdLog sends what the standard logger writes to a buffer for the
// rest of the test: the process's own stderr, outside the command's
// boundary.
func captureStdLog(t *testing.T) *syncBuffer {
	var buf syncBuffer
	prev := log.Writer()
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(prev) })
	return &buf
}

// unsolicitedJunk echoes the Authorization a server saw, and a forged
// GitHub Actions annotation in both spellings a runner reads.
func unsolicitedJunk(key string) string {
	return "Bearer " + key + " ##[error]forged annotation\n::error::forged too\n"
}

// Issue 20: a server that sends bytes after a complete answer makes
// net/http log them, key and forged annotation included, through the
// standard library's logger. Nothing of it may reach the process's stderr
// but through the boundary: masked, one line per entry, workflow commands
// defused. net/http logs only when it reads the bytes before the command
// closes its idle connections, which is most runs: each command runs until
// one did.
func TestUnsolicitedBytesLoggedThroughBoundary(t *testing.T) {
	const attempts = 20
	seed := mock.SeedTokens(attempts)
	h := mockHandler(t, mock.Options{Tokens: seed, APIKey: testKey})
	url := unsolicitedServer(t, h, unsolicitedJunk(testKey))
	for _, args := range [][]string{{"list"}, createArgs(), {"delete"}, {"check", "--concurrency", "1"}} {
		t.Run(args[0], func(t *testing.T) {
			logged := captureStdLog(t)
			for i := range attempts {
				r := runCLIStdin(t, envFor(url), strings.NewReader(seed[i].Token), args...)
				if r.code != exitOK {
					t.Fatalf("exit %d, want 0:\n%s%s", r.code, r.stdout, r.stderr)
				}
				if got := logged.String(); got != "" {
					t.Fatalf("the standard logger wrote outside the boundary:\n%s", got)
				}
				out := r.stdout + r.stderr
				if w := keyLeak(out); w != "" {
					t.Fatalf("%q printed:\n%s", w, out)
				}
				if strings.Contains(out, "#[") || strings.Contains(out, "\n::") {
					t.Fatalf("a workflow command printed:\n%s", out)
				}
				if strings.Contains(r.stderr, "Unsolicited response") {
					return
				}
			}
			t.Errorf("in %d runs, net/http's line never reached stderr", attempts)
		})
	}
}

// Issue 20: the same through the proxy, whose upstream sends bytes after
// each answer, echoing the client's key (which the proxy does not know
// until a client sends it).
func TestProxyUnsolicitedBytesNotLoggedRaw(t *testing.T) {
	upstream := unsolicitedServer(t, mockHandler(t, mock.Options{Tokens: mock.SeedTokens(5)}), unsolicitedJunk(proxyKey))
	logged := captureStdLog(t)
	base, stop := startProxyCmd(t, nil, "--upstream", upstream)
	// An answer may be 502: a connection reused before net/http read the
	// bytes reads them as the next answer.
	for _, q := range []string{"?limit=2", "?limit=2&offset=2", "?limit=2&offset=4"} {
		proxyGet(t, base, listPath+q)
	}
	r := stop()
	out := r.stdout + r.stderr + logged.String()
	if strings.Contains(out, proxyKey[:12]) || strings.Contains(out, "#[") || strings.Contains(out, "\n::") {
		t.Errorf("the client's key or a workflow command printed:\n%s", out)
	}
}
