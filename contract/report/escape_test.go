package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/letta-tokens/letta-tokens/contract"
)

// ghDecode is what the runner does to an escaped property or message.
var ghDecode = strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",").Replace

func TestGitHubEscaping(t *testing.T) {
	for _, tt := range []struct{ in, data, property string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"t::x", "t::x", "t%3A%3Ax"},
		{"a,b:c", "a,b:c", "a%2Cb%3Ac"},
		{"%0A", "%250A", "%250A"},
	} {
		if got := ghData(tt.in); got != tt.data {
			t.Errorf("ghData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := ghProperty(tt.in); got != tt.property {
			t.Errorf("ghProperty(%q) = %q, want %q", tt.in, got, tt.property)
		}
		if ghDecode(ghProperty(tt.in)) != tt.in || ghDecode(ghData(tt.in)) != tt.in {
			t.Errorf("%q does not survive escaping and the runner's decoding", tt.in)
		}
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for _, tt := range []struct{ in, text, code string }{
		{"plain words", "plain words", "`plain words`"},
		{"[a](b)", `\[a\](b)`, "`[a](b)`"},
		{"<img src=x>", `\<img src=x\>`, "`<img src=x>`"},
		// What reads well raw stays as it is: words, parentheses, quotes.
		{`field "x" (string); 3.5 - ok`, `field "x" (string); 3.5 - ok`, "`" + `field "x" (string); 3.5 - ok` + "`"},
		// What GitHub would link is broken up.
		{"see http://a.example/x or WWW.b.example, a@b.example", `see http\://a.example/x or WWW\.b.example, a\@b.example`, "`see http://a.example/x or WWW.b.example, a@b.example`"},
		{`*b* _i_ ~~s~~ a|b &amp; \`, `\*b\* \_i\_ \~\~s\~\~ a\|b \&amp; \\`, "`*b* _i_ ~~s~~ a|b &amp; \\`"},
		{"a`b", "a\\`b", "``a`b``"},
		{"`x`", "\\`x\\`", "`` `x` ``"},
		{"", "", "(none)"},
	} {
		if got := mdText(tt.in); got != tt.text {
			t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.text)
		}
		if got := mdCode(tt.in); got != tt.code {
			t.Errorf("mdCode(%q) = %q, want %q", tt.in, got, tt.code)
		}
	}
}

// TestJUnitIsValidXML: whatever a report's strings hold (C0 controls,
// U+FFFE, invalid UTF-8, markup), the JUnit document parses as XML.
func TestJUnitIsValidXML(t *testing.T) {
	const hostile = "a\x00b\x1bc\ufffe\uffff d\xff <x>&amp;]]> \U0001F642"
	r := &contract.Report{Target: hostile, AgentID: hostile, Notes: []string{hostile}, Unfinished: hostile, Findings: contract.Findings{
		{Check: contract.Check(hostile), Severity: contract.Breaking, Pointer: hostile, Message: hostile},
		{Check: contract.CheckSchema, Severity: contract.Additive, Message: hostile},
	}}
	var b bytes.Buffer
	if err := JUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	for dec := xml.NewDecoder(bytes.NewReader(b.Bytes())); ; {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not XML: %v\n%s", err, b.String())
		}
	}
}
