package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// The JUnit schema most CI tools follow (Jenkins' junit.xsd, derived from
// Ant's), as rules a test can check without an XSD engine: for each
// element, its attributes (required or optional, with a type) and the
// sequence of children it may hold.

type xsdType int

const (
	xsdString   xsdType = iota
	xsdCount            // xs:int, not negative in practice
	xsdDecimal          // time in seconds
	xsdDateTime         // ISO 8601 without a zone, as Ant writes it
)

type xsdAttr struct {
	typ      xsdType
	required bool
}

type xsdParticle struct {
	name     string
	min, max int // max -1: unbounded
}

type xsdElement struct {
	attrs    map[string]xsdAttr
	children []xsdParticle // a sequence, in order
	text     bool          // character data allowed
}

var junitSchema = map[string]xsdElement{
	"testsuites": {
		attrs: map[string]xsdAttr{
			"name": {xsdString, false}, "time": {xsdDecimal, false}, "tests": {xsdCount, false},
			"failures": {xsdCount, false}, "disabled": {xsdCount, false}, "errors": {xsdCount, false},
		},
		children: []xsdParticle{{"testsuite", 0, -1}},
	},
	"testsuite": {
		attrs: map[string]xsdAttr{
			"name": {xsdString, true}, "tests": {xsdCount, true}, "failures": {xsdCount, false},
			"errors": {xsdCount, false}, "skipped": {xsdCount, false}, "disabled": {xsdCount, false},
			"time": {xsdDecimal, false}, "timestamp": {xsdDateTime, false}, "hostname": {xsdString, false},
			"id": {xsdString, false}, "package": {xsdString, false},
		},
		children: []xsdParticle{{"properties", 0, 1}, {"testcase", 0, -1}, {"system-out", 0, 1}, {"system-err", 0, 1}},
	},
	"properties": {children: []xsdParticle{{"property", 1, -1}}},
	"property":   {attrs: map[string]xsdAttr{"name": {xsdString, true}, "value": {xsdString, true}}},
	"testcase": {
		attrs: map[string]xsdAttr{
			"name": {xsdString, true}, "classname": {xsdString, false}, "time": {xsdDecimal, false},
			"assertions": {xsdString, false}, "status": {xsdString, false},
		},
		children: []xsdParticle{{"skipped", 0, 1}, {"error", 0, -1}, {"failure", 0, -1}, {"system-out", 0, -1}, {"system-err", 0, -1}},
	},
	"failure":    {attrs: map[string]xsdAttr{"message": {xsdString, false}, "type": {xsdString, false}}, text: true},
	"error":      {attrs: map[string]xsdAttr{"message": {xsdString, false}, "type": {xsdString, false}}, text: true},
	"skipped":    {attrs: map[string]xsdAttr{"message": {xsdString, false}}, text: true},
	"system-out": {text: true},
	"system-err": {text: true},
}

var (
	xsdDecimalRE  = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)
	xsdDateTimeRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`)
)

// validateJUnit checks that data is a well-formed XML 1.0 document (Go's
// decoder rejects characters outside XML's Char production) whose root is
// testsuites and whose every element follows junitSchema.
func validateJUnit(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	type frame struct {
		name     string
		children []string
	}
	var stack []frame
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			el, ok := junitSchema[name]
			if !ok {
				return fmt.Errorf("element <%s> is not in the schema", name)
			}
			if len(stack) == 0 {
				if root != "" {
					return errors.New("more than one root element")
				}
				root = name
			} else {
				stack[len(stack)-1].children = append(stack[len(stack)-1].children, name)
			}
			if err := checkAttrs(name, el, t.Attr); err != nil {
				return err
			}
			stack = append(stack, frame{name: name})
		case xml.EndElement:
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if err := checkSequence(top.name, junitSchema[top.name].children, top.children); err != nil {
				return err
			}
		case xml.CharData:
			if len(stack) > 0 && !junitSchema[stack[len(stack)-1].name].text && len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("<%s> holds text %q", stack[len(stack)-1].name, t)
			}
		}
	}
	if root != "testsuites" {
		return fmt.Errorf("root element is <%s>, want <testsuites>", root)
	}
	return nil
}

func checkAttrs(name string, el xsdElement, attrs []xml.Attr) error {
	seen := map[string]bool{}
	for _, a := range attrs {
		if a.Name.Space != "" {
			return fmt.Errorf("<%s> has a namespaced attribute %s:%s", name, a.Name.Space, a.Name.Local)
		}
		spec, ok := el.attrs[a.Name.Local]
		if !ok {
			return fmt.Errorf("<%s> has attribute %q, not in the schema", name, a.Name.Local)
		}
		seen[a.Name.Local] = true
		switch spec.typ {
		case xsdCount:
			if n, err := strconv.Atoi(a.Value); err != nil || n < 0 {
				return fmt.Errorf("<%s %s=%q>: want a count", name, a.Name.Local, a.Value)
			}
		case xsdDecimal:
			if !xsdDecimalRE.MatchString(a.Value) {
				return fmt.Errorf("<%s %s=%q>: want a decimal", name, a.Name.Local, a.Value)
			}
		case xsdDateTime:
			if !xsdDateTimeRE.MatchString(a.Value) {
				return fmt.Errorf("<%s %s=%q>: want an ISO 8601 date-time", name, a.Name.Local, a.Value)
			}
		}
	}
	for attr, spec := range el.attrs {
		if spec.required && !seen[attr] {
			return fmt.Errorf("<%s> lacks required attribute %q", name, attr)
		}
	}
	return nil
}

// checkSequence matches children against a sequence of particles, each
// taken greedily in order, as an XSD sequence of distinct names allows.
func checkSequence(name string, seq []xsdParticle, children []string) error {
	i := 0
	for _, p := range seq {
		n := 0
		for i < len(children) && children[i] == p.name && (p.max < 0 || n < p.max) {
			i++
			n++
		}
		if n < p.min {
			return fmt.Errorf("<%s> needs at least %d <%s>, has %d", name, p.min, p.name, n)
		}
	}
	if i < len(children) {
		return fmt.Errorf("<%s>: child <%s> out of order or too many (children %s)", name, children[i], strings.Join(children, ","))
	}
	return nil
}
