package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/gen/server"
)

// writeJSON encodes v, one of the gen wire types, as the whole response.
// Encoding to a buffer first lets the response carry a Content-Length
// instead of being chunked.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v) // the gen types have nothing that fails to encode
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client has gone; nothing to tell it
}

// writeMessage answers the spec's ErrorMessage shape.
func writeMessage(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, gen.ErrorMessage{Message: message})
}

// writeParamError is the generated wrapper's ErrorHandlerFunc. It sees only
// what the spec validator let through but the binder still refuses, such as
// a repeated parameter (limit=1&limit=2). The binder reports every bad
// value as InvalidParamFormatError, worded here in the validator's style;
// its other errors name their parameter already.
func writeParamError(w http.ResponseWriter, _ *http.Request, err error) {
	msg := err.Error()
	if invalid, ok := errors.AsType[*server.InvalidParamFormatError](err); ok {
		msg = fmt.Sprintf("query parameter %q: %v", invalid.ParamName, invalid.Err)
	}
	writeMessage(w, http.StatusBadRequest, msg)
}
