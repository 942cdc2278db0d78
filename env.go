package lettatokens

import (
	"cmp"
	"net/url"
	"strconv"
	"strings"
)

// The environment variables the module honours; [LoadEnv] reads them all.
const (
	envAPIKey       = "LETTA_API_KEY"       // the API key
	envBaseURL      = "LETTA_BASE_URL"      // the API root; DefaultBaseURL when unset
	envMaxTokens    = "LETTA_MAX_TOKENS"    // bound of a walk, for the CLI and the live test
	envAgentID      = "LETTA_AGENT_ID"      // an agent the live test may create tokens for
	envContractSeed = "LETTA_CONTRACT_SEED" // "1": the live test seeds tokens of its own
	envRequireLive  = "LETTA_REQUIRE_LIVE"  // "1": the live test fails, not skips, without a key
)

// Env is the module's configuration as the environment gives it, read by
// [LoadEnv]. Every value is trimmed of white space; an unset variable is
// the zero value.
type Env struct {
	// APIKey is LETTA_API_KEY.
	APIKey string
	// BaseURL is LETTA_BASE_URL, checked as [WithBaseURL] checks a base URL,
	// trailing slashes dropped.
	BaseURL string
	// MaxTokens is LETTA_MAX_TOKENS, a whole number of at least 1.
	MaxTokens int
	// AgentID is LETTA_AGENT_ID.
	AgentID string
	// ContractSeed is LETTA_CONTRACT_SEED set to 1.
	ContractSeed bool
	// RequireLive is LETTA_REQUIRE_LIVE set to 1.
	RequireLive bool
}

// ConfigError is a setting that cannot be used: a variable LoadEnv read, or
// an option given to NewClient. It names the setting and the rule, never
// the value, which may hold a credential.
type ConfigError struct {
	// Setting is the variable or option: "LETTA_BASE_URL", "WithMaxRetries".
	Setting string
	// Reason says which rule the value breaks.
	Reason string
}

// Error describes the problem in one line.
func (e *ConfigError) Error() string { return "lettatokens: " + e.Setting + " " + e.Reason }

// LoadEnv reads every LETTA_* variable the module honours through getenv
// (os.Getenv, or a test's map), so that NewClient, the CLI and the live
// test read them alike. It trims white space (a key pasted with its line
// break works), and checks LETTA_BASE_URL and LETTA_MAX_TOKENS. On a
// problem it returns a *ConfigError for the first variable in the order
// above; Env still holds every value that is good, so a caller that does
// not use the bad one may go on.
//
// LETTA_BASE_URL must be http(s)://host[:port][/prefix], without a query
// or fragment. The prefix is for a gateway in front of the API; a path
// ending in /v1 is refused, because every operation path already starts
// with /v1 and each call would end in a 404 that looks like drift.
func LoadEnv(getenv func(string) string) (Env, error) {
	env := Env{
		APIKey:       strings.TrimSpace(getenv(envAPIKey)),
		AgentID:      strings.TrimSpace(getenv(envAgentID)),
		ContractSeed: strings.TrimSpace(getenv(envContractSeed)) == "1",
		RequireLive:  strings.TrimSpace(getenv(envRequireLive)) == "1",
	}
	var baseErr, maxErr error
	if v := strings.TrimSpace(getenv(envBaseURL)); v != "" {
		env.BaseURL, baseErr = checkBaseURL(envBaseURL, v) // "" when bad
	}
	if v := strings.TrimSpace(getenv(envMaxTokens)); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 {
			env.MaxTokens = n
		} else {
			maxErr = &ConfigError{Setting: envMaxTokens, Reason: "must be a whole number of tokens, at least 1"}
		}
	}
	return env, cmp.Or(baseErr, maxErr)
}

// checkBaseURL checks a base URL given as setting and returns it without
// trailing slashes: gen appends "/" and resolves the operation path against
// it, so "https://host/", "https://host//" and "https://host" are equal.
// Its errors never quote the value: a malformed URL may hold credentials.
func checkBaseURL(setting, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", &ConfigError{Setting: setting,
			Reason: "is not a base URL: want http(s)://host[:port][/prefix], such as " + DefaultBaseURL}
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", &ConfigError{Setting: setting, Reason: "is not a base URL: it must have no query or fragment"}
	}
	path := strings.ToLower(strings.TrimRight(u.EscapedPath(), "/"))
	if strings.HasSuffix(path, "/v1") || strings.HasSuffix(path, collectionPath) {
		return "", &ConfigError{Setting: setting,
			Reason: "ends in /v1 or an API path: it must be the API root, such as " + DefaultBaseURL + " (without /v1; every operation path starts with it), or a gateway's prefix"}
	}
	return strings.TrimRight(raw, "/"), nil
}

// DefaultBaseURL is the Letta Cloud API, used when neither [WithBaseURL] nor
// LETTA_BASE_URL says otherwise.
const DefaultBaseURL = "https://api.letta.com"
