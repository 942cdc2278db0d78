package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	testVersion = "v9.8.7-test"
	testEpoch   = 1767225600 // 2026-01-01T00:00:00Z
)

// hostLinux is the linux platform of the host's architecture: the one
// release the tests build (all six take minutes on two cores), whose
// image's binary runs here when the host is linux.
var hostLinux = platform{"linux", runtime.GOARCH}

var (
	builtOnce sync.Once
	builtCfg  config
	builtErr  error
)

// builtRelease runs the release for hostLinux once for all tests, as the
// README's command does, into a temporary directory.
func builtRelease(t *testing.T) config {
	t.Helper()
	if testing.Short() {
		t.Skip("builds letta-tokens")
	}
	builtOnce.Do(func() {
		out, err := os.MkdirTemp("", "letta-tokens-release-test-")
		if err != nil {
			builtErr = err
			return
		}
		builtCfg, builtErr = buildInto(out)
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	return builtCfg
}

func buildInto(out string) (config, error) {
	os.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	defer os.Unsetenv("SOURCE_DATE_EPOCH")
	cfg, err := parseConfig([]string{"-root", "../..", "-out", out, "-version", testVersion, "-platforms", hostLinux.String()})
	if err != nil {
		return config{}, err
	}
	start := time.Now()
	err = release(context.Background(), cfg, io.Discard)
	// Seen in go test -v: what the step costs CI.
	fmt.Printf("release of %s took %v\n", hostLinux, time.Since(start).Round(time.Millisecond))
	return cfg, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtCfg.out != "" {
		os.RemoveAll(builtCfg.out)
	}
	os.Exit(code)
}

// TestImage reads the built image back from its docker load tarball, and
// runs the binary of its one layer: --version, and the image's own
// command, the mock, answering a list (on loopback, its address
// overridden as `docker run IMAGE mock --addr …` would).
func TestImage(t *testing.T) {
	cfg := builtRelease(t)
	path := filepath.Join(cfg.out, artifactName(cfg, hostLinux)+".image.tar")
	manifest, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(path) })
	if err != nil {
		t.Fatal(err)
	}
	if len(manifest) != 1 || !slices.Equal(manifest[0].RepoTags, []string{defaultRepository + ":" + testVersion}) {
		t.Fatalf("docker load manifest %+v: want one image tagged %s:%s", manifest, defaultRepository, testVersion)
	}
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	wantLabels := map[string]string{
		"org.opencontainers.image.version": testVersion,
		"org.opencontainers.image.source":  defaultSource,
		"org.opencontainers.image.created": "2026-01-01T00:00:00Z",
	}
	for k, v := range wantLabels {
		if c.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
		}
	}
	if cf.OS != "linux" || cf.Architecture != runtime.GOARCH || !cf.Created.Equal(time.Unix(testEpoch, 0)) ||
		!slices.Equal(c.Entrypoint, []string{"/letta-tokens"}) || !slices.Equal(c.Cmd, []string{"mock", "--addr", "0.0.0.0:8283"}) ||
		c.User != "65532:65532" || len(c.ExposedPorts) != 1 || len(c.Env) != 0 {
		t.Errorf("config: %s/%s created %v, entrypoint %q, cmd %q, user %q, exposed %v, env %q",
			cf.OS, cf.Architecture, cf.Created, c.Entrypoint, c.Cmd, c.User, c.ExposedPorts, c.Env)
	}
	if _, ok := c.ExposedPorts["8283/tcp"]; !ok {
		t.Errorf("exposed ports %v, want 8283/tcp", c.ExposedPorts)
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers (%v), want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	entries := readTar(t, rc)
	if len(entries) != 1 || entries[0].hdr.Name != "letta-tokens" || entries[0].hdr.Typeflag != tar.TypeReg ||
		entries[0].hdr.Mode != 0o755 || entries[0].hdr.Uid != 0 || !entries[0].hdr.ModTime.Equal(time.Unix(testEpoch, 0)) {
		t.Fatalf("layer entries %v, want exactly letta-tokens, a file of mode 0755 owned by root, dated SOURCE_DATE_EPOCH", entries)
	}
	binary := entries[0].body
	if archived := archiveEntries(t, cfg, hostLinux)[0].body; !bytes.Equal(binary, archived) {
		t.Error("the image's binary is not the archive's")
	}

	if runtime.GOOS != "linux" {
		t.Skip("the image's linux binary runs only on linux")
	}
	bin := filepath.Join(t.TempDir(), "letta-tokens")
	if err := os.WriteFile(bin, binary, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--version").Output()
	if want := "letta-tokens " + testVersion + " (go"; err != nil || !strings.HasPrefix(string(out), want) {
		t.Errorf("--version: %v, %q; want %q…", err, out, want+"…")
	}
	base := startBinary(t, bin, append(slices.Clone(c.Cmd), "--addr", "127.0.0.1:0", "--tokens", "3")...)
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/client-side-access-tokens", nil)
	req.Header.Set("Authorization", "Bearer any-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Tokens []json.RawMessage `json:"tokens"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != http.StatusOK || len(page.Tokens) != 3 {
		t.Errorf("list from the image's mock: %s, %d tokens (%v); want 200 and 3", resp.Status, len(page.Tokens), err)
	}
}

// startBinary starts bin with args, reads its first stdout line (the base
// URL) and stops it with SIGINT at the end of the test, which it must
// survive with exit 0.
func startBinary(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, stdout)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s after SIGINT: %v; stderr: %s", args[0], err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("%s did not stop within 10s of SIGINT", args[0])
		}
	})
	select {
	case base := <-line:
		if !strings.HasPrefix(base, "http://127.0.0.1:") {
			t.Fatalf("first stdout line %q, want the base URL; stderr: %s", base, stderr.String())
		}
		return base
	case <-time.After(20 * time.Second):
		t.Fatalf("no base URL within 20s; stderr: %s", stderr.String())
	}
	return ""
}

