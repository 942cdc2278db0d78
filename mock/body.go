package mock

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/letta-tokens/letta-tokens/contract"
)

// MaxRequestBodyBytes is the largest request body the mock reads; a longer
// one is answered 413, as Cloud's body parser answers a body over its
// limit. It is the contract validator's cap, so every body the mock
// accepts is validated whole.
const MaxRequestBodyBytes = contract.MaxRequestBodyBytes

// readBody reads r's body, at most MaxRequestBodyBytes, and gives r a body
// that replays it for the validator and then the handler. It answers a
// body it refuses itself, and reports whether r may go on.
func readBody(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeMessage(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", MaxRequestBodyBytes))
		return false
	case err != nil:
		writeMessage(w, http.StatusBadRequest, "request body could not be read")
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return true
}
