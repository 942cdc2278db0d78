package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
)

// LoadTokens reads tokens from JSON: either an array of tokens or a page as
// the API returns it ({"tokens": [...], ...}). Each token must match the
// spec's Token schema, checked by kin-openapi through the contract package
// (required properties present and not null, types and enum values right);
// the error names the first bad token's index and the field, worded as the
// contract validator words a served page's violations. Fields the spec does
// not know are dropped.
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
	v, err := contract.NewValidator()
	if err != nil {
		return nil, err
	}
	tokens := make([]gen.Token, len(raws))
	for i, raw := range raws {
		// Checked against the schema, a token decodes into the gen type,
		// which drops the fields the spec does not know.
		if err := checkRawToken(v, raw); err != nil {
			return nil, fmt.Errorf("token %d: %w", i, err)
		}
		_ = json.Unmarshal(raw, &tokens[i])
	}
	return tokens, nil
}

// splitTokenList returns the raw tokens of an array or of a page object.
func splitTokenList(data []byte) ([]json.RawMessage, error) {
	switch {
	case len(data) == 0:
		return nil, fmt.Errorf("empty input: %w", errNotTokenList)
	case data[0] == '[':
		var raws []json.RawMessage
		return raws, json.Unmarshal(data, &raws)
	case data[0] != '{':
		return nil, errNotTokenList
	}
	var page struct {
		Tokens *[]json.RawMessage `json:"tokens"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, err
	}
	if page.Tokens == nil {
		return nil, fmt.Errorf(`object has no "tokens" array: %w`, errNotTokenList)
	}
	return *page.Tokens, nil
}

// checkTokens checks tokens against the spec's Token schema, as the
// contract validator checks a served page: what the gen types cannot
// enforce by themselves (enum values), and what JSON shows of them (a nil
// slice encodes as null). The error names the first bad token's index.
func checkTokens(v *contract.Validator, tokens []gen.Token) error {
	for i, t := range tokens {
		raw, _ := json.Marshal(t) // a gen.Token always encodes
		if err := checkRawToken(v, raw); err != nil {
			return fmt.Errorf("token %d: %w", i, err)
		}
	}
	return nil
}

// checkRawToken checks one token's JSON against the Token schema. Its
// error is the first violation as the contract words it (a JSON pointer
// to the field, then what is wrong), and how many more there are.
func checkRawToken(v *contract.Validator, raw json.RawMessage) error {
	var value any
	if err := json.Unmarshal(raw, &value); err != nil {
		return err
	}
	findings, err := v.ValidateValue("Token", value)
	if err != nil {
		return err
	}
	breaking := findings.Breaking()
	if len(breaking) == 0 {
		return nil
	}
	first := breaking[0]
	ptr := first.Pointer
	if ptr == "" {
		ptr = "/"
	}
	if more := len(breaking) - 1; more > 0 {
		return fmt.Errorf("%s: %s (and %d more)", ptr, first.Message, more)
	}
	return fmt.Errorf("%s: %s", ptr, first.Message)
}
