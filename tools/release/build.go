package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// binaryName is the command's file name on p.
func binaryName(p platform) string {
	if p.os == "windows" {
		return "letta-tokens.exe"
	}
	return "letta-tokens"
}

// build compiles ./cmd/letta-tokens for p into a directory of its own under
// work, and returns the binary's path.
func build(ctx context.Context, cfg config, p platform, work string) (string, error) {
	bin := filepath.Join(work, p.os+"_"+p.arch, binaryName(p))
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -X main.version="+cfg.version, "-o", bin, "./cmd/letta-tokens")
	cmd.Dir = cfg.root
	// GOFLAGS from the caller's environment could change the binary; the
	// flags above are the whole build.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.os, "GOARCH="+p.arch, "GOFLAGS=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build for %s: %v\n%s", p, err, out.String())
	}
	return bin, nil
}

// git runs git in dir and returns its output, trimmed.
func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}
