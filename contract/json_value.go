package contract

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// maxPlainDepth bounds the nesting decodePlainJSON follows (a page is five
// deep); a deeper body goes to encoding/json, which has its own bound.
const maxPlainDepth = 64

// decodePlainJSON decodes a body that is exactly one JSON value, valid
// UTF-8 throughout, with no escape in any string, into the value
// encoding/json's Decoder gives with UseNumber (a fuzz target holds the
// two equal). ok is false for any other body, which the caller decodes
// with encoding/json, keeping its error messages. Why not encoding/json for
// every body: it costs half of validating a page, two scans and a copy of
// every key and string; here every string is a slice of one copy of the
// body, for half the CPU. segmentio/encoding saved a fifth of the decode;
// goccy/go-json none, and it keeps invalid UTF-8 and rejects 1e400.
func decodePlainJSON(body []byte) (value any, ok bool) {
	d := plainDecoder{s: string(body)}
	if !utf8.ValidString(d.s) {
		return nil, false
	}
	if value, ok = d.value(0); !ok || d.next() != 0 || d.i != len(d.s) {
		return nil, false
	}
	return value, true
}

// plainDecoder reads s from i. Every method returns ok false, and leaves
// i anywhere, at the first byte it does not take.
type plainDecoder struct {
	s string
	i int
}

// next skips whitespace and returns the byte at i, 0 at the end.
func (d *plainDecoder) next() byte {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *plainDecoder) value(depth int) (any, bool) {
	c := d.next()
	switch rest := d.s[d.i:]; {
	case c == '{' && depth < maxPlainDepth:
		return d.object(depth + 1)
	case c == '[' && depth < maxPlainDepth:
		return d.array(depth + 1)
	case c == '"':
		s, ok := d.str()
		return s, ok
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case strings.HasPrefix(rest, "true"):
		d.i += 4
		return true, true
	case strings.HasPrefix(rest, "false"):
		d.i += 5
		return false, true
	case strings.HasPrefix(rest, "null"):
		d.i += 4
		return nil, true
	}
	return nil, false
}

// str reads a string at i that holds no escape and no control character.
func (d *plainDecoder) str() (string, bool) {
	start := d.i + 1
	for j := start; j < len(d.s); j++ {
		switch c := d.s[j]; {
		case c == '"':
			d.i = j + 1
			return d.s[start:j], true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// number reads JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *plainDecoder) number() (any, bool) {
	start := d.i
	d.skip("-")
	if !d.skip("0") && d.digits() == 0 {
		return nil, false
	}
	if d.skip(".") && d.digits() == 0 {
		return nil, false
	}
	if d.skip("eE") {
		d.skip("+-")
		if d.digits() == 0 {
			return nil, false
		}
	}
	return json.Number(d.s[start:d.i]), true
}

// skip takes one byte at i if it is one of set.
func (d *plainDecoder) skip(set string) bool {
	for k := range len(set) {
		if d.i < len(d.s) && d.s[d.i] == set[k] {
			d.i++
			return true
		}
	}
	return false
}

func (d *plainDecoder) digits() int {
	start := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	return d.i - start
}

func (d *plainDecoder) object(depth int) (any, bool) {
	d.i++
	m := make(map[string]any)
	if d.next() == '}' {
		d.i++
		return m, true
	}
	for {
		if d.next() != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok || d.next() != ':' {
			return nil, false
		}
		d.i++
		if m[k], ok = d.value(depth); !ok {
			return nil, false
		}
		switch d.next() {
		case ',':
			d.i++
		case '}':
			d.i++
			return m, true
		default:
			return nil, false
		}
	}
}

func (d *plainDecoder) array(depth int) (any, bool) {
	d.i++
	a := make([]any, 0)
	if d.next() == ']' {
		d.i++
		return a, true
	}
	for {
		item, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		a = append(a, item)
		switch d.next() {
		case ',':
			d.i++
		case ']':
			d.i++
			return a, true
		default:
			return nil, false
		}
	}
}
