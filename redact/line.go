package redact

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLine is the length cap that report lines use for a single
// server-supplied string (a field value, a member name, an error message):
// long enough for any real one, short enough that a megabyte-long value
// cannot flood a terminal or a log.
const MaxLine = 200

// Line makes a server-supplied string safe to print within one line of a
// terminal or a log: every character that is not printable (C0 and C1
// controls such as ESC, CR and LF, Unicode format characters such as bidi
// overrides, invalid UTF-8) is written as a Go escape (\x1b, \n, \u202e),
// and the result is cut to at most limit bytes, ending in "…" when cut.
// limit < 1 means no cap. Plain text comes back unchanged.
func Line(s string, limit int) string {
	if limit > 0 && len(s) > limit {
		// Escaping only lengthens; cut the input first so that a megabyte
		// is never escaped only to be thrown away. What is kept is still
		// over the cap, so the result is marked as cut: a byte count, not
		// cut's, which may step back to the cap or below (a character split
		// by the cap, bytes no character starts with) and lose the mark. A
		// character split here lies past the cap, never written.
		s = s[:limit+1]
	}
	room := max(0, limit-len("…")) // what a cut result keeps before the mark
	if !needsEscape(s) {
		if limit > 0 && len(s) > limit {
			return cut(s, room) + "…"
		}
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	keep := -1 // where a cut falls: never inside an escape
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch {
		case r == utf8.RuneError && size <= 1:
			piece = fmt.Sprintf(`\x%02x`, s[i])
		case startsCommand(s, i):
			piece = escapeRune(r)
		case printable(r):
			piece = s[i : i+size]
		default:
			piece = escapeRune(r)
		}
		if limit > 0 {
			if keep < 0 && b.Len()+len(piece) > room {
				keep = b.Len()
			}
			if b.Len()+len(piece) > limit {
				return b.String()[:keep] + "…"
			}
		}
		b.WriteString(piece)
		i += size
	}
	return b.String()
}

// startsCommand reports whether the byte at i would make s, printed, a
// GitHub Actions workflow command, which the runner reads in every line a
// step prints: a '#' before '[' (the legacy form "##[cmd]", found mid-line),
// or the first ':' of "::" after nothing but what the runner trims (a
// string may start a line). Escaping that one byte is enough, and text that
// merely looks alike ("a::b", "# [x]") is left alone.
func startsCommand(s string, i int) bool {
	switch s[i] {
	case '#':
		// Any '#' before '[', not only the second of "##": the text printed
		// before s may end in '#', and the runner finds "##[" anywhere.
		return i+1 < len(s) && s[i+1] == '['
	case ':':
		return i+1 < len(s) && s[i+1] == ':' && strings.TrimLeftFunc(s[:i], runnerTrims) == ""
	}
	return false
}

// runnerTrims reports the characters a GitHub Actions runner may drop
// around a line before it looks for a workflow command: all Unicode white
// space (U+00A0, U+2000–U+200A, U+3000…) and format characters (U+200B,
// U+FEFF…). Stripping more than the runner does only defuses more.
func runnerTrims(r rune) bool {
	return unicode.IsSpace(r) || unicode.In(r, unicode.Zs, unicode.Cf) ||
		r == '\u180e' || r == '\u200b' || r == '\u2060' || r == '\ufeff'
}

// needsEscape reports whether Line must rewrite s: it holds a workflow
// command or a character that is not printable.
func needsEscape(s string) bool {
	if strings.Contains(s, "#[") || strings.HasPrefix(strings.TrimLeftFunc(s, runnerTrims), "::") {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			// Non-ASCII is printable more often than not; check it fully
			// (an invalid byte reads as utf8.RuneError, not printable).
			return strings.IndexFunc(s[i:], func(r rune) bool { return !printable(r) }) >= 0
		}
	}
	return false
}

// printable reports whether r can be written to a terminal as it is: a
// graphic character or a plain space, and not a format character (Cf:
// bidi overrides, zero-width joiners), which can reorder or hide text.
func printable(r rune) bool {
	return r == ' ' || unicode.IsGraphic(r) && !unicode.Is(unicode.Cf, r) && r != utf8.RuneError
}

func escapeRune(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	if r < 0x100 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	if r <= 0xFFFF {
		return fmt.Sprintf(`\u%04x`, r)
	}
	return fmt.Sprintf(`\U%08x`, r)
}
