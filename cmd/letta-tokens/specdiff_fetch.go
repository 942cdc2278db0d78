package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// maxUpstreamBytes bounds the upstream document. Letta's whole published
// spec is a few MiB; a body over this is not a spec.
const maxUpstreamBytes = 32 << 20

const maxUpstreamRedirects = 5

// upstreamSource is where the upstream document comes from: an http(s)
// URL or a file.
type upstreamSource struct {
	url *url.URL // nil for a file
	// name is the file path, or the URL as it may be printed: without its
	// query (which may hold a signature) and fragment.
	name string
}

// parseUpstream sorts --upstream into a URL or a file path. A URL must be
// http or https and must not carry credentials: spec-diff sends none.
func parseUpstream(s string) (upstreamSource, error) {
	if !strings.Contains(s, "://") {
		return upstreamSource{name: s}, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Not echoed: a malformed URL may hold credentials.
		return upstreamSource{}, errors.New("--upstream is not an http(s) URL or a file path")
	}
	if u.User != nil {
		return upstreamSource{}, errors.New("--upstream must not hold credentials: spec-diff fetches the published spec anonymously")
	}
	return upstreamSource{url: u, name: (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()}, nil
}

// read returns the document, at most maxUpstreamBytes. A URL is fetched
// with a GET that carries no credentials and no cookies, within timeout,
// following at most maxUpstreamRedirects redirects and never from https
// down to http.
func (s upstreamSource) read(ctx context.Context, timeout time.Duration) ([]byte, error) {
	if s.url == nil {
		return readFileCapped(s.name)
	}
	tr := newTransport()
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			switch {
			case len(via) >= maxUpstreamRedirects:
				return fmt.Errorf("more than %d redirects", maxUpstreamRedirects)
			case req.URL.User != nil:
				return errors.New("redirected to a URL with credentials")
			case req.URL.Scheme != "https" && via[0].URL.Scheme == "https":
				return errors.New("redirected from https to " + req.URL.Scheme)
			}
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.1")
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errors.New(networkReason(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return readUpstream(resp.Body)
}

func readFileCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return readUpstream(f)
}

func readUpstream(r io.Reader) ([]byte, error) {
	data, err := readCapped(r, maxUpstreamBytes)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, fmt.Errorf("larger than %d MiB", maxUpstreamBytes>>20)
	case err != nil:
		return nil, errors.New(networkReason(err))
	}
	return data, nil
}

var errTooLarge = errors.New("too large")

// readCapped reads r whole, at most limit bytes: what the command reads of
// a file, a download or stdin. More is errTooLarge, read no further than
// one byte past the limit.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = errTooLarge
	}
	return data, err
}
