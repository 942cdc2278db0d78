package proxy_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/letta-tokens/letta-tokens/proxy"
)

// echoingUpstream answers every list with an empty page that echoes each
// Authorization credential of the request in a field of its own, and in
// a field's name.
func echoingUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var extra strings.Builder
		for i, a := range r.Header.Values("Authorization") {
			cred := strings.TrimPrefix(a, "Bearer ")
			fmt.Fprintf(&extra, `,"echo%d":%q,%q:%d`, i, cred, "name-"+cred, i)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"tokens":[],"hasNextPage":false%s}`, extra.String())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// recorded is every fixture p wrote to dir, concatenated.
func recorded(t *testing.T, p *proxy.Proxy, dir string) string {
	t.Helper()
	p.Stats()
	names, _ := filepath.Glob(filepath.Join(dir, "*.http"))
	var b strings.Builder
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(raw)
	}
	return b.String()
}

// TestKeysPastTheBoundStopRecording: once more keys were seen than the
// proxy can mask, recording stops and says so, rather than write the
// next key's echo into a fixture.
func TestKeysPastTheBoundStopRecording(t *testing.T) {
	dir := t.TempDir()
	s := startProxy(t, echoingUpstream(t).URL, proxy.Options{RecordDir: dir})
	// Keys that share no run of 12 characters: each is masked only as
	// itself.
	key := func(i int) string { return longKey(i, 32) }
	for i := range 257 {
		s.do(t, http.MethodGet, listPath, "", auth(key(i)))
	}
	text := recorded(t, s.p, dir)
	if !strings.Contains(text, "echo0") {
		t.Fatal("nothing was recorded before the bound")
	}
	for _, i := range []int{0, 255, 256} {
		if strings.Contains(text, key(i)[:12]) {
			t.Errorf("a fixture holds key %d", i)
		}
	}
	if st := s.p.Stats(); st.Recorded != 256 || st.RecordFailed == 0 || !strings.Contains(st.RecordError, "recording stopped") {
		t.Errorf("recorded %d, %d failed (%s): want 256 recorded, then recording stopped and said so", st.Recorded, st.RecordFailed, st.RecordError)
	}
}

// TestEveryAuthorizationValueIsMasked: a request with two Authorization
// headers, the second echoed by the upstream, yields findings and
// fixtures without either key.
func TestEveryAuthorizationValueIsMasked(t *testing.T) {
	dir := t.TempDir()
	s := startProxy(t, echoingUpstream(t).URL, proxy.Options{RecordDir: dir})
	second := longKey(99, 40) // shares no 12 characters with testKey
	s.do(t, http.MethodGet, listPath, "", http.Header{"Authorization": {"Bearer " + testKey, "Bearer " + second}})
	fs := s.findings()
	if len(fs) == 0 {
		t.Fatal("the echoed fields were not reported")
	}
	out := fs.String() + recorded(t, s.p, dir)
	for _, k := range []string{testKey, second} {
		if strings.Contains(out, k[6:18]) {
			t.Errorf("findings or fixtures hold %q:\n%s", k, out)
		}
	}
}

// TestLongAuthorizationRefused: an Authorization value of one byte over
// MaxAuthorizationBytes is answered 431 and never reaches the upstream;
// one of exactly MaxAuthorizationBytes goes through.
func TestLongAuthorizationRefused(t *testing.T) {
	var reached atomic.Int32
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	t.Cleanup(upstream.Close)
	s := startProxy(t, upstream.URL, proxy.Options{})
	long := "Bearer " + strings.Repeat("k", proxy.MaxAuthorizationBytes-len("Bearer "))
	for _, h := range []http.Header{{"Authorization": {long + "k"}}, {"Authorization": {"Bearer " + testKey, long + "k"}}} {
		if resp, _ := s.do(t, http.MethodGet, listPath, "", h); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("status %d, want 431", resp.StatusCode)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the upstream got %d requests, want none", n)
	}
	if resp, _ := s.do(t, http.MethodGet, listPath, "", http.Header{"Authorization": {long}}); resp.StatusCode != http.StatusOK || reached.Load() != 1 {
		t.Errorf("an Authorization of exactly %d bytes: status %d, want it forwarded", proxy.MaxAuthorizationBytes, resp.StatusCode)
	}
}

// TestShortestKeyIsRemovedFromRecordings: an echo of a key of 4
// characters, the shortest redact masks, is recorded as REMOVED-KEY.
func TestShortestKeyIsRemovedFromRecordings(t *testing.T) {
	dir := t.TempDir()
	s := startProxy(t, echoingUpstream(t).URL, proxy.Options{RecordDir: dir})
	s.do(t, http.MethodGet, listPath, "", auth("wxyz"))
	if text := recorded(t, s.p, dir); !strings.Contains(text, `"echo0":"REMOVED-KEY"`) {
		t.Errorf("fixture:\n%s\nwant the echo of the key recorded as REMOVED-KEY", text)
	}
}

// stubTransport answers every request with a list page of body.
type stubTransport struct{ body string }

func (s stubTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(s.body)), Request: r}, nil
}

// inProcess is a proxy to a stub upstream (stubTransport{body} unless
// opts.Transport is set), served without a network.
func inProcess(t *testing.T, body string, opts proxy.Options) *proxy.Proxy {
	t.Helper()
	opts.Upstream, _ = url.Parse("http://upstream.invalid")
	if opts.Transport == nil {
		opts.Transport = stubTransport{body}
	}
	p, err := proxy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	// Validations go on after ServeHTTP returns: settle them before the
	// test's cleanups (its RecordDir) run.
	t.Cleanup(func() { p.Stats() })
	return p
}

// TestKeysAreIndexedOnceNotPerExchange: with 20 keys of 8 KiB seen, an
// exchange, recorded, allocates about what its body needs, not the keys'
// masks again (which took tens of MB an exchange).
func TestKeysAreIndexedOnceNotPerExchange(t *testing.T) {
	p := inProcess(t, `{"tokens":[],"hasNextPage":false}`, proxy.Options{RecordDir: t.TempDir()})
	get := func(key string) {
		req := httptest.NewRequest(http.MethodGet, listPath, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		p.ServeHTTP(httptest.NewRecorder(), req)
	}
	var keys []string
	for i := range 20 {
		keys = append(keys, longKey(i, proxy.MaxAuthorizationBytes-len("Bearer ")))
		get(keys[i])
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 10
	for i := range n {
		get(keys[i])
	}
	p.Stats() // the validations and records of those exchanges
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 2<<20 {
		t.Errorf("an exchange allocated %d bytes with 20 long keys seen, want under 2 MiB", per)
	}
}

// longKey is a key of n characters, random-looking and different for
// each i.
func longKey(i, n int) string {
	var b strings.Builder
	sum := sha256.Sum256([]byte(fmt.Sprint(i)))
	for b.Len() < n {
		b.WriteString(hex.EncodeToString(sum[:]))
		sum = sha256.Sum256(sum[:])
	}
	return b.String()[:n]
}

// blockedWriter is a client that never reads: its writes block until
// released.
type blockedWriter struct {
	header  http.Header
	release chan struct{}
}

func (w *blockedWriter) Header() http.Header { return w.header }
func (w *blockedWriter) WriteHeader(int)     {}
func (w *blockedWriter) Write(b []byte) (int, error) {
	<-w.release
	return len(b), nil
}

// TestClientsThatNeverReadBlockNoOne: sixteen clients that never read
// their answers do not keep a seventeenth from getting its own.
func TestClientsThatNeverReadBlockNoOne(t *testing.T) {
	p := inProcess(t, string(pageBody(200)), proxy.Options{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { close(release); wg.Wait() })
	for range 16 {
		wg.Go(func() {
			p.ServeHTTP(&blockedWriter{header: http.Header{}, release: release}, httptest.NewRequest(http.MethodGet, listPath, nil))
		})
	}
	for deadline := time.Now().Add(10 * time.Second); p.Stats().Requests < 16 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the sixteen reach their writes
	done := make(chan int, 1)
	go func() {
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, listPath, nil))
		done <- rec.Code
	}()
	select {
	case code := <-done:
		if code != http.StatusOK {
			t.Errorf("status %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a client waited 10s behind clients that never read")
	}
}

// pageBody is a page of n conformant tokens.
func pageBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"tokens":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"token":"ck-let-pageSECRET%020d","hostname":"https://a.example.com","expiresAt":"2030-01-01T00:00:00.000Z","policy":{"version":"1","data":[]}}`, i)
	}
	b.WriteString(`],"hasNextPage":false}`)
	return b.Bytes()
}

