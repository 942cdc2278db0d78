package redact

import (
	"strings"
	"testing"
)

// Markdown escapes every ASCII punctuation character with a backslash; a
// key holding some (a self-hosted password) is split by them into runs
// shorter than the masker's window unless the view reads through them.
func TestMaskReadsThroughMarkdownEscapes(t *testing.T) {
	const key = "my_pass*word~for@the.letta_server"
	escaped := "note my\\_pass\\*word\\~for\\@the.letta\\_server, done"
	got := NewMasker(key).Mask(escaped)
	if want := NewMasker(key).Mask("note " + key + ", done"); got != want {
		t.Fatalf("Mask(%q) = %q, want %q as for the key unescaped", escaped, got, want)
	}
	// A backslash before a letter is no Markdown escape: \q stays two bytes.
	if plain := `a\q b\_c`; NewMasker(key).Mask(plain) != plain {
		t.Fatalf("Mask changed %q, which holds no secret", plain)
	}
}

// XML (a JUnit report) writes & < > " ' as references, and a server may
// spell any character as &#NNN; or &#xHH;: a key is found through them.
func TestMaskReadsThroughXMLReferences(t *testing.T) {
	const key = `pass&word<with>"quotes"'and'more`
	want := NewMasker(key).Mask("[" + key + "]")
	for _, escaped := range []string{
		`[pass&amp;word&lt;with&gt;&quot;quotes&quot;&apos;and&apos;more]`,
		`[pass&amp;word&lt;with&gt;&#34;quotes&#34;&#39;and&#39;more]`,
		`[&#112;&#x61;&#X73;s&amp;word&lt;with&gt;"quotes"'and'more]`,
	} {
		if got := NewMasker(key).Mask(escaped); got != want {
			t.Errorf("Mask(%q) = %q, want %q as for the key unescaped", escaped, got, want)
		}
	}
	// Not references: left as they are.
	for _, plain := range []string{"a & b", "&#;", "&#x;", "&#12", "&#99999999;", "&#x110000;", "&nbsp;", "&am"} {
		if got := NewMasker(key).Mask(plain); got != plain {
			t.Errorf("Mask(%q) = %q, which holds no secret", plain, got)
		}
	}
	// A key shape spelled in decimal references is still a key shape.
	if got := NewMasker("").Mask("&#115;&#107;-let-0123456789abcdef0123"); strings.Contains(got, "0123456789") {
		t.Errorf("a key shape behind &#115;&#107; survived: %q", got)
	}
}

// The edges of one reference or escape, decoded exactly or not at all.
func TestMarkupEscapeEdges(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"&#9;", 4, "\t"}, // the shortest numeric reference
		{"&#x9;", 5, "\t"},
		{"&#0000115;", 10, "s"},  // 7 digits: the most read
		{"&#00000115;", 0, ""},   // 8: not a reference
		{"&#x000006B;", 11, "k"}, // hex digits above 9, 7 of them
		{"&#X6b;", 6, "k"},
		{"&#107;", 6, "k"},    // decimal, not read as hex
		{"&#1F;", 0, ""},      // a hex digit in a decimal reference
		{"&#x110000;", 0, ""}, // past Unicode
		{"&#115", 0, ""},      // no ';'
		{"&#;", 0, ""},
		{"&quot;", 6, `"`},
		{"&apos", 0, ""},
	} {
		n, b := entity(c.in, nil)
		if n != c.n || string(b) != c.want {
			t.Errorf("entity(%q) = %d, %q; want %d, %q", c.in, n, b, c.n, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{`\!`, 2, "!"}, // the first ASCII punctuation
		{`\~`, 2, "~"}, // the last
		{`\_`, 2, "_"},
		{`\ `, 0, ""}, // a space is no punctuation
		{`\q`, 0, ""},
		{`\`, 0, ""},
	} {
		n, b := backslash(c.in, nil)
		if n != c.n || string(b) != c.want {
			t.Errorf("backslash(%q) = %d, %q; want %d, %q", c.in, n, b, c.n, c.want)
		}
	}
}
