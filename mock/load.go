package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/letta-tokens/letta-tokens/gen"
)

// LoadTokens reads tokens from JSON: either an array of tokens or a page as
// the API returns it ({"tokens": [...], ...}). Each token must match the
// spec's Token schema (required properties present and not null, types and
// enum values right); the error names the first bad token's index. Fields
// the spec does not know are dropped.
func LoadTokens(r io.Reader) ([]gen.Token, error) {
	tokens, err := loadTokens(r)
	if err != nil {
		return nil, fmt.Errorf("mock: load tokens: %w", err)
	}
	return tokens, nil
}

// LoadTokensFile is LoadTokens on the file at path.
func LoadTokensFile(path string) ([]gen.Token, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mock: load tokens: %w", err)
	}
	defer f.Close()
	tokens, err := loadTokens(f)
	if err != nil {
		return nil, fmt.Errorf("mock: load tokens from %s: %w", path, err)
	}
	return tokens, nil
}

var errNotTokenList = errors.New(`want a JSON array of tokens or a {"tokens": [...]} page`)

func loadTokens(r io.Reader) ([]gen.Token, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	raws, err := splitTokenList(bytes.TrimSpace(data))
	if err != nil {
		return nil, err
	}
	tokens := make([]gen.Token, len(raws))
	for i, raw := range raws {
		if tokens[i], err = decodeToken(raw); err != nil {
			return nil, fmt.Errorf("token %d: %w", i, err)
		}
	}
	return tokens, nil
}

// splitTokenList returns the raw tokens of an array or of a page object.
func splitTokenList(data []byte) ([]json.RawMessage, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("empty input: %w", errNotTokenList)
	}
	var raws []json.RawMessage
	switch data[0] {
	case '[':
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, err
		}
	case '{':
		var page struct {
			Tokens *[]json.RawMessage `json:"tokens"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			return nil, err
		}
		if page.Tokens == nil {
			return nil, fmt.Errorf(`object has no "tokens" array: %w`, errNotTokenList)
		}
		raws = *page.Tokens
	default:
		return nil, errNotTokenList
	}
	return raws, nil
}

// decodeToken decodes one token into the gen type, after checking the
// presence of the required properties, which decoding alone would fill with
// zero values.
func decodeToken(raw json.RawMessage) (gen.Token, error) {
	var t gen.Token
	token, err := requireProperties(raw, "", tokenRequired)
	if err != nil {
		return t, err
	}
	policy, err := requireProperties(token["policy"], "policy", tokenPolicyRequired)
	if err != nil {
		return t, err
	}
	var data []json.RawMessage
	if err := json.Unmarshal(policy["data"], &data); err != nil {
		return t, errors.New("policy.data: want an array")
	}
	for j, p := range data {
		if _, err := requireProperties(p, fmt.Sprintf("policy.data[%d]", j), agentPolicyRequired); err != nil {
			return t, err
		}
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, typeError(err)
	}
	return t, checkToken(t)
}

// requireProperties checks that raw, the value at path, is an object
// holding each name, and not as null (no property in the spec is nullable).
// It returns the object's members.
func requireProperties(raw json.RawMessage, path string, names []string) (map[string]json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		if path == "" {
			return nil, errors.New("want a JSON object")
		}
		return nil, fmt.Errorf("%s: want an object", path)
	}
	if path != "" {
		path += "."
	}
	for _, name := range names {
		v, ok := members[name]
		if !ok {
			return nil, fmt.Errorf("%s%s: required property is missing", path, name)
		}
		if string(v) == "null" {
			return nil, fmt.Errorf("%s%s: null where the spec does not allow it", path, name)
		}
	}
	return members, nil
}

// typeError words a decoding error by field path and kinds only: the
// offending value may be a secret.
func typeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: want %s, got %s", te.Field, te.Type, te.Value)
	}
	return err
}
