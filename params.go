package lettatokens

import "errors"

// ErrInvalidParams is the cause of every *ParamError: arguments a method
// refused before sending anything.
var ErrInvalidParams = errors.New("invalid parameters")

// ParamError is returned, before any request is made, for an argument that
// the spec (or plain sense, such as an empty token to delete) rules out.
// It wraps ErrInvalidParams. It names the field and the rule, never the
// value, which may be a secret.
type ParamError struct {
	// Field names the argument, as a Go expression on the parameters:
	// "Hostname", "Policy[1].Access[0]", "token".
	Field string
	// Reason says which rule the value breaks.
	Reason string
}

// Error describes the problem in one line.
func (e *ParamError) Error() string {
	return "lettatokens: " + ErrInvalidParams.Error() + ": " + e.Field + " " + e.Reason
}

// Unwrap returns ErrInvalidParams, for errors.Is.
func (e *ParamError) Unwrap() error { return ErrInvalidParams }
