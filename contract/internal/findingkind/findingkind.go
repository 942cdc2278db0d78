// Package findingkind says when two findings are one kind: the same check,
// severity and message, at pointers that differ only in array indices. It
// is shared by contract's Findings.Dedupe and the live runner's collector
// (contract/live), which keeps one finding of each kind as a run goes.
package findingkind

import "regexp"

// arrayIndex matches the index segments of a JSON pointer.
var arrayIndex = regexp.MustCompile(`/[0-9]+(/|$)`)

// Of is the key of a finding's kind: its fields, with the pointer's array
// indices elided.
func Of(check, severity, pointer, message string) string {
	shape := arrayIndex.ReplaceAllString(pointer, "/*$1")
	shape = arrayIndex.ReplaceAllString(shape, "/*$1") // overlapping matches
	return check + "\x00" + severity + "\x00" + shape + "\x00" + message
}
