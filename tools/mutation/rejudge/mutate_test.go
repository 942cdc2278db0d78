package main

import (
	"strings"
	"testing"
)

func TestMutateReplacesTheTokenAtLineAndColumn(t *testing.T) {
	for _, c := range []struct {
		line        string
		column      int
		mutatorType string
		want        string
	}{
		{"\tif a > b {", 7, "CONDITIONALS_BOUNDARY", "\tif a >= b {"},
		{"\tif a <= b {", 7, "CONDITIONALS_BOUNDARY", "\tif a < b {"},
		{"\tif a > b {", 7, "CONDITIONALS_NEGATION", "\tif a <= b {"},
		{"\tif a == b {", 7, "CONDITIONALS_NEGATION", "\tif a != b {"},
		{"\tx := (n+1)*4 > m*3", 9, "ARITHMETIC_BASE", "\tx := (n-1)*4 > m*3"},
		{"\tx := (n+1)*4 > m*3", 12, "ARITHMETIC_BASE", "\tx := (n+1)/4 > m*3"},
		{"\tx := (n+1)*4 > m*3", 18, "ARITHMETIC_BASE", "\tx := (n+1)*4 > m/3"},
		{"\tx := a % b", 9, "ARITHMETIC_BASE", "\tx := a * b"},
		{"\tx := -y", 7, "INVERT_NEGATIVES", "\tx := +y"},
		{"\ts.n++", 5, "INCREMENT_DECREMENT", "\ts.n--"},
	} {
		src := "package p\n" + c.line + "\n// after\n"
		got, err := mutate([]byte(src), 2, c.column, c.mutatorType)
		if err != nil {
			t.Errorf("%q %d %s: %v", c.line, c.column, c.mutatorType, err)
			continue
		}
		if want := "package p\n" + c.want + "\n// after\n"; string(got) != want {
			t.Errorf("%q %d %s: got %q, want %q", c.line, c.column, c.mutatorType, got, want)
		}
	}
}

func TestMutateRefusesWhatItCannotMake(t *testing.T) {
	for _, c := range []struct {
		line        string
		column      int
		mutatorType string
		why         string
	}{
		{"\tif a > b {", 7, "SWAP_EVERYTHING", "unknown mutator type"},
		{"\tif a > b {", 6, "CONDITIONALS_BOUNDARY", "no token starts there"},
		{"\tif a == b {", 7, "CONDITIONALS_BOUNDARY", "does not mutate"},
		{"\tx := a**p", 8, "ARITHMETIC_BASE", "does not scan"},
	} {
		_, err := mutate([]byte("package p\n"+c.line+"\n"), 2, c.column, c.mutatorType)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%q %d %s: got %v, want an error saying %q", c.line, c.column, c.mutatorType, err, c.why)
		}
	}
}
