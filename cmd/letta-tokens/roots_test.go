package main

import (
	"crypto/x509"
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// TestRootsWithoutSystemCertificates: in a container with no CA
// certificates (the release image holds the binary alone), the command
// still has roots to verify https://api.letta.com with. The test binary is
// run again with the system's certificate files pointed at nothing.
func TestRootsWithoutSystemCertificates(t *testing.T) {
	if os.Getenv("LETTA_TOKENS_TEST_NO_SYSTEM_ROOTS") == "1" {
		pool, err := x509.SystemCertPool()
		//lint:ignore SA1019 Subjects lists a pool built from files, as on linux
		if err != nil || len(pool.Subjects()) == 0 {
			t.Fatalf("no roots without the system's certificates (%v)", err)
		}
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("SSL_CERT_FILE and SSL_CERT_DIR replace the system's roots on linux only")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRootsWithoutSystemCertificates$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LETTA_TOKENS_TEST_NO_SYSTEM_ROOTS=1",
		"SSL_CERT_FILE="+os.DevNull, "SSL_CERT_DIR="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%v\n%s", err, out)
	}
}
