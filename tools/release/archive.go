package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// checksumsName is the checksums file, in sha256sum's format.
const checksumsName = "checksums.txt"

// archiveFile is one file of an archive.
type archiveFile struct {
	name string // in the archive
	path string // on disk
	mode os.FileMode
}

// artifactName is the name of p's files without their extension.
func artifactName(cfg config, p platform) string {
	return fmt.Sprintf("letta-tokens_%s_%s_%s", cfg.version, p.os, p.arch)
}

// writeArchive writes p's archive into cfg.out (zip for windows, tar.gz
// for the rest): the binary, LICENSE and README.md, every entry owned by
// root and dated cfg.epoch. It returns the archive's file name.
func writeArchive(cfg config, p platform, bin string) (string, error) {
	files := []archiveFile{
		{binaryName(p), bin, 0o755},
		{"LICENSE", filepath.Join(cfg.root, "LICENSE"), 0o644},
		{"README.md", filepath.Join(cfg.root, "README.md"), 0o644},
	}
	name := artifactName(cfg, p) + ".tar.gz"
	write := writeTarGz
	if p.os == "windows" {
		name = artifactName(cfg, p) + ".zip"
		write = writeZip
	}
	err := writeFile(filepath.Join(cfg.out, name), func(w io.Writer) error { return write(w, cfg, files) })
	return name, err
}

func writeTarGz(w io.Writer, cfg config, files []archiveFile) error {
	// No name and no time in the gzip header: the bytes depend on the
	// contents alone.
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		b, err := os.ReadFile(f.path)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: int64(f.mode), Size: int64(len(b)), ModTime: cfg.epoch}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, cfg config, files []archiveFile) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		b, err := os.ReadFile(f.path)
		if err != nil {
			return err
		}
		hdr := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: cfg.epoch}
		hdr.SetMode(f.mode)
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if _, err := fw.Write(b); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeChecksums writes the SHA-256 of each of files (names in dir) into
// dir's checksums file, sorted by name, as sha256sum prints them, so that
// `sha256sum -c checksums.txt` checks them.
func writeChecksums(dir string, files []string) error {
	files = slices.Sorted(slices.Values(files))
	var b strings.Builder
	for _, name := range files {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), name)
	}
	return os.WriteFile(filepath.Join(dir, checksumsName), []byte(b.String()), 0o644)
}

// writeFile writes path through write, whole or not at all: a failed run
// leaves no truncated file that a later checksum would bless.
func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
