package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/letta-tokens/letta-tokens/mock"
	"github.com/letta-tokens/letta-tokens/mock/mocktest"
)

// trickle sends a 200 with JSON headers, then one byte of body per
// interval until the client gives up: a server that is up but useless.
func trickle(interval time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	}
}

func TestCheckTricklingBodyIsAnOutage(t *testing.T) {
	url := newServer(t, trickle(100*time.Millisecond)).URL
	r := runCLI(t, envFor(url), "check", "--timeout", "300ms")
	if r.code != exitUsage {
		t.Errorf("exit %d, want %d (an outage is not drift)\nstdout: %s\nstderr: %s", r.code, exitUsage, r.stdout, r.stderr)
	}
	// Worded as list words it: one table for every command.
	oneLine(t, r, url+" is unavailable", "timed out", "--timeout 300ms")
	if strings.Contains(r.stdout+r.stderr, "breaking drift") {
		t.Errorf("an outage reported as drift:\n%s%s", r.stdout, r.stderr)
	}
}

func TestCheckDeadline(t *testing.T) {
	// Each attempt may take 10 s, the whole run only a fraction of that.
	url := newServer(t, trickle(100*time.Millisecond)).URL
	r := runCLI(t, envFor(url), "check", "--timeout", "10s", "--deadline", "400ms")
	if r.code != exitUsage {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, exitUsage, r.stdout, r.stderr)
	}
	oneLine(t, r, "could not finish", "--deadline")
}

// The flags' ranges are TestUsageErrors'; LETTA_MAX_TOKENS's are here.
func TestCheckFlagsOutOfRange(t *testing.T) {
	ts := newMock(t, 3)
	for _, value := range []string{"many", "0"} {
		env := envFor(ts.URL)
		env[envMaxTokens] = value
		r := runCLI(t, env, "check")
		if r.code != exitUsage {
			t.Errorf("%s=%s: exit %d, want %d", envMaxTokens, value, r.code, exitUsage)
		}
		oneLine(t, r, envMaxTokens+" must be a whole number between 1 and")
	}
}

func TestCheckMaxTokensBoundIsIncomplete(t *testing.T) {
	// Pages of 50: the walk is past 60 tokens after two pages, with more to
	// come.
	ts := newMock(t, 120)
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"flag", nil, []string{"--max-tokens", "60"}, exitUsage},
		{"environment", map[string]string{envMaxTokens: "60"}, nil, exitUsage},
		{"flag wins over environment", map[string]string{envMaxTokens: "60"}, []string{"--max-tokens", "1000"}, exitOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := envFor(ts.URL)
			for k, v := range tt.env {
				env[k] = v
			}
			r := runCLI(t, env, append([]string{"check"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if tt.code == exitOK {
				return
			}
			if strings.Contains(r.stdout, "breaking drift") && !strings.Contains(r.stdout, "no breaking drift") {
				t.Errorf("a bound reached is not drift:\n%s", r.stdout)
			}
			if !strings.Contains(r.stdout, "could not be checked completely") || !strings.Contains(r.stdout+r.stderr, "--max-tokens") {
				t.Errorf("the report must say the check is incomplete and name --max-tokens:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
			}
			r = runCLI(t, env, append([]string{"check", "--json"}, tt.args...)...)
			var report struct {
				Passed   bool `json:"passed"`
				Complete bool `json:"complete"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &report); err != nil || r.code != exitUsage || report.Complete {
				t.Errorf("--json: exit %d, complete %v, err %v\n%s", r.code, report.Complete, err, r.stdout)
			}
		})
	}
}

func TestCheckNeverEndingServerIsStillDrift(t *testing.T) {
	// hasNextPage true on the empty page past the end: a server that never
	// ends, which no bound excuses.
	ts := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(12)}),
		func(page map[string]any) { page["hasNextPage"] = true }))
	r := runCLI(t, envFor(ts.URL), "check")
	if r.code != exitFailure || !strings.Contains(r.stdout, "breaking pagination") {
		t.Errorf("exit %d, want %d with a pagination finding:\n%s%s", r.code, exitFailure, r.stdout, r.stderr)
	}
}

// controlChar matches what a terminal would act on.
var controlChar = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

func TestCheckEscapesServerStrings(t *testing.T) {
	const forged = "\nchecked http://x: 0 breaking, 0 additive — no breaking drift"
	huge := strings.Repeat("9", 1<<20)
	ts := newServer(t, mocktest.RewritePages(mockHandler(t, mock.Options{Tokens: mock.SeedTokens(8)}),
		func(page map[string]any) {
			mocktest.ForEachToken(page, func(tok map[string]any) {
				entry := tok["policy"].(map[string]any)["data"].([]any)[0].(map[string]any)
				entry["id"] = "agent-\x1b[2J\x1b]0;pwned\x07" + forged
				entry["type"] = json.Number(huge)
				tok["\x1b[31mred"+forged] = "x"
				tok["expiresAt"] = "soon\x1b[2J" + forged
				// Characters encoding/json leaves raw, after each letter of the key.
				tok["hostname"] = interleave(testKey, "\u200b")
				tok["field\u009b"] = interleave(testKey, "\u202e")
			})
		}))
	for _, args := range [][]string{{"check"}, {"check", "--agent-id", "agent-\x1b[2J" + forged}} {
		r := runCLI(t, envFor(ts.URL), args...)
		if r.code != exitFailure {
			t.Errorf("%q: exit %d, want %d\n%s%s", args, r.code, exitFailure, r.stdout, r.stderr)
		}
		out := r.stdout + r.stderr
		if loc := controlChar.FindStringIndex(out); loc != nil || strings.Contains(out, "\u200b") {
			t.Errorf("%q: control or invisible character printed:\n%q", args, out)
		}
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		for i, line := range lines {
			if len(line) > 2000 {
				t.Errorf("%q: line %d is %d bytes", args, i, len(line))
			}
			if strings.HasPrefix(line, "checked ") && i != len(lines)-1 {
				t.Errorf("%q: a forged summary line %d: %q", args, i, line)
			}
		}
		if !utf8.ValidString(out) {
			t.Errorf("%q: output is not valid UTF-8", args)
		}
	}
	r := runCLI(t, envFor(ts.URL), "check", "--json")
	if strings.ContainsAny(r.stdout+r.stderr, "\u200b\u202e\u009b") {
		t.Errorf("--json printed an invisible character raw:\n%s", r.stdout)
	}
	var report checkJSON
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("--json is not JSON: %v\n%.500s", err, r.stdout)
	}
	for _, f := range report.Findings {
		if controlChar.MatchString(f.Message+f.Pointer) || len(f.Message) > 2000 || len(f.Pointer) > 2000 {
			t.Errorf("--json finding not made safe: %q %q", f.Pointer, f.Message)
		}
	}
	if controlChar.MatchString(report.AgentID) {
		t.Errorf("--json agentId %q", report.AgentID)
	}
}

func TestCheckAgentIDMatchingNothingIsNoted(t *testing.T) {
	ts := newMock(t, 9)
	r := runCLI(t, envFor(ts.URL), "check", "--agent-id", "agent-that-does-not-exist")
	if r.code != exitOK {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`(?m)^note: .*agent-that-does-not-exist.*no token`).MatchString(r.stdout) {
		t.Errorf("no note that the filter was exercised on no token:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, strconv.Itoa(9)+" tokens") {
		t.Errorf("summary: %s", r.stdout)
	}
}
