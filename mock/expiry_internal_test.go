package mock

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

// expiryCases are strings and the instant parseExpiresAt must read, or ""
// for no time. TestParseExpiresAtAgreesWithJavaScript holds them to Node's
// Date.parse too.
var expiryCases = []struct{ in, want string }{
	// RFC 3339, what the Go client sends.
	{"2030-01-01T00:00:00.000Z", "2030-01-01T00:00:00Z"},
	{"2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z"},
	{"2030-06-15T12:30:45+02:00", "2030-06-15T10:30:45Z"},
	{"2030-06-15T12:30:45-05:30", "2030-06-15T18:00:45Z"},
	// No offset: UTC (Python's isoformat() of a naive datetime).
	{"2030-01-01T00:00:00", "2030-01-01T00:00:00Z"},
	{"2030-01-01T10:20", "2030-01-01T10:20:00Z"},
	{"2030-01-01T10:20Z", "2030-01-01T10:20:00Z"},
	// Fractions of any length, with or without an offset.
	{"2030-01-01T00:00:00.123456", "2030-01-01T00:00:00.123456Z"},
	{"2030-01-01T00:00:00.1+02:00", "2029-12-31T22:00:00.1Z"},
	{"2030-01-01T00:00:00.123456789123Z", "2030-01-01T00:00:00.123456789Z"},
	// A date alone, or less: midnight UTC.
	{"2030-01-01", "2030-01-01T00:00:00Z"},
	{"2030-02", "2030-02-01T00:00:00Z"},
	{"2030", "2030-01-01T00:00:00Z"},
	{"2030T05:00Z", "2030-01-01T05:00:00Z"},
	{"2032-02-29", "2032-02-29T00:00:00Z"},
	// What RFC 3339 also allows: lower case, a space; and ISO 8601's
	// basic offset.
	{"2030-01-01t10:00:00z", "2030-01-01T10:00:00Z"},
	{"2030-01-01 10:00:00", "2030-01-01T10:00:00Z"},
	{"2030-01-01 10:00:00.5+01:00", "2030-01-01T09:00:00.5Z"},
	{"2030-01-01T10:00:00+0200", "2030-01-01T08:00:00Z"},
	// Extended years, and the end of a day.
	{"+002030-01-01T00:00:00Z", "2030-01-01T00:00:00Z"},
	{"2030-01-01T24:00:00", "2030-01-02T00:00:00Z"},
	{"2030-01-01T24:00", "2030-01-02T00:00:00Z"},
	// Not times.
	{"", ""},
	{"tomorrow", ""},
	{"1795000000000", ""},
	{"Sat Dec 01 2029 10:00:00 GMT+0000", ""},
	{"2030-1-01", ""},
	{"2030-13-01", ""},
	{"2030-02-30", ""},
	{"2031-02-29", ""},
	{"2030-01-00", ""},
	{"2030-01-01T", ""},
	{"2030-01-01T10", ""},
	{"2030-01-01T25:00", ""},
	{"2030-01-01T10:60", ""},
	{"2030-01-01T10:00:60", ""},
	{"2030-01-01T24:00:01", ""},
	{"2030-01-01T10:00:00.", ""},
	{"2030-01-01T10:00.5", ""},
	{"2030-01-01T10:00:00+02", ""},
	{"2030-01-01T10:00:00+02:0", ""},
	{"2030-01-01T10:00:00+2:00", ""},
	{"2030-01-01_10:00:00", ""},
	{"2030-01-01T10:00:00+24:00", ""},
	{"2030-01-01T10:00:00ZZ", ""},
	{"2030-01-01Z", ""},
	{"-000000-01-01T00:00:00Z", ""},
	{"+2030-01-01", ""},
	{" 2030-01-01", ""},
	{"2030-01-01T10:00:00Z ", ""},
}

func TestParseExpiresAt(t *testing.T) {
	for _, tt := range expiryCases {
		got, ok := parseExpiresAt(tt.in)
		switch {
		case tt.want == "" && ok:
			t.Errorf("parseExpiresAt(%q) = %v, want no time", tt.in, got)
		case tt.want != "" && !ok:
			t.Errorf("parseExpiresAt(%q) refused it, want %s", tt.in, tt.want)
		case tt.want != "" && !got.Equal(mustRFC3339(t, tt.want)):
			t.Errorf("parseExpiresAt(%q) = %v, want %s", tt.in, got.UTC(), tt.want)
		}
	}
}

func mustRFC3339(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestParseExpiresAtAgreesWithJavaScript runs every case through Node's
// Date.parse, in UTC as Cloud's servers are, and requires the same answer,
// to the millisecond (a JavaScript Date holds no finer time). It skips
// without Node.js.
func TestParseExpiresAtAgreesWithJavaScript(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH: the cases are not compared with JavaScript's Date")
	}
	inputs := make([]string, len(expiryCases))
	for i, tt := range expiryCases {
		inputs[i] = tt.in
	}
	arg, _ := json.Marshal(inputs)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "-e",
		`process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]).map(s => { const t = Date.parse(s); return Number.isNaN(t) ? null : t; })))`,
		string(arg))
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var millis []*int64
	if err := json.Unmarshal(out, &millis); err != nil || len(millis) != len(expiryCases) {
		t.Fatalf("node printed %q (%v)", out, err)
	}
	for i, tt := range expiryCases {
		got, ok := parseExpiresAt(tt.in)
		js := millis[i]
		switch {
		case jsLenient[tt.in] && (ok || js == nil):
			t.Errorf("%q: listed as read by V8 alone, but the mock accepts it: %v, JavaScript: %v", tt.in, ok, js != nil)
		case ok != (js != nil) && !jsLenient[tt.in]:
			t.Errorf("%q: the mock accepts it: %v; JavaScript accepts it: %v", tt.in, ok, js != nil)
		case ok && js != nil && got.UnixMilli() != *js:
			t.Errorf("%q: the mock reads %v, JavaScript %v", tt.in, got.UTC(), time.UnixMilli(*js).UTC())
		}
	}
}

// jsLenient lists the cases outside ISO 8601 that V8 still reads as a
// time, by its lenient fallback parser (rolling 30 February over into
// March, for one): the mock refuses them.
var jsLenient = map[string]bool{
	"Sat Dec 01 2029 10:00:00 GMT+0000": true,
	"2030-1-01":                         true,
	"2030-02-30":                        true,
	"2031-02-29":                        true,
	"2030-01-01Z":                       true,
	"+2030-01-01":                       true,
	" 2030-01-01":                       true,
}

// FuzzParseExpiresAt: any string is read without a panic, and a time it
// accepts, written back in RFC 3339, reads as the same instant.
func FuzzParseExpiresAt(f *testing.F) {
	for _, tt := range expiryCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseExpiresAt(s)
		if !ok {
			return
		}
		again, ok := parseExpiresAt(got.Format(time.RFC3339Nano))
		if got.Year() >= 0 && got.Year() <= 9999 && (!ok || !again.Equal(got)) {
			t.Errorf("%q reads as %v, whose RFC 3339 form reads as %v (%v)", s, got, again, ok)
		}
	})
}
