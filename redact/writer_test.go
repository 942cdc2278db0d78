package redact

import (
	"bytes"
	"errors"
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

// A carriage return ends a line: a progress line rewritten in place is
// written as it comes, not held until a newline.
func TestWriterCarriageReturn(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, NewMasker(tKey))
	w.Write([]byte("\rfetched 1 token"))
	w.Write([]byte("\rfetched 2 tokens " + tKey + "\r"))
	if got := out.String(); got != "\rfetched 1 token\rfetched 2 tokens sk-let-Q…\r" {
		t.Errorf("got %q", got)
	}
	if w.Unwrap() != &out {
		t.Error("Unwrap is not the underlying writer")
	}
}
