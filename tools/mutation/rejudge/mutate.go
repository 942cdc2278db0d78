package main

import (
	"fmt"
	"go/scanner"
	"go/token"
)

// replacements is what each of gremlins v0.6.0's default mutator types
// (those scripts/mutation.sh runs) makes of the tokens it mutates; any
// other type is refused.
var replacements = map[string]map[token.Token]token.Token{
	"ARITHMETIC_BASE": {
		token.ADD: token.SUB, token.SUB: token.ADD, token.MUL: token.QUO,
		token.QUO: token.MUL, token.REM: token.MUL,
	},
	"CONDITIONALS_BOUNDARY": {
		token.GTR: token.GEQ, token.GEQ: token.GTR, token.LSS: token.LEQ, token.LEQ: token.LSS,
	},
	"CONDITIONALS_NEGATION": {
		token.EQL: token.NEQ, token.NEQ: token.EQL, token.GTR: token.LEQ,
		token.LEQ: token.GTR, token.LSS: token.GEQ, token.GEQ: token.LSS,
	},
	"INCREMENT_DECREMENT": {token.INC: token.DEC, token.DEC: token.INC},
	"INVERT_NEGATIVES":    {token.SUB: token.ADD},
}

// mutate returns src with the token at line:column (1-based, in bytes, as
// gremlins reports a mutant) replaced as mutatorType replaces it. It
// refuses a type it does not know, a position where no token starts, a
// token the type does not mutate, and a result that no longer scans as the
// new token there (a replacement that merged with its neighbours).
func mutate(src []byte, line, column int, mutatorType string) ([]byte, error) {
	table, ok := replacements[mutatorType]
	if !ok {
		return nil, fmt.Errorf("unknown mutator type %q", mutatorType)
	}
	offset, tok, err := tokenAt(src, line, column)
	if err != nil {
		return nil, err
	}
	to, ok := table[tok]
	if !ok {
		return nil, fmt.Errorf("%d:%d: %s does not mutate %q", line, column, mutatorType, tok)
	}
	out := make([]byte, 0, len(src)+2)
	out = append(out, src[:offset]...)
	out = append(out, to.String()...)
	out = append(out, src[offset+len(tok.String()):]...)
	if _, got, err := tokenAt(out, line, column); err != nil || got != to {
		return nil, fmt.Errorf("%d:%d: %q made %q does not scan as %q", line, column, tok, to, to)
	}
	return out, nil
}

// tokenAt returns the byte offset and the token that starts at line:column.
func tokenAt(src []byte, line, column int) (int, token.Token, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	var scanErr error
	s.Init(file, src, func(pos token.Position, msg string) { scanErr = fmt.Errorf("%s: %s", pos, msg) }, 0)
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF || scanErr != nil {
			break
		}
		p := file.Position(pos)
		if p.Line > line || p.Line == line && p.Column > column {
			break
		}
		if p.Line == line && p.Column == column {
			return file.Offset(pos), tok, nil
		}
	}
	if scanErr != nil {
		return 0, 0, scanErr
	}
	return 0, 0, fmt.Errorf("%d:%d: no token starts there", line, column)
}
