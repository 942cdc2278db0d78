package redact

import (
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
)

// A server, a proxy or a log may show the key encoded rather than escaped:
// an Authorization header base64-encoded in a dump ("Bearer sk-let-…"
// included), the key as a base64url or hex id ("agent-<base64url(key)>",
// "ck-let-<hex(key)>"). No decoding view finds those, so the encodings are
// searched for as the key itself is: every run of MinWindow characters of
// them, in any case (hex comes in both).
//
// Base64 spells three bytes with four characters, so how the key reads
// depends on where it starts in the encoded bytes (0, 1 or 2 bytes into a
// group of three) and on what the bytes around it are. The characters
// made of the key's bits alone are the same whatever surrounds it; a
// character at either end that holds bits of the key and of a neighbour
// byte can be any of 4 or 16, each of which is searched for with the 11
// characters next to it. Without a neighbour (the key ends the encoding)
// the last character has zero bits, then the padding ("=" or "=="),
// which the forms hold too.

// bearer is what a request's Authorization holds before the key.
const bearer = "Bearer "

// The base64 alphabets: standard (RFC 4648 §4), and URL and file name safe
// (§5).
const (
	stdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	urlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

// encodedForms returns the texts to search for, as a key's, for every
// encoded form of key: base64 with either alphabet, padded or not, at each
// alignment, of the key, of its secret part, and of "Bearer " and the key;
// and hex. A run of a form holds 8 bits of the secret part at least: a run
// of little but what every key starts with ("Bearer sk-let-") would match
// other keys' encodings. A key whose secret part is shorter than MinWindow
// has none: its encodings would be too short to tell from ordinary text.
func encodedForms(key string) []string {
	part := secretPart(key)
	if len(part) < MinWindow {
		return nil
	}
	prefix := key[:len(key)-len(part)]
	var forms []string
	add := func(f string) {
		// Each run is indexed once: a form inside another adds nothing.
		f = lowerASCII(f)
		if len(f) >= MinWindow && !slices.ContainsFunc(forms, func(g string) bool { return strings.Contains(g, f) }) {
			forms = append(forms, f)
		}
	}
	// Hex: every run of the key's hex, with or without "Bearer ", is a run
	// of the longest stream's.
	stream := bearer + prefix + part
	h := hex.EncodeToString([]byte(stream))
	add(h[max(0, 2*(len(stream)-len(part))+2-MinWindow):])
	// The longer streams first: the secret part's runs are most often
	// inside the key's.
	pubs := []string{bearer + prefix, prefix}
	if prefix != "" {
		pubs = append(pubs, "")
	}
	for _, pub := range pubs {
		for _, alphabet := range []string{stdAlphabet, urlAlphabet} {
			for align := range 3 {
				base64Forms(alphabet, align, pub, part, add)
			}
		}
	}
	return forms
}

// base64Forms adds, through add, the base64 forms of pub+part when it
// starts align bytes into a group of three: the characters of its bits
// alone (from the first run that holds 8 bits of part), and at each end
// where a character also holds bits of a neighbour byte, one form for each
// such character with the MinWindow-1 characters next to it.
func base64Forms(alphabet string, align int, pub, part string, add func(string)) {
	stream := make([]byte, align, align+len(pub)+len(part))
	stream = append(append(stream, pub...), part...)
	// Padded: the form with no neighbour after.
	s := base64.NewEncoding(alphabet).EncodeToString(stream)
	// The character holding the stream's first bit, and the first made of
	// its bits alone.
	first := align * 8 / 6
	whole := (align*8 + 5) / 6
	// The first run to hold 8 bits of part starts here.
	minStart := ((align+len(pub))*8+8+5)/6 - MinWindow
	from := max(whole, minStart)
	end := (8*len(stream) + 5) / 6 // the characters with bits, padding after
	add(s[from:])
	if first < whole && first >= minStart {
		// A neighbour byte before: its low bits, then the stream's first.
		unknown := align * 8 % 6 // the neighbour's bits in the character
		known := int(stream[align]) >> (2 + unknown)
		for n := range 1 << unknown {
			add(string(alphabet[n<<(6-unknown)|known]) + s[whole:whole+MinWindow-1])
		}
	}
	if bits := 8 * len(stream) % 6; bits != 0 {
		// A neighbour byte after: the stream's last bits, then its first.
		last := end - 1
		known := int(stream[len(stream)-1]) & (1<<bits - 1)
		for n := range 1 << (6 - bits) {
			add(s[max(from, last-(MinWindow-1)):last] + string(alphabet[known<<(6-bits)|n]))
		}
	}
}
