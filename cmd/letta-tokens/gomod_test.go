package main

import (
	"os"
	"regexp"
	"testing"
)

// go.mod's go line is what a consumer's module is raised to: it names the
// first release of the Go version the module needs (1.26.0), not the patch
// release it is built with, which the toolchain line names instead (a
// consumer's go command ignores it).
func TestGoModGoLine(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+\.\d+)$`).FindSubmatch(data)
	if goLine == nil || !regexp.MustCompile(`^\d+\.\d+\.0$`).Match(goLine[1]) {
		t.Errorf("go.mod's go line is %q, want the first release of a Go version, such as go 1.26.0", goLine)
	}
	if !regexp.MustCompile(`(?m)^toolchain go\d+\.\d+\.\d+$`).Match(data) {
		t.Error("go.mod has no toolchain line naming the release this repository builds with")
	}
}
