package redact

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// smallChunks makes the Writer cut long lines often, for the duration of
// a test.
func smallChunks(t *testing.T) {
	line, overlap := maxWriterLine, writerOverlap
	maxWriterLine, writerOverlap = 512, 160
	t.Cleanup(func() { maxWriterLine, writerOverlap = line, overlap })
}

func TestWriterMasksLines(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, NewMasker(tKey))
	in := "first " + tKey + "\nsecond ck-let-" + tKeyPart[:20] + "\nlast " + encode(tKey, []byte{encPctLower})
	// Byte by byte: a secret split across writes is still seen whole.
	for i := 0; i < len(in); i++ {
		if n, err := w.Write([]byte{in[i]}); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if strings.Contains(out.String(), "last") {
		t.Errorf("a line without its newline was written before Flush: %q", out.String())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if w := survivor(got, tKeyPart); w != "" {
		t.Errorf("%q survived in %q", w, got)
	}
	if strings.Count(got, "\n") != 2 || !strings.HasPrefix(got, "first sk-let-Q…\nsecond ") {
		t.Errorf("lines changed: %q", got)
	}
}

// A line longer than the buffer is written in chunks; a secret at any
// offset around a chunk's edge, in any encoding, is masked.
func TestWriterChunksLongLines(t *testing.T) {
	smallChunks(t)
	for _, enc := range [][]byte{{encRaw}, {encPctLower}, {encJSONU, encRaw}} {
		secret := encode(tKeyPart, enc)
		for off := 0; off < 3*maxWriterLine; off += 7 {
			var out bytes.Buffer
			w := NewWriter(&out, NewMasker(tKey))
			in := strings.Repeat("a", off) + secret + strings.Repeat("b", 2*maxWriterLine)
			for i := 0; i < len(in); i += 100 {
				w.Write([]byte(in[i:min(i+100, len(in))]))
			}
			w.Flush()
			if len(w.buf) != 0 {
				t.Fatalf("buffer holds %d bytes after Flush", len(w.buf))
			}
			got := out.String()
			if s := survivor(got, tKeyPart); s != "" {
				t.Fatalf("encoding %v, offset %d: %q survived", enc, off, s)
			}
			if strings.Count(got, "a") != off || strings.Count(got, "b") != 2*maxWriterLine {
				t.Fatalf("offset %d: text around the secret lost or doubled", off)
			}
		}
	}
}

// One token shape longer than the buffer: its masked form is written, and
// the rest of it is dropped as it comes, up to its end.
func TestWriterHugeShape(t *testing.T) {
	smallChunks(t)
	var out bytes.Buffer
	w := NewWriter(&out, NewMasker(""))
	w.Write([]byte("x ck-let-"))
	for range 10 {
		w.Write([]byte(strings.Repeat("SECRET", 100)))
	}
	w.Write([]byte(" after\n"))
	got := out.String()
	if strings.Contains(got, "SECRET") || !strings.HasSuffix(got, " after\n") || len(w.buf) != 0 {
		t.Errorf("got %q, buffer %d bytes", got, len(w.buf))
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestWriterReportsErrors(t *testing.T) {
	w := NewWriter(failWriter{}, NewMasker(""))
	if _, err := w.Write([]byte("line\n")); err == nil {
		t.Error("Write: no error from a failing writer")
	}
	if err := w.Close(); err == nil {
		t.Error("Close: no error from a failing writer")
	}
}

// What a Writer has written after each Write, exactly: whole lines (a
// newline or a carriage return ends one: a progress line rewritten in
// place is written as it comes), masked; of a line over the
// buffer, all but its last writerOverlap bytes, never cutting a secret.
func TestWriterWrites(t *testing.T) {
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
		{"progress rewritten in place", []string{"\rfetched 1 token", "\rfetched 2 tokens " + tKey + "\r"},
			[]string{"\r", "\rfetched 1 token\rfetched 2 tokens sk-let-Q…\r", "\rfetched 1 token\rfetched 2 tokens sk-let-Q…\r"}},
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
		if w.Unwrap() != &out {
			t.Fatal("Unwrap is not the underlying writer")
		}
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
func TestWriterLongSecret(t *testing.T) {
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
