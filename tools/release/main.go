// Command release builds letta-tokens for teams without Go: an archive per
// platform (the static binary, LICENSE and README.md), a SHA-256 checksums
// file, and for each linux platform a container image of the binary alone,
// as a tarball that `docker load` reads. With -push it also pushes the
// images, as one multi-platform index, to a registry.
//
// It lives in a module of its own so that go-containerregistry, which it
// uses to build images without a Docker daemon, is never a requirement of
// the letta-tokens module its users import.
//
// From the repository's root:
//
//	go -C tools/release run .                  # all into dist/
//	go -C tools/release run . -platforms linux/amd64
//	go -C tools/release run . -version v1.2.3 -push ghcr.io/letta-tokens/letta-tokens
//
// The build is reproducible: the same commit and Go release make the same
// bytes. Binaries are built with CGO_ENABLED=0, -trimpath and
// -buildvcs=false (so a checkout's state adds nothing), the version stamped
// with -ldflags -X; every time in an archive or image is SOURCE_DATE_EPOCH,
// else the time of the commit.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// defaultSource is the repository named by the images' labels.
const defaultSource = "https://github.com/letta-tokens/letta-tokens"

// defaultPlatforms are the platforms of a release.
var defaultPlatforms = []platform{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// safeVersion is what a version may look like: a file name part and an
// image tag (the grammar of a tag), so neither needs escaping.
var safeVersion = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// describeArgs make the default version: the tag v* at HEAD, else the
// last one and the commits since, else the commit; -dirty for changes.
var describeArgs = []string{"describe", "--tags", "--match", "v*", "--always", "--dirty"}

type platform struct{ os, arch string }

func (p platform) String() string { return p.os + "/" + p.arch }

// config is one release run.
type config struct {
	root      string // the letta-tokens module's directory
	out       string // where the files go
	version   string
	revision  string // the commit, for a label; may be empty
	epoch     time.Time
	source    string
	platforms []platform
	push      string // a repository to push the images to; empty: none
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := parseConfig(os.Args[1:])
	if err == nil {
		err = release(ctx, cfg, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func parseConfig(args []string) (config, error) {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	root := fs.String("root", "", "the letta-tokens module's `DIR` (default: found above the working directory)")
	out := fs.String("out", "", "write into `DIR` (default: dist/ in the root)")
	version := fs.String("version", "", "the release's `VERSION`, such as v1.2.3 (default: git describe)")
	source := fs.String("source", defaultSource, "the source repository's `URL`, for the images' labels")
	platforms := fs.String("platforms", "", "comma-separated `OS/ARCH` list (default: linux, darwin and windows on amd64 and arm64)")
	push := fs.String("push", "", "push the images as one index to `REPOSITORY` (such as ghcr.io/owner/name), tagged with the version; credentials from the Docker config")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg := config{root: *root, out: *out, version: *version, source: *source, push: *push, platforms: defaultPlatforms}
	var err error
	if cfg.root == "" {
		if cfg.root, err = findRoot(); err != nil {
			return config{}, err
		}
	}
	if cfg.out == "" {
		cfg.out = filepath.Join(cfg.root, "dist")
	}
	if *platforms != "" {
		cfg.platforms = nil
		for p := range strings.SplitSeq(*platforms, ",") {
			goos, goarch, ok := strings.Cut(strings.TrimSpace(p), "/")
			if !ok || goos == "" || goarch == "" {
				return config{}, fmt.Errorf("-platforms: %q is not OS/ARCH", p)
			}
			cfg.platforms = append(cfg.platforms, platform{goos, goarch})
		}
	}
	if cfg.version == "" {
		if cfg.version, err = git(cfg.root, describeArgs...); err != nil {
			return config{}, fmt.Errorf("no -version and %v", err)
		}
	}
	if !safeVersion.MatchString(cfg.version) {
		return config{}, fmt.Errorf("version %q must match %s (a file name and an image tag)", cfg.version, safeVersion)
	}
	cfg.revision, _ = git(cfg.root, "rev-parse", "HEAD")
	if cfg.epoch, err = sourceDate(cfg.root); err != nil {
		return config{}, err
	}
	return cfg, nil
}

// findRoot returns the nearest directory at or above the working one
// whose go.mod is the letta-tokens module's.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			regexp.MustCompile(`(?m)^module github\.com/letta-tokens/letta-tokens\s*$`).Match(b) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no letta-tokens module at or above the working directory; give -root")
		}
		dir = parent
	}
}

// sourceDate is SOURCE_DATE_EPOCH (reproducible-builds.org), else the
// commit's time.
func sourceDate(root string) (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		var err error
		if s, err = git(root, "log", "-1", "--format=%ct"); err != nil {
			return time.Time{}, fmt.Errorf("no SOURCE_DATE_EPOCH and %v", err)
		}
	}
	secs, err := strconv.ParseInt(s, 10, 64)
	if err != nil || secs < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a count of seconds", s)
	}
	return time.Unix(secs, 0).UTC(), nil
}

// release makes every file of cfg in cfg.out, and pushes the images when
// asked to.
func release(ctx context.Context, cfg config, log io.Writer) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "letta-tokens-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var files []string
	var images []builtImage
	for _, p := range cfg.platforms {
		bin, err := build(ctx, cfg, p, work)
		if err != nil {
			return err
		}
		name, err := writeArchive(cfg, p, bin)
		if err != nil {
			return err
		}
		fmt.Fprintln(log, "wrote", filepath.Join(cfg.out, name))
		files = append(files, name)
		if p.os != "linux" {
			continue
		}
		img, name, err := writeImage(cfg, p, bin)
		if err != nil {
			return err
		}
		fmt.Fprintln(log, "wrote", filepath.Join(cfg.out, name))
		files = append(files, name)
		images = append(images, builtImage{p, img})
	}
	if err := writeChecksums(cfg.out, files); err != nil {
		return err
	}
	fmt.Fprintln(log, "wrote", filepath.Join(cfg.out, checksumsName))
	if cfg.push != "" {
		ref, err := pushIndex(ctx, cfg, images)
		if err != nil {
			return err
		}
		fmt.Fprintln(log, "pushed", ref)
	}
	return nil
}
