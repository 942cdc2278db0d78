package redact

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// DefuseJSON makes encoded JSON safe to print where a GitHub Actions runner
// reads workflow commands, without changing the values it decodes to: a
// '#' before '[' (the legacy "##[cmd]", read anywhere in a line) is
// written "\u0023", and the first ':' of a line that starts with "::" once
// the runner has trimmed it is written "\u003a". Both only occur inside
// JSON strings, where the escape decodes to the same text. DEL, C1
// controls (U+009B is an 8-bit CSI to some terminals) and format
// characters (bidi overrides, zero-width joiners, which encoding/json
// leaves raw) are written \uXXXX, as printable writes them in text: a
// secret spelled with a zero-width character after each letter, or text
// reordered by a bidi override, must not reach a terminal or a CI log as
// such. b is returned as it is when there is nothing to defuse.
func DefuseJSON(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); i++ {
		if !defuseStops[b[i]] {
			continue // most bytes: one look-up each
		}
		var repl string
		size := 1
		switch b[i] {
		case '#':
			if i+1 < len(b) && b[i+1] == '[' {
				repl = `\u0023`
			}
		case ':':
			lineStart := bytes.LastIndexByte(b[:i], '\n') + 1
			if i+1 < len(b) && b[i+1] == ':' && len(bytes.TrimLeftFunc(b[lineStart:i], runnerTrims)) == 0 {
				repl = `\u003a`
			}
		default: // DEL and above
			var r rune
			r, size = utf8.DecodeRune(b[i:])
			if (r != utf8.RuneError || size > 1) && !printable(r) {
				repl = jsonEscape(r)
			}
		}
		if repl == "" {
			i += size - 1
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+16)
		}
		out = append(out, b[last:i]...)
		out = append(out, repl...)
		last = i + size
		i += size - 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// defuseStops are the bytes DefuseJSON looks at: '#', ':', DEL and every
// byte of a non-ASCII character.
var defuseStops = func() (stops [256]bool) {
	stops['#'], stops[':'] = true, true
	for c := 0x7f; c < len(stops); c++ {
		stops[c] = true
	}
	return stops
}()

// jsonEscape is r as JSON \u escapes, a surrogate pair above the BMP.
func jsonEscape(r rune) string {
	if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
		return fmt.Sprintf(`\u%04x\u%04x`, r1, r2)
	}
	return fmt.Sprintf(`\u%04x`, r)
}
