package mock

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// FaultKind names a fault the mock can inject instead of an answer.
type FaultKind string

// The faults, in the order a request's draw is matched against their
// rates (see [Options].Faults).
const (
	// Fault429 answers 429 Too Many Requests, with Retry-After and
	// retry-after-ms.
	Fault429 FaultKind = "429"
	// Fault500 answers 500 Internal Server Error.
	Fault500 FaultKind = "500"
	// Fault502 answers 502 Bad Gateway.
	Fault502 FaultKind = "502"
	// Fault503 answers 503 Service Unavailable, with Retry-After and
	// retry-after-ms.
	Fault503 FaultKind = "503"
	// Fault504 answers 504 Gateway Timeout.
	Fault504 FaultKind = "504"
	// FaultReset closes the connection without an answer, with a TCP
	// reset where the connection is TCP.
	FaultReset FaultKind = "reset"
	// FaultSlow holds the request for FaultSlowDelay, then answers it as
	// usual: the one fault that is not a failure.
	FaultSlow FaultKind = "slow"
)

// faultKinds is every FaultKind, in draw order.
var faultKinds = []FaultKind{Fault429, Fault500, Fault502, Fault503, Fault504, FaultReset, FaultSlow}

// FaultKinds lists every kind of fault, in the order a request's draw
// meets them.
func FaultKinds() []FaultKind { return slices.Clone(faultKinds) }

const (
	// FaultRetryAfter is the delay a 429 or 503 fault asks for: 100 ms in
	// retry-after-ms, which Letta's SDKs and this module's client prefer,
	// and 1 in Retry-After, the same delay rounded up to the header's unit
	// of whole seconds. It is short so that a walk through many faults
	// stays quick.
	FaultRetryAfter = 100 * time.Millisecond
	// FaultSlowDelay is how long a slow fault holds a request before
	// answering it: long enough to show in a client's timings, far below
	// the 60 s per attempt that Letta's SDKs and this module's client
	// allow.
	FaultSlowDelay = time.Second
)

// Faults are the shares of requests that get each fault, each from 0 to 1
// and together at most 1; a kind left out is never injected. See
// [Options].Faults.
type Faults map[FaultKind]float64

