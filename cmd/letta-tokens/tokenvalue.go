package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/letta-tokens/letta-tokens/redact"
)

// maxTokenLen is the longest token value create prints and delete reads:
// Letta's are about 60 bytes, and a JWT-sized token would still fit. A
// longer one is a wrong file, or a server flooding the terminal.
const maxTokenLen = 4096

// maxTokenInput bounds what delete reads of its input before it looks at
// it: room for a token with any white space around it, far short of what
// would matter in memory.
const maxTokenInput = 64 << 10

// unusableToken says why value cannot be a token to print or to send, or
// "" when it can be: one line of printable ASCII without spaces (so that
// printing it writes no escape sequence, and TOKEN=$(…) and delete read
// it back whole), of a sane length, no workflow command, and no API key. The reason never
// quotes the value.
func unusableToken(value string, mask *redact.Masker) string {
	switch {
	case value == "":
		return "it is empty"
	case len(value) > maxTokenLen:
		return fmt.Sprintf("a line of %d bytes, longer than any token (at most %d)", len(value), maxTokenLen)
	case strings.IndexFunc(value, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0:
		return "a character no token has (a control character, a space, or not ASCII)"
	case strings.Contains(value, "#[") || strings.HasPrefix(value, "::"):
		// Printed whole, a GitHub Actions runner would read it as a
		// workflow command (a forged annotation); no token has these.
		return "a GitHub Actions workflow command, not a token"
	case mask.HoldsKey(value):
		return "an API key, not a client-side access token"
	}
	return ""
}

// readTokenInput reads the one token that delete deletes from r, which
// from names in errors ("stdin", "--token-file"): at most maxTokenInput
// bytes, white space around the line dropped, exactly one line, a usable
// value (see unusableToken). Every error is a usage error that quotes
// nothing of the input, which may be a secret. A ctx that ends (a signal)
// stops the wait for input at once; the read left behind ends with the
// process.
func readTokenInput(ctx context.Context, r io.Reader, from string, mask *redact.Masker) (string, error) {
	var data []byte
	done := make(chan error, 1)
	go func() {
		var err error
		data, err = readCapped(r, maxTokenInput)
		done <- err
	}()
	var err error
	select {
	case <-ctx.Done():
		return "", errInterrupted
	case err = <-done:
	}
	fail := func(format string, args ...any) (string, error) {
		return "", usageErrorf("delete", "delete: "+format, args...)
	}
	switch {
	case errors.Is(err, errTooLarge):
		return fail("%s holds more than %d KiB: want one token on one line", from, maxTokenInput>>10)
	case err != nil:
		return fail("cannot read %s: %s", from, pathErrorReason(err))
	}
	value := strings.TrimSpace(string(data))
	switch {
	case value == "":
		return fail("%s holds no token: want one token on one line", from)
	case strings.ContainsAny(value, "\r\n"):
		return fail("%s holds more than one line: want one token on one line", from)
	}
	if reason := unusableToken(value, mask); reason != "" {
		return fail("%s holds %s; nothing was sent", from, reason)
	}
	return value, nil
}

// pathErrorReason is err without the file name that *os.PathError puts in
// front: the name is the user's own, and may be a token typed in the
// wrong place.
func pathErrorReason(err error) string {
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err.Error()
	}
	return err.Error()
}
