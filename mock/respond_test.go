package mock

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/gen/server"
)

func TestParamErrorMessage(t *testing.T) {
	tests := []struct {
		err       error
		wantParts []string
	}{
		{&server.InvalidParamFormatError{ParamName: "limit", Err: errors.New("not an int")}, []string{`"limit"`, "not an int"}},
		{&server.TooManyValuesForParamError{ParamName: "offset", Count: 2}, []string{`"offset"`, "got 2"}},
		{&server.RequiredParamError{ParamName: "agentId"}, []string{`"agentId"`, "required"}},
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

// The generated method answers sensibly even when called directly, without
// ServeHTTP's validation in front.
func TestListBypassingValidation(t *testing.T) {
	s, err := New(Options{Tokens: SeedTokens(3)})
	if err != nil {
		t.Fatal(err)
	}
	neg := -1
	for _, params := range []gen.ListClientSideAccessTokensParams{{Limit: &neg}, {Offset: &neg}} {
		rec := httptest.NewRecorder()
		(*operations)(s).ListClientSideAccessTokens(rec, nil, params)
		if rec.Code != 400 {
			t.Errorf("negative parameter: status %d, want 400", rec.Code)
		}
	}
}
