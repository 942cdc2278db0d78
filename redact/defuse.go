package redact

import "bytes"

// DefuseJSON makes encoded JSON safe to print where a GitHub Actions runner
// reads workflow commands, without changing the values it decodes to: a
// '#' before '[' (the legacy "##[cmd]", read anywhere in a line) is
// written "\u0023", and the first ':' of a line that starts with "::" once
// the runner has trimmed it is written "\u003a". Both only occur inside
// JSON strings, where the escape decodes to the same text. b is returned
// as it is when there is nothing to defuse.
func DefuseJSON(b []byte) []byte {
	if !bytes.Contains(b, []byte("::")) && bytes.IndexByte(b, '#') < 0 {
		return b
	}
	var out []byte
	last := 0
	lineStart := 0
	for i := 0; i < len(b); i++ {
		var repl string
		switch b[i] {
		case '\n':
			lineStart = i + 1
		case '#':
			if i+1 < len(b) && b[i+1] == '[' {
				repl = `\u0023`
			}
		case ':':
			if i+1 < len(b) && b[i+1] == ':' && len(bytes.TrimLeftFunc(b[lineStart:i], runnerTrims)) == 0 {
				repl = `\u003a`
			}
		}
		if repl == "" {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+16)
		}
		out = append(out, b[last:i]...)
		out = append(out, repl...)
		last = i + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}
