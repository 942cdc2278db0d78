package lettatokens

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sync"

	"github.com/letta-tokens/letta-tokens/gen"
)

// hostnamePattern is the pattern the spec gives CreateTokenRequest.hostname,
// compiled once. It is read from the spec that gen embeds rather than
// copied here, so that a change to openapi.yaml changes the check. The
// spec's JSON is read directly: the pattern is all that is needed, and a
// full load with kin-openapi would cost far more.
var hostnamePattern = sync.OnceValues(func() (*regexp.Regexp, error) {
	raw, err := gen.GetSpecJSON()
	if err != nil {
		return nil, errorf("reading the embedded spec: %w", err)
	}
	var doc struct {
		Components struct {
			Schemas struct {
				CreateTokenRequest struct {
					Properties struct {
						Hostname struct {
							Pattern string `json:"pattern"`
						} `json:"hostname"`
					} `json:"properties"`
				} `json:"CreateTokenRequest"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, errorf("reading the embedded spec: %w", err)
	}
	pattern := doc.Components.Schemas.CreateTokenRequest.Properties.Hostname.Pattern
	if pattern == "" {
		return nil, errorf("the embedded spec gives CreateTokenRequest.hostname no pattern")
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("lettatokens: the embedded spec's hostname pattern: %w", err)
	}
	return re, nil
})
