package main

import (
	"strings"
	"testing"
)

// TestMutate: the token at line:column is replaced as gremlins replaces it,
// and what cannot be made is refused (want is then the error's words).
func TestMutate(t *testing.T) {
	for _, c := range []struct {
		line        string
		column      int
		mutatorType string
		want        string
		refused     bool
	}{
		{"\tif a > b {", 7, "CONDITIONALS_BOUNDARY", "\tif a >= b {", false},
		{"\tif a <= b {", 7, "CONDITIONALS_BOUNDARY", "\tif a < b {", false},
		{"\tif a > b {", 7, "CONDITIONALS_NEGATION", "\tif a <= b {", false},
		{"\tif a == b {", 7, "CONDITIONALS_NEGATION", "\tif a != b {", false},
		{"\tx := (n+1)*4 > m*3", 9, "ARITHMETIC_BASE", "\tx := (n-1)*4 > m*3", false},
		{"\tx := (n+1)*4 > m*3", 12, "ARITHMETIC_BASE", "\tx := (n+1)/4 > m*3", false},
		{"\tx := (n+1)*4 > m*3", 18, "ARITHMETIC_BASE", "\tx := (n+1)*4 > m/3", false},
		{"\tx := a % b", 9, "ARITHMETIC_BASE", "\tx := a * b", false},
		{"\tx := -y", 7, "INVERT_NEGATIVES", "\tx := +y", false},
		{"\ts.n++", 5, "INCREMENT_DECREMENT", "\ts.n--", false},
		{"\tif a > b {", 7, "SWAP_EVERYTHING", "unknown mutator type", true},
		{"\tif a > b {", 6, "CONDITIONALS_BOUNDARY", "no token starts there", true},
		{"\tif a == b {", 7, "CONDITIONALS_BOUNDARY", "does not mutate", true},
		{"\tx := a**p", 8, "ARITHMETIC_BASE", "does not scan", true},
	} {
		got, err := mutate([]byte("package p\n"+c.line+"\n// after\n"), 2, c.column, c.mutatorType)
		switch {
		case c.refused && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q %d %s: got %v, want an error saying %q", c.line, c.column, c.mutatorType, err, c.want)
		case !c.refused && err != nil:
			t.Errorf("%q %d %s: %v", c.line, c.column, c.mutatorType, err)
		case !c.refused && string(got) != "package p\n"+c.want+"\n// after\n":
			t.Errorf("%q %d %s: got %q, want %q", c.line, c.column, c.mutatorType, got, c.want)
		}
	}
}
