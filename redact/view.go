package redact

import (
	"strings"
	"unicode/utf8"
)

// A view is text as a reader would decode it: each escape a server may
// use to hide a secret from a plain search (%73, \u0073, \x73, \", \/, ~1)
// replaced by the bytes it stands for. Each byte of the view remembers the
// span of the source text it came from, so that a secret found in the view
// is masked in the source whole, escapes and all.
type view struct {
	s string
	// from[i], to[i]: the source span of b[i]. Nil for the identity view.
	from, to []int32
}

// span returns the source span of view bytes [i, j).
func (v *view) span(i, j int) (int, int) {
	if v.from == nil {
		return i, j
	}
	return int(v.from[i]), int(v.to[j-1])
}

// maxDecodePasses bounds how many layers of encoding are peeled: one for
// mixed escapes, more for an escape that is itself escaped (%255C, \\u…).
const maxDecodePasses = 3

// mayEscape reports whether s holds a byte that starts an escape decode
// knows. Three IndexByte scans are much cheaper than one IndexAny.
func mayEscape(s string) bool {
	return strings.IndexByte(s, '%') >= 0 || strings.IndexByte(s, '\\') >= 0 || strings.IndexByte(s, '~') >= 0
}

// decode peels one layer of escapes off v. It returns nil when there is
// nothing to peel.
func (v *view) decode() *view {
	src := v.s
	var out *view
	var b []byte
	emit := func(start, end int, bs ...byte) {
		for _, c := range bs {
			b = append(b, c)
			f, t := v.span(start, end)
			out.from = append(out.from, int32(f))
			out.to = append(out.to, int32(t))
		}
	}
	var runeBuf [utf8.UTFMax]byte
	for i := 0; i < len(src); {
		c := src[i]
		n, bs := 0, []byte(nil)
		switch c {
		case '%':
			if i+3 <= len(src) {
				if h, ok := hex2(src[i+1], src[i+2]); ok {
					n, bs = 3, []byte{h}
				}
			}
		case '~':
			if i+1 < len(src) {
				switch src[i+1] {
				case '0':
					n, bs = 2, []byte{'~'}
				case '1':
					n, bs = 2, []byte{'/'}
				}
			}
		case '\\':
			n, bs = backslash(src[i:], runeBuf[:0])
		}
		if n == 0 {
			if out != nil {
				emit(i, i+1, c)
			}
			i++
			continue
		}
		if out == nil {
			b = make([]byte, 0, len(src))
			out = &view{from: make([]int32, 0, len(src)), to: make([]int32, 0, len(src))}
			for j := 0; j < i; j++ {
				emit(j, j+1, src[j])
			}
		}
		emit(i, i+n, bs...)
		i += n
	}
	if out != nil {
		out.s = string(b)
	}
	return out
}

// backslash decodes one backslash escape at the start of s, JSON's and
// Go's: \uXXXX, \UXXXXXXXX, \xXX, \" \\ \/ \' and the letter escapes. It
// returns how many bytes of s it spans and the bytes they stand for, or 0.
func backslash(s string, buf []byte) (int, []byte) {
	if len(s) < 2 {
		return 0, nil
	}
	switch s[1] {
	case '"', '\\', '/', '\'':
		return 2, []byte{s[1]}
	case 'n', 't', 'r', 'b', 'f':
		return 2, []byte{"\n\t\r\b\f"[strings.IndexByte("ntrbf", s[1])]}
	case 'x':
		if len(s) >= 4 {
			if h, ok := hex2(s[2], s[3]); ok {
				return 4, []byte{h}
			}
		}
	case 'u', 'U':
		digits := 4
		if s[1] == 'U' {
			digits = 8
		}
		r, ok := hexRune(s[2:], digits)
		if !ok {
			return 0, nil
		}
		if r < 0 || r > utf8.MaxRune {
			return 2 + digits, []byte{0xFF}
		}
		if r < 0x80 {
			return 2 + digits, []byte{byte(r)}
		}
		// A surrogate pair (\ud83d\ude00) decodes as one character.
		if digits == 4 && 0xD800 <= r && r < 0xDC00 && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if lo, ok := hexRune(s[8:], 4); ok && 0xDC00 <= lo && lo < 0xE000 {
				return 12, utf8.AppendRune(buf, 0x10000+(r-0xD800)<<10+(lo-0xDC00))
			}
		}
		if 0xD800 <= r && r < 0xE000 {
			// A lone surrogate stands for no character: a placeholder
			// byte keeps the view aligned.
			return 2 + digits, []byte{0xFF}
		}
		return 2 + digits, utf8.AppendRune(buf, r)
	}
	return 0, nil
}

// hexRune reads n hex digits at the start of s.
func hexRune(s string, n int) (rune, bool) {
	if len(s) < n {
		return 0, false
	}
	var r rune
	for _, d := range []byte(s[:n]) {
		h, ok := hexDigit(d)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(h)
	}
	return r, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func hex2(a, b byte) (byte, bool) {
	h, ok1 := hexDigit(a)
	l, ok2 := hexDigit(b)
	return h<<4 | l, ok1 && ok2
}
