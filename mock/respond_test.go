package mock

import (
	"errors"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen/server"
)

func TestParamErrorMessage(t *testing.T) {
	tests := []struct {
		err       error
		wantParts []string
	}{
		{&server.InvalidParamFormatError{ParamName: "limit", Err: errors.New("not an int")}, []string{`"limit"`, "not an int"}},
		{&server.TooManyValuesForParamError{ParamName: "offset", Count: 2}, []string{"offset", "got 2"}},
		{&server.RequiredParamError{ParamName: "agentId"}, []string{"agentId", "required"}},
		{&server.UnmarshalingParamError{ParamName: "limit", Err: errors.New("bad")}, []string{"limit"}},
	}
	for _, tt := range tests {
		got := paramErrorMessage(tt.err)
		for _, w := range tt.wantParts {
			if !strings.Contains(got, w) {
				t.Errorf("paramErrorMessage(%T) = %q, want it to contain %q", tt.err, got, w)
			}
		}
	}
}
