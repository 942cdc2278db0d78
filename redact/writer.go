package redact

import (
	"bytes"
	"io"
	"sync"
)

// Bounds of a [Writer]'s line buffer: a line longer than maxWriterLine is
// masked and written in chunks, each scanned with the writerOverlap bytes
// that follow it, so that a secret spelled across a chunk's end is seen
// whole: an escaped character is at most 12 bytes ("\ud83d\ude00"), so
// any run of MinWindow characters fits in far less than the overlap.
// Variables so that a test can make chunks small.
var (
	maxWriterLine = 64 << 10
	writerOverlap = 4 << 10
)

// A Writer masks what is written through it, whole lines at a time, before
// it reaches the underlying writer: meant to wrap a process's stdout and
// stderr, so that no secret leaves by any path. A line is held until its
// newline (at most maxWriterLine bytes of it); call Flush or Close to write
// a last line that has none. It is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	m   *Masker
	buf []byte
	// swallow: a secret ran to the end of a chunk already written; what
	// follows up to the end of its shape belongs to it and is dropped.
	swallow bool
	err     error
}

// NewWriter returns a Writer that masks with m what it writes to w.
func NewWriter(w io.Writer, m *Masker) *Writer {
	return &Writer{w: w, m: m}
}

// Write masks and writes every whole line of p, and holds the rest. It
// reports len(p) written unless the underlying writer failed.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, p...)
	// Every whole line at once: one pass over a buffer of lines costs far
	// less than one per line. A carriage return ends a line too, so that a
	// progress line rewritten in place shows as it is written.
	if i := max(bytes.LastIndexByte(w.buf, '\n'), bytes.LastIndexByte(w.buf, '\r')); i >= 0 {
		w.emit(i + 1)
	}
	for w.err == nil && len(w.buf) > maxWriterLine {
		w.chunk()
	}
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// Flush masks and writes what is held: a last line without a newline.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.emit(len(w.buf))
	}
	return w.err
}

// Close is Flush; the underlying writer is not closed.
func (w *Writer) Close() error { return w.Flush() }

// Unwrap returns the underlying writer, for a caller that asks what it
// writes to (a terminal or not).
func (w *Writer) Unwrap() io.Writer { return w.w }

// emit masks and writes buf[:n], whole.
func (w *Writer) emit(n int) {
	line := w.unswallow(w.buf[:n])
	// Mostly there is nothing to mask: then the bytes held go out as they
	// are, not copied to a string and back.
	if s := string(line); w.m.Holds(s) {
		w.write(w.m.Mask(s))
	} else if w.err == nil && len(line) > 0 {
		_, w.err = w.w.Write(line)
	}
	w.buf = w.buf[:copy(w.buf, w.buf[n:])]
}

// unswallow drops the start of b while it continues a secret already
// masked.
func (w *Writer) unswallow(b []byte) []byte {
	for w.swallow && len(b) > 0 {
		if isShapeEnd(b[0]) {
			w.swallow = false
			break
		}
		b = b[1:]
	}
	return b
}

// chunk masks and writes the start of an over-long line, keeping at least
// writerOverlap bytes, and never cutting through a secret.
func (w *Writer) chunk() {
	b := w.unswallow(w.buf)
	if len(b) <= maxWriterLine {
		w.buf = w.buf[:copy(w.buf, b)]
		return
	}
	s := string(b)
	hits := w.m.find(s, false)
	c := len(s) - writerOverlap
	for _, h := range hits {
		if h.start < c && c < h.end {
			c = h.start
			break
		}
	}
	if c <= 0 {
		// One secret fills the chunk: write its masked form, and drop what
		// follows of it as it comes.
		c = hits[0].end
		w.swallow = c == len(s)
	}
	w.write(replaceHits(s, hits, c))
	w.buf = w.buf[:copy(w.buf, b[c:])]
}

func (w *Writer) write(s string) {
	if w.err == nil && s != "" {
		_, w.err = io.WriteString(w.w, s)
	}
}
