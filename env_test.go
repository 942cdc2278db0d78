package lettatokens

import (
	"errors"
	"strings"
	"testing"
)

// envOf is a getenv over a map.
func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// secretInURL is a credential as a base URL may carry one; no error may
// echo it.
const secretInURL = "sk-let-urlsecret0123456789"

func TestLoadEnvReadsAndTrims(t *testing.T) {
	env, err := LoadEnv(envOf(map[string]string{
		envAPIKey:       " key-0123456789\n",
		envBaseURL:      "\thttp://127.0.0.1:8283/ ",
		envMaxTokens:    " 250\n",
		envAgentID:      " agent-1 ",
		envContractSeed: "1\n",
		envRequireLive:  " 1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Env{APIKey: "key-0123456789", BaseURL: "http://127.0.0.1:8283", MaxTokens: 250,
		AgentID: "agent-1", ContractSeed: true, RequireLive: true}
	if env != want {
		t.Errorf("LoadEnv = %+v, want %+v", env, want)
	}
	env, err = LoadEnv(envOf(nil))
	if err != nil || env != (Env{}) {
		t.Errorf("LoadEnv of nothing = %+v, %v; want the zero Env", env, err)
	}
	for _, v := range []string{"0", "true", "yes", "2"} {
		env, _ := LoadEnv(envOf(map[string]string{envContractSeed: v, envRequireLive: v}))
		if env.ContractSeed || env.RequireLive {
			t.Errorf("%q read as set; only 1 sets a switch", v)
		}
	}
}

func TestLoadEnvBaseURL(t *testing.T) {
	tests := []struct {
		in, want string // want "": refused
		because  string // what the error must say
	}{
		{in: "https://api.letta.com", want: "https://api.letta.com"},
		{in: "https://api.letta.com//", want: "https://api.letta.com"},
		{in: "http://127.0.0.1:8283", want: "http://127.0.0.1:8283"},
		{in: "https://gw-0xhost.example/letta", want: "https://gw-0xhost.example/letta"},
		{in: "https://gw-0xhost.example/letta/", want: "https://gw-0xhost.example/letta"},
		{in: "https://gw-0xhost.example/v1x", want: "https://gw-0xhost.example/v1x"},
		{in: "https://gw-0xhost.example/v10", want: "https://gw-0xhost.example/v10"},
		{in: "https://api.letta.com/v1", because: "API root"},
		{in: "https://api.letta.com/v1/", because: "API root"},
		{in: "https://api.letta.com/v1//", because: "API root"},
		{in: "https://api.letta.com/V1", because: "API root"},
		{in: "https://api.letta.com/v1/client-side-access-tokens", because: "API root"},
		{in: "https://api.letta.com/v1/client-side-access-tokens/", because: "API root"},
		{in: "https://gw-0xhost.example/api/v1", because: "API root"},
		{in: "https://u:" + secretInURL + "@api.letta.com/v1", because: "API root"},
		{in: "api.letta.com", because: "not a base URL"},
		{in: "ftp://api.letta.com", because: "not a base URL"},
		{in: "https://", because: "not a base URL"},
		{in: "http://[::1", because: "not a base URL"},
		{in: "https://api.letta.com/?k=" + secretInURL, because: "no query or fragment"},
		{in: "https://api.letta.com/#" + secretInURL, because: "no query or fragment"},
		{in: "https://api.letta.com/?", because: "no query or fragment"},
		{in: "https://u:" + secretInURL + "@[::1", because: "not a base URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			env, err := LoadEnv(envOf(map[string]string{envBaseURL: tt.in, envAPIKey: "k"}))
			if tt.want != "" {
				if err != nil || env.BaseURL != tt.want {
					t.Errorf("LoadEnv = %q, %v; want %q", env.BaseURL, err, tt.want)
				}
				return
			}
			var cfgErr *ConfigError
			if !errors.As(err, &cfgErr) || cfgErr.Setting != envBaseURL || KindOf(err) != KindInvalid {
				t.Fatalf("err = %v, want a *ConfigError for %s, invalid", err, envBaseURL)
			}
			msg := err.Error()
			if !strings.Contains(msg, envBaseURL) || !strings.Contains(msg, tt.because) {
				t.Errorf("err = %q, want it to name %s and say %q", msg, envBaseURL, tt.because)
			}
			if strings.Contains(msg, secretInURL) || strings.Contains(msg, "api.letta.com/v1") || strings.Contains(msg, "0xhost") {
				t.Errorf("err = %q echoes the value", msg)
			}
			if env.BaseURL != "" || env.APIKey != "k" {
				t.Errorf("Env = %+v, want the key kept and no base URL", env)
			}
		})
	}
}

func TestLoadEnvMaxTokens(t *testing.T) {
	for _, v := range []string{"0", "-1", "many", "1.5", "99999999999999999999999", "1e3"} {
		_, err := LoadEnv(envOf(map[string]string{envMaxTokens: v}))
		var cfgErr *ConfigError
		if !errors.As(err, &cfgErr) || cfgErr.Setting != envMaxTokens {
			t.Errorf("%q: err = %v, want a *ConfigError for %s", v, err, envMaxTokens)
			continue
		}
		if strings.Contains(err.Error(), v) {
			t.Errorf("%q: err = %q echoes the value", v, err)
		}
	}
	// The first problem is reported; the good values are all there.
	env, err := LoadEnv(envOf(map[string]string{envBaseURL: "https://api.letta.com/v1", envMaxTokens: "x", envAPIKey: "k", envAgentID: "a"}))
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || cfgErr.Setting != envBaseURL || env.APIKey != "k" || env.AgentID != "a" {
		t.Errorf("LoadEnv = %+v, %v; want the base URL's error and the good values", env, err)
	}
}

// TestClientAndEnvironmentAgree: NewClient reads the environment through
// LoadEnv, so it takes a key with a line break or a leading space as the
// CLI does, and refuses a base URL ending in /v1 naming the variable,
// before any request; a gateway's prefix is kept.
func TestClientAndEnvironmentAgree(t *testing.T) {
	for _, key := range []string{"env-key-0123456789\n", " env-key-0123456789", "\tenv-key-0123456789 \r\n"} {
		got, url := capturingServer(t)
		t.Setenv(envAPIKey, key)
		t.Setenv(envBaseURL, " "+url+"/gateway/\n")
		c, err := NewClient()
		if err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		if _, err := c.ListTokens(t.Context(), ListOptions{}); err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		reqs := got.all()
		if len(reqs) != 1 || reqs[0].auth != "Bearer env-key-0123456789" || reqs[0].path != "/gateway/v1/client-side-access-tokens" {
			t.Errorf("key %q: server saw %+v, want the trimmed key at the gateway's prefix", key, reqs)
		}
	}

	got, url := capturingServer(t)
	t.Setenv(envAPIKey, "env-key-0123456789")
	for _, path := range []string{"/v1", "/v1/", "/api/v1"} {
		t.Setenv(envBaseURL, url+path)
		_, err := NewClient()
		if err == nil || !strings.Contains(err.Error(), envBaseURL) || !strings.Contains(err.Error(), "API root") {
			t.Errorf("LETTA_BASE_URL ending in %s: err = %v, want one naming %s and the API root", path, err, envBaseURL)
		}
		if _, err := NewClient(WithBaseURL(url + path)); err == nil || !strings.Contains(err.Error(), "API root") {
			t.Errorf("WithBaseURL ending in %s: err = %v, want one saying the API root", path, err)
		}
	}
	if reqs := got.all(); len(reqs) != 0 {
		t.Errorf("server saw %+v, want no request", reqs)
	}
	// A bad LETTA_BASE_URL does not matter when the option sets one.
	if _, err := NewClient(WithBaseURL(url)); err != nil {
		t.Errorf("WithBaseURL over a bad LETTA_BASE_URL: %v", err)
	}
}
