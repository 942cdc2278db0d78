package main

import (
	"cmp"
	"fmt"
	"io"
	"runtime/debug"
)

// readBuildInfo is debug.ReadBuildInfo; a test replaces it.
var readBuildInfo = debug.ReadBuildInfo

// version is the release's version, stamped by the release build
// (tools/release) with -ldflags "-X main.version=v1.2.3"; empty otherwise.
var version string

// printVersion answers --version: the command's name, the version stamped
// by the release build, else the version of the module the binary was
// built from as the go command recorded it (v1.2.3 for go install
// module@v1.2.3, a pseudo-version, with +dirty for uncommitted changes,
// for a build in a clone, "(devel)" for go run or a build outside version
// control), and the Go release it was built with when known.
func printVersion(w io.Writer) {
	info, ok := readBuildInfo()
	if !ok || info == nil {
		info = &debug.BuildInfo{}
	}
	line := progName + " " + cmp.Or(version, info.Main.Version, "(devel)")
	if info.GoVersion != "" {
		line += " (" + info.GoVersion + ")"
	}
	fmt.Fprintln(w, line)
}
