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