type tarEntry struct {
	hdr  *tar.Header
	body []byte
}

func (e tarEntry) String() string { return e.hdr.Name }

func readTar(t *testing.T, r io.Reader) []tarEntry {
	t.Helper()
	var entries []tarEntry
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return entries
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, tarEntry{hdr, body})
	}
}

// archiveEntries reads p's tar.gz archive.
func archiveEntries(t *testing.T, cfg config, p platform) []tarEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(cfg.out, artifactName(cfg, p)+".tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return readTar(t, gz)
}

// TestArchive: the archive holds the binary, LICENSE and README.md,
// owned by root and dated SOURCE_DATE_EPOCH; the checksums file lists
// every file made, with its SHA-256.
func TestArchive(t *testing.T) {
	cfg := builtRelease(t)
	entries := archiveEntries(t, cfg, hostLinux)
	var names []string
	for _, e := range entries {
		names = append(names, e.hdr.Name)
		if e.hdr.Uid != 0 || e.hdr.Gid != 0 || !e.hdr.ModTime.Equal(time.Unix(testEpoch, 0)) {
			t.Errorf("%s: uid %d gid %d time %v, want root's, dated SOURCE_DATE_EPOCH", e.hdr.Name, e.hdr.Uid, e.hdr.Gid, e.hdr.ModTime)
		}
	}
	if !slices.Equal(names, []string{"letta-tokens", "LICENSE", "README.md"}) || entries[0].hdr.Mode != 0o755 || entries[1].hdr.Mode != 0o644 {
		t.Fatalf("entries %q, modes %o and %o; want letta-tokens (0755), LICENSE and README.md (0644)", names, entries[0].hdr.Mode, entries[1].hdr.Mode)
	}
	for _, e := range entries[1:] {
		if want, _ := os.ReadFile(filepath.Join("../..", e.hdr.Name)); !bytes.Equal(e.body, want) {
			t.Errorf("%s differs from the repository's", e.hdr.Name)
		}
	}
	checkChecksums(t, cfg.out, []string{artifactName(cfg, hostLinux) + ".image.tar", artifactName(cfg, hostLinux) + ".tar.gz"})
}

