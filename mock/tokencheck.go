package mock

import (
	"encoding/json"
	"fmt"

	"github.com/letta-tokens/letta-tokens/contract"
	"github.com/letta-tokens/letta-tokens/gen"
)

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
