package mock

import (
	"fmt"

	"github.com/letta-tokens/letta-tokens/gen"
)

// The required properties of the spec's schemas, in the spec's order.
// TestRequiredPropertiesMatchSpec keeps them equal to openapi.yaml.
var (
	tokenRequired       = []string{"policy", "token", "hostname", "expiresAt"}
	tokenPolicyRequired = []string{"version", "data"}
	agentPolicyRequired = []string{"type", "id", "access"}
)

// checkTokens checks what the gen types cannot enforce by themselves: that
// every enum holds one of the spec's values.
func checkTokens(tokens []gen.Token) error {
	for i, t := range tokens {
		if err := checkToken(t); err != nil {
			return fmt.Errorf("token %d: %w", i, err)
		}
	}
	return nil
}

func checkToken(t gen.Token) error {
	if !t.Policy.Version.Valid() {
		return fmt.Errorf("policy.version: %q is not one of the spec's values", t.Policy.Version)
	}
	for j, p := range t.Policy.Data {
		if !p.Type.Valid() {
			return fmt.Errorf("policy.data[%d].type: %q is not one of the spec's values", j, p.Type)
		}
		for k, a := range p.Access {
			if !a.Valid() {
				return fmt.Errorf("policy.data[%d].access[%d]: %q is not one of the spec's values", j, k, a)
			}
		}
	}
	return nil
}