// slowBody is a request body that sends nothing until released, and
// counts the requests whose body the proxy began to read.
type slowBody struct {
	started *atomic.Int32
	once    sync.Once
	release chan struct{}
	rest    io.Reader
}

func (b *slowBody) Read(p []byte) (int, error) {
	b.once.Do(func() { b.started.Add(1) })
	<-b.release
	return b.rest.Read(p)
}

// TestRequestBodiesShareABudget: creates whose bodies of 1 MiB trickle
// in are read at most requestBodyBudget's worth at a time (16 MiB), not
// all at once (200 such bodies took 707 MB): 16 of a declared length, 15
// sent chunked, each of which reserves the cap and a byte (which tells a
// body over the cap); the others wait their turn and then go through.
func TestRequestBodiesShareABudget(t *testing.T) {
	const n, size = 24, 1 << 20
	for declared, want := range map[int64]int32{size: 16, -1: 15} {
		p := inProcess(t, createdJSON, proxy.Options{})
		var started, served atomic.Int32
		release := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				body := &slowBody{started: &started, release: release, rest: strings.NewReader(strings.Repeat("x", size))}
				req := httptest.NewRequest(http.MethodPost, listPath, body)
				req.ContentLength = declared
				req.Header.Set("Content-Type", "application/json")
				p.ServeHTTP(httptest.NewRecorder(), req)
				served.Add(1)
			})
		}
		for deadline := time.Now().Add(10 * time.Second); started.Load() < want && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // any more would have started by now
		if got := started.Load(); got != want {
			t.Errorf("Content-Length %d: %d request bodies of 1 MiB read at once, want %d", declared, got, want)
		}
		close(release)
		wg.Wait()
		if served.Load() != n {
			t.Errorf("Content-Length %d: %d of %d requests served", declared, served.Load(), n)
		}
	}
}

