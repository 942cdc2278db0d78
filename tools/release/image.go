package main

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// imageUser is a user and group with no rights on the host: the image
	// holds no /etc/passwd, so they are numbers (65532, "nonroot" in
	// distroless images).
	imageUser = "65532:65532"
	// imagePort is the mock's default port.
	imagePort = "8283/tcp"
	// defaultRepository names the image in a tarball written for docker load.
	defaultRepository = "ghcr.io/letta-tokens/letta-tokens"
)

// imageCmd is what the image runs without arguments: the mock, listening
// on every interface of the container, since its default, 127.0.0.1,
// would be out of reach of the host's published port.
var imageCmd = []string{"mock", "--addr", "0.0.0.0:8283"}

type builtImage struct {
	platform platform
	image    v1.Image
}

// buildImage makes p's image: no base, one layer holding the binary alone
// at /letta-tokens, which is the entrypoint, run as imageUser.
func buildImage(cfg config, p platform, bin string) (v1.Image, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	var layerTar bytes.Buffer
	tw := tar.NewWriter(&layerTar)
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: "letta-tokens", Mode: 0o755, Size: int64(len(b)), ModTime: cfg.epoch}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if _, err := tw.Write(b); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar.Bytes())), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: cfg.epoch}
	labels := map[string]string{
		"org.opencontainers.image.title":       "letta-tokens",
		"org.opencontainers.image.description": "A mock of Letta's client-side access tokens API and a proxy that validates any client's traffic against its OpenAPI description",
		"org.opencontainers.image.version":     cfg.version,
		"org.opencontainers.image.source":      cfg.source,
		"org.opencontainers.image.licenses":    "MIT",
		"org.opencontainers.image.created":     cfg.epoch.Format(time.RFC3339),
	}
	if cfg.revision != "" {
		labels["org.opencontainers.image.revision"] = cfg.revision
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	base, err = mutate.ConfigFile(base, &v1.ConfigFile{
		Architecture: p.arch,
		OS:           p.os,
		Created:      created,
		Config: v1.Config{
			Entrypoint:   []string{"/letta-tokens"},
			Cmd:          imageCmd,
			User:         imageUser,
			ExposedPorts: map[string]struct{}{imagePort: {}},
			Labels:       labels,
		},
		RootFS: v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(base, mutate.Addendum{Layer: layer, History: v1.History{
		Created:   created,
		CreatedBy: "tools/release: the static letta-tokens binary, " + cfg.version,
	}})
}

// writeImage builds p's image and writes it into cfg.out as a tarball that
// `docker load` reads, tagged with the version. It returns the image and
// the tarball's file name.
func writeImage(cfg config, p platform, bin string) (v1.Image, string, error) {
	img, err := buildImage(cfg, p, bin)
	if err != nil {
		return nil, "", fmt.Errorf("image for %s: %w", p, err)
	}
	tag, err := name.NewTag(defaultRepository + ":" + cfg.version)
	if err != nil {
		return nil, "", err
	}
	file := artifactName(cfg, p) + ".image.tar"
	err = writeFile(filepath.Join(cfg.out, file), func(w io.Writer) error { return tarball.Write(tag, img, w) })
	return img, file, err
}

// pushIndex pushes images as one multi-platform index to cfg.push, tagged
// with the version, with the credentials of the Docker config (docker
// login, or a credential helper). It returns the reference pushed.
func pushIndex(ctx context.Context, cfg config, images []builtImage) (string, error) {
	if len(images) == 0 {
		return "", fmt.Errorf("-push: no linux platform, so no image to push")
	}
	tag, err := name.NewTag(cfg.push + ":" + cfg.version)
	if err != nil {
		return "", fmt.Errorf("-push: %w", err)
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, im := range images {
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: im.image, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: im.platform.os, Architecture: im.platform.arch},
		}})
	}
	if err := remote.WriteIndex(tag, idx, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return "", fmt.Errorf("push %s: %w", tag, err)
	}
	return tag.String(), nil
}
