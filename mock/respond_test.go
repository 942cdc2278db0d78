package mock

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/gen"
	"github.com/letta-tokens/letta-tokens/gen/server"
)

func TestWriteParamError(t *testing.T) {
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
		rec := httptest.NewRecorder()
		writeParamError(rec, nil, tt.err)
		var m gen.ErrorMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || rec.Code != http.StatusBadRequest {
			t.Errorf("%T: status %d, body %s", tt.err, rec.Code, rec.Body)
		}
		got := m.Message
		for _, w := range tt.wantParts {
			if !strings.Contains(got, w) {
				t.Errorf("writeParamError(%T) = %q, want it to contain %q", tt.err, got, w)
			}
		}
	}
}