// gatedTransport is a stubTransport that tells of each request, and
// answers it once released.
type gatedTransport struct {
	stubTransport
	arrived, release chan struct{}
}

func (g gatedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	g.arrived <- struct{}{}
	<-g.release
	return g.stubTransport.RoundTrip(r)
}

// TestSmallChunkedBodiesHoldOnlyTheirSize: a body sent chunked reserves
// the cap, and gives back what it did not use once read: twenty small
// creates wait for a slow upstream at once, where fifteen reservations
// of the cap would fill the budget.
func TestSmallChunkedBodiesHoldOnlyTheirSize(t *testing.T) {
	const n = 20
	gate := gatedTransport{arrived: make(chan struct{}, n), release: make(chan struct{})}
	p := inProcess(t, createdJSON, proxy.Options{Transport: gate})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(gate.release)
	for range n {
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodPost, listPath, io.MultiReader(strings.NewReader(`{"hostname":"https://app.example.com"}`)))
			req.ContentLength = -1
			p.ServeHTTP(httptest.NewRecorder(), req)
		})
	}
	for i := range n {
		select {
		case <-gate.arrived:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of %d small chunked bodies reached a slow upstream, want all", i, n)
		}
	}
}

// TestClientThatNeverReadsIsCutOff: an answer a client does not read
// within Options.WriteTimeout is cut off, so that it holds neither a
// goroutine nor its buffered body for ever.
func TestClientThatNeverReadsIsCutOff(t *testing.T) {
	const size = 16 << 20 // more than the kernel buffers on both sides
	p := inProcess(t, `{"tokens":[],"hasNextPage":false,"pad":"`+strings.Repeat("x", size)+`"}`,
		proxy.Options{MaxBodyBytes: 32 << 20, WriteTimeout: 200 * time.Millisecond})
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	dialer := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	conn, err := dialer.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", listPath, testKey)
	time.Sleep(time.Second) // not reading, past the timeout
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _ := io.Copy(io.Discard, conn)
	if n >= size {
		t.Errorf("the client got all %d bytes after not reading past the timeout, want the answer cut off", n)
	}
}
