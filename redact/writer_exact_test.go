package redact

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// What a Writer has written after each Write, exactly: whole lines (a
// newline or a carriage return ends one), masked; of a line over the
// buffer, all but its last writerOverlap bytes, never cutting a secret.
func TestWriterExact(t *testing.T) {
	smallChunks(t)
	a, b := strings.Repeat("a", 1000), strings.Repeat("b", 1000)
	key := NewMasker(tKey)
	tests := []struct {
		name   string
		writes []string
		// after each write, then after Flush
		want []string
	}{
		{"a newline alone", []string{"\n", "x"}, []string{"\n", "\n", "\nx"}},
		{"a carriage return ends a line", []string{"ab\rcd", "\n"}, []string{"ab\r", "ab\rcd\n", "ab\rcd\n"}},
		{"lines and a rest", []string{"x " + tKey + "\ny\nz " + tKeyPart[:6], tKeyPart[6:]}, []string{"x sk-let-Q…\ny\n", "x sk-let-Q…\ny\n", "x sk-let-Q…\ny\nz sk-let-Q…"}},
		{"a long line in one write with its newline", []string{a[:600] + "\n"}, []string{a[:600] + "\n", a[:600] + "\n"}},
		{"a long line without one", []string{a[:600]}, []string{a[:440], a[:600]}},
		{"just over the buffer", []string{a[:513]}, []string{a[:353], a[:513]}},
		{"the buffer full", []string{a[:512]}, []string{"", a[:512]}},
		{"a secret across the cut", []string{a[:430] + tKeyPart + b[:150]}, []string{a[:430], a[:430] + "sk-let-Q…" + b[:150]}},
		{"a secret ending at the cut", []string{a[:420] + tKeyPart + b[:160]}, []string{a[:420] + "sk-let-Q…", a[:420] + "sk-let-Q…" + b[:160]}},
		{"a secret starting at the cut", []string{a[:452] + tKeyPart + b[:128]}, []string{a[:452], a[:452] + "sk-let-Q…" + b[:128]}},
		{"a secret before the cut", []string{tKeyPart + a[:600]}, []string{"sk-let-Q…" + a[:440], "sk-let-Q…" + a[:600]}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		w := NewWriter(&out, key)
		for i, s := range tt.writes {
			if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
				t.Fatalf("%s: Write = %d, %v", tt.name, n, err)
			}
			if got := out.String(); got != tt.want[i] {
				t.Errorf("%s: after write %d: %q, want %q", tt.name, i, got, tt.want[i])
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != tt.want[len(tt.writes)] {
			t.Errorf("%s: after Flush: %q, want %q", tt.name, got, tt.want[len(tt.writes)])
		}
	}
}

// A secret longer than the buffer: its masked form is written, and only
// what follows it of the same shape is dropped.
func TestWriterLongSecretExact(t *testing.T) {
	smallChunks(t)
	r := rand.New(rand.NewPCG(1, 2))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	long := make([]byte, 700)
	for i := range long {
		long[i] = letters[r.IntN(len(letters))]
	}
	m := NewMasker("").WithKeys(string(long))
	for _, tail := range []string{"tail", " tail", "\ttail\n"} {
		var out bytes.Buffer
		w := NewWriter(&out, m)
		w.Write(append(long[:len(long):len(long)], tail...))
		w.Flush()
		if got, want := out.String(), Key(string(long))+tail; got != want {
			t.Errorf("%q after the key: got %q, want %q", tail, got, want)
		}
	}
	var out bytes.Buffer
	w := NewWriter(&out, NewMasker(""))
	w.Write([]byte("x ck-let-" + strings.Repeat("S", 600)))
	if got := out.String(); got != "x ck-let-S…SSSS" {
		t.Errorf("after the shape's start: %q", got)
	}
	w.Write([]byte(strings.Repeat("S", 100) + "\"rest"))
	w.Flush()
	if got := out.String(); got != "x ck-let-S…SSSS\"rest" {
		t.Errorf("after the shape's end: %q", got)
	}

	// What is left once the shape's rest is dropped fills the buffer
	// exactly: it is held, not cut.
	out.Reset()
	w = NewWriter(&out, NewMasker(""))
	w.Write([]byte("x ck-let-" + strings.Repeat("S", 600)))
	out.Reset()
	full := " " + strings.Repeat("a", maxWriterLine-1)
	w.Write([]byte("SSS" + full))
	if got := out.String(); got != "" {
		t.Errorf("a full buffer after the shape's rest: %q written", got)
	}
	w.Flush()
	if got := out.String(); got != full {
		t.Errorf("after Flush: %q", got)
	}
	if err := w.Flush(); err != nil || out.String() != full {
		t.Errorf("Flush again: %v, %q", err, out.String())
	}
}