// checkChecksums: dir's checksums file names exactly files, sorted, each
// with its SHA-256.
func checkChecksums(t *testing.T, dir string, files []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, checksumsName))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, name := range files {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		want.WriteString(hex.EncodeToString(sum[:]) + "  " + name + "\n")
	}
	if string(b) != want.String() {
		t.Errorf("%s:\n%s\nwant:\n%s", checksumsName, b, want.String())
	}
}

// TestReproducible: a second build of the same commit makes the same
// bytes, archive and image alike.
func TestReproducible(t *testing.T) {
	cfg := builtRelease(t)
	again, err := buildInto(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(cfg.out, checksumsName))
	second, _ := os.ReadFile(filepath.Join(again.out, checksumsName))
	if len(first) == 0 || !bytes.Equal(first, second) {
		t.Errorf("two builds differ:\n%s\n%s", first, second)
	}
}

// TestZip: a windows archive is a zip of the same three files, with the
// .exe, dated SOURCE_DATE_EPOCH.
func TestZip(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	for name, body := range map[string]string{"LICENSE": "license", "README.md": "readme", "letta-tokens.exe": "MZ binary"} {
		os.MkdirAll(root, 0o755)
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config{root: root, out: dir, version: testVersion, epoch: time.Unix(testEpoch, 0).UTC()}
	win := platform{"windows", "arm64"}
	file, err := writeArchive(cfg, win, filepath.Join(root, "letta-tokens.exe"))
	if err != nil || file != "letta-tokens_"+testVersion+"_windows_arm64.zip" {
		t.Fatalf("writeArchive: %q, %v", file, err)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		got[f.Name] = string(body)
		if !f.Modified.Equal(cfg.epoch) {
			t.Errorf("%s dated %v, want %v", f.Name, f.Modified, cfg.epoch)
		}
	}
	want := map[string]string{"letta-tokens.exe": "MZ binary", "LICENSE": "license", "README.md": "readme"}
	if len(got) != len(want) || got["letta-tokens.exe"] != want["letta-tokens.exe"] || got["LICENSE"] != "license" || got["README.md"] != "readme" {
		t.Errorf("zip holds %v, want %v", got, want)
	}
}

// TestPush: -push sends the images as one OCI index, each manifest with
// its platform, to a registry (here go-containerregistry's own, on
// loopback): the image of the tarball, with OCI media types.
func TestPush(t *testing.T) {
	cfg := builtRelease(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials of the user's
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(reg.Close)
	cfg.out = t.TempDir()
	cfg.push = strings.TrimPrefix(reg.URL, "http://") + "/letta-tokens/letta-tokens"
	if err := release(context.Background(), cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(cfg.push + ":" + testVersion)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Index(tag)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if im.MediaType != types.OCIImageIndex || len(im.Manifests) != 1 || im.Manifests[0].MediaType != types.OCIManifestSchema1 ||
		im.Manifests[0].Platform == nil || im.Manifests[0].Platform.OS != "linux" || im.Manifests[0].Platform.Architecture != runtime.GOARCH {
		t.Fatalf("pushed index %+v, want one OCI manifest for %s", im, hostLinux)
	}
	pushed, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := tarball.ImageFromPath(filepath.Join(cfg.out, artifactName(cfg, hostLinux)+".image.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	pushedConfig, _ := pushed.ConfigName()
	loadedConfig, _ := loaded.ConfigName()
	layers, err := pushed.Layers()
	if err != nil || len(layers) != 1 || pushedConfig != loadedConfig {
		t.Fatalf("pushed image: %d layers (%v), config %s; want 1 layer and the tarball's config %s", len(layers), err, pushedConfig, loadedConfig)
	}
	if mt, _ := layers[0].MediaType(); mt != types.OCILayer {
		t.Errorf("layer media type %q, want %q", mt, types.OCILayer)
	}
}
