package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// readBuildInfo is debug.ReadBuildInfo; a test replaces it.
var readBuildInfo = debug.ReadBuildInfo

// version is the release's version, stamped by the release build
// (tools/release) with -ldflags "-X main.version=v1.2.3"; empty otherwise.
var version string

// moduleVersion is the version stamped by the release build, else the
// version of the module the binary was built from, as the go command
// recorded it: v1.2.3 for go install module@v1.2.3, a
// pseudo-version (with +dirty for uncommitted changes) for a build in a
// clone, or "(devel)" when none was recorded.
func moduleVersion() string {
	if version != "" {
		return version
	}
	info, ok := readBuildInfo()
	if !ok || info == nil || info.Main.Version == "" {
		return "(devel)" // go run, or go build outside version control
	}
	return info.Main.Version
}

// printVersion answers --version: the command's name and version, and the
// Go release it was built with when known.
func printVersion(w io.Writer) {
	line := progName + " " + moduleVersion()
	if info, ok := readBuildInfo(); ok && info != nil && info.GoVersion != "" {
		line += " (" + info.GoVersion + ")"
	}
	fmt.Fprintln(w, line)
}
