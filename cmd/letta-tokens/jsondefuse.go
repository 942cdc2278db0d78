package main

import "bytes"

// defuseJSON rewrites every "#[" in encoded JSON as "\u0023[". A GitHub
// Actions runner reads "##[cmd]data" anywhere in a printed line as a
// workflow command (a forged ::error annotation, or ##[stop-commands]
// hiding the real ones), and --json prints server strings whole. "#" only
// appears inside JSON strings, where \u0023 decodes to the same text, so
// a program reading the output gets the same values.
func defuseJSON(b []byte) []byte {
	if !bytes.Contains(b, []byte("#[")) {
		return b
	}
	return bytes.ReplaceAll(b, []byte("#["), []byte(`\u0023[`))
}
