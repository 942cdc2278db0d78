package redact

import "testing"

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
