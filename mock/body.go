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
// that replays it for the validator and then the handler. It reports the
// status and message of a body it refuses.
func readBody(w http.ResponseWriter, r *http.Request) (status int, message string, ok bool) {
	if r.Body == nil || r.Body == http.NoBody {
		return 0, "", true
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", MaxRequestBodyBytes), false
	case err != nil:
		return http.StatusBadRequest, "request body could not be read", false
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return 0, "", true
}