// decimalRate is how a rate is written: digits with an optional fraction
// (no sign, exponent, hexadecimal, Inf or NaN, which ParseFloat accepts).
var decimalRate = regexp.MustCompile(`^([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// ErrInvalidFaults is wrapped by [ParseFaults]'s errors, and by New's for
// invalid [Options].Faults.
var ErrInvalidFaults = errors.New("invalid faults")

// ParseFaults reads a fault spec: comma-separated KIND=RATE parts, such as
// "429=0.1,503=0.05,500=0.01,reset=0.01,slow=0.02". KIND is one of
// FaultKinds, each at most once; RATE is a decimal number from 0 to 1, the
// share of requests that get that fault; the rates add up to at most 1.
// Nothing else is accepted, not even spaces: the error, wrapping
// [ErrInvalidFaults], names the part that is wrong.
func ParseFaults(spec string) (Faults, error) {
	if spec == "" {
		return nil, fmt.Errorf("%w: the spec is empty; want KIND=RATE[,KIND=RATE…]", ErrInvalidFaults)
	}
	f := Faults{}
	for part := range strings.SplitSeq(spec, ",") {
		kind, rate, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%w: %q is not KIND=RATE", ErrInvalidFaults, part)
		}
		if !slices.Contains(faultKinds, FaultKind(kind)) {
			return nil, fmt.Errorf("%w: %q: unknown kind %q; want one of %s", ErrInvalidFaults, part, kind, kindList())
		}
		if _, dup := f[FaultKind(kind)]; dup {
			return nil, fmt.Errorf("%w: %q: %s is given twice", ErrInvalidFaults, part, kind)
		}
		r, err := strconv.ParseFloat(rate, 64)
		if err != nil || !decimalRate.MatchString(rate) {
			return nil, fmt.Errorf("%w: %q: the rate is not a decimal number", ErrInvalidFaults, part)
		}
		f[FaultKind(kind)] = r
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, nil
}

// String is f as a spec ParseFaults reads, kinds in draw order.
func (f Faults) String() string {
	var parts []string
	for _, k := range faultKinds {
		if r, ok := f[k]; ok {
			parts = append(parts, string(k)+"="+strconv.FormatFloat(r, 'g', -1, 64))
		}
	}
	return strings.Join(parts, ",")
}

// check reports a kind or rate that makes no sense.
func (f Faults) check() error {
	for k := range f {
		if !slices.Contains(faultKinds, k) {
			return fmt.Errorf("%w: unknown kind %q; want one of %s", ErrInvalidFaults, k, kindList())
		}
	}
	sum := 0.0
	for _, k := range faultKinds {
		r := f[k] // 0 for a kind left out
		if math.IsNaN(r) || r < 0 || r > 1 {
			return fmt.Errorf("%w: %s=%v: a rate is between 0 and 1", ErrInvalidFaults, k, r)
		}
		sum += r
	}
	// A little slack for rates such as 0.1+0.2+0.7, whose float sum
	// exceeds 1 by a rounding error.
	if sum > 1+1e-9 {
		return fmt.Errorf("%w: the rates add up to %v, more than 1", ErrInvalidFaults, sum)
	}
	return nil
}

func kindList() string {
	names := make([]string, len(faultKinds))
	for i, k := range faultKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Stats count what a Server has served since New.
type Stats struct {
	// Requests is how many requests reached the Server, faults included.
	Requests int64
	// Faults is how many requests drew each fault of [Options].Faults
	// (every configured kind is present, zero or not).
	Faults map[FaultKind]int64
}

// Stats returns what s has served so far. It is safe to call while s
// serves.
func (s *Server) Stats() Stats {
	st := Stats{Requests: s.faults.requests.Load(), Faults: map[FaultKind]int64{}}
	for i, k := range faultKinds {
		if _, ok := s.faults.rates[k]; ok {
			st.Faults[k] = s.faults.counts[i].Load()
		}
	}
	return st
}

// faultInjector decides each request's fault. The k-th request to arrive
// draws a number from its seed and k alone, so the same seed and the same
// sequence of requests give the same faults; requests sent concurrently
// may arrive in another order from run to run, and then meet other
// faults. It holds no lock.
type faultInjector struct {
	rates    Faults
	seed     uint64
	requests atomic.Int64
	counts   []atomic.Int64 // by index in faultKinds
	// bounds are the cumulative rates, in faultKinds order: a draw u
	// gets the first kind whose bound exceeds it.
	bounds []float64
}

func newFaultInjector(rates Faults, seed uint64) (*faultInjector, error) {
	if err := rates.check(); err != nil {
		return nil, err
	}
	// A copy: the caller's map may change while the server runs.
	fi := &faultInjector{rates: maps.Clone(rates), seed: seed,
		counts: make([]atomic.Int64, len(faultKinds)), bounds: make([]float64, len(faultKinds))}
	sum := 0.0
	for i, k := range faultKinds {
		sum += rates[k]
		fi.bounds[i] = sum
	}
	return fi, nil
}

// draw counts a request and returns its fault, "" for none.
func (fi *faultInjector) draw() FaultKind {
	u := unitFloat(fi.seed, uint64(fi.requests.Add(1)-1))
	// bounds only grow, and a kind of rate 0 adds nothing to them: the
	// first bound above u is that of a kind with a rate.
	for i, kind := range faultKinds {
		if u < fi.bounds[i] {
			fi.counts[i].Add(1)
			return kind
		}
	}
	return ""
}

// unitFloat is a number in [0, 1) made from seed and n by SplitMix64's
// finaliser: uniform enough for fault rates, and the same on every
// platform and Go version (math/rand's streams carry no such promise).
func unitFloat(seed, n uint64) float64 {
	z := seed + (n+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

// inject serves fault on w in place of an answer, and reports whether it
// did: a slow fault only delays the request, which is then answered as
// usual. Nothing reaches the handler before inject, so a request answered
// with a fault changes nothing: a create that gets a 429 or a reset
// creates no token.
func inject(w http.ResponseWriter, r *http.Request, fault FaultKind) bool {
	switch fault {
	case "":
		return false
	case FaultSlow:
		hold(r, FaultSlowDelay)
		return false
	case FaultReset:
		resetConnection(w)
		return true
	}
	status, _ := strconv.Atoi(string(fault))
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(int((FaultRetryAfter+time.Second-1)/time.Second)))
		w.Header().Set("Retry-After-Ms", strconv.FormatInt(FaultRetryAfter.Milliseconds(), 10))
	}
	writeMessage(w, status, "mock: injected fault: "+strconv.Itoa(status)+" "+http.StatusText(status))
	return true
}

// resetConnection closes the request's connection without a byte of
// answer. On TCP it sets SO_LINGER to 0 first, so the client gets a reset
// (ECONNRESET), not an orderly close. Where the connection cannot be taken
// over (HTTP/2, a recorder), the handler is aborted instead, which also
// ends the exchange without an answer.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = nc.NetConn() // a *tls.Conn's TCP connection
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
