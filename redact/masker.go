package redact

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode/utf8"
)

// MinWindow is the shortest run of a secret that a Masker masks on its
// own: any 12 characters in a row of the API key's secret part, or of a
// token value, are masked wherever they appear, whatever surrounds them. A
// shorter run would mask ordinary words; 12 characters of a random secret
// are still far too few to guess the rest from... and far too many to
// occur by chance.
const MinWindow = 12

// A text is probed for the secrets' grams of gramLen bytes only every
// probeStride bytes: every run of MinWindow characters holds a whole gram
// starting at a multiple of probeStride, so no run is missed, and a text
// without secrets costs one cheap probe per 9 bytes.
const (
	gramLen     = 4
	probeStride = MinWindow - gramLen + 1
)

// A Masker masks the secrets in play in a text: the API key, the token
// values a call or a row names, and anything shaped like a Letta token or
// key, in every form a server may send them back (see [Masker.Mask]). It
// is safe for concurrent use; With returns a new one.
type Masker struct {
	keys   []secret // the API key: masked by [Key], never shown
	values []secret // token values: masked by [Token]
	// grams indexes every gramLen-byte gram of the keys' secret parts (and
	// of the values', when there are many), for texts of any size; a few
	// values are probed directly, which costs nothing to set up.
	grams         map[uint64][]gramAt
	filter        *[filterWords]uint64
	valuesIndexed bool
	// allowTokens leaves token shapes (ck-let-…) as they are: for a stream
	// that prints revealed tokens on purpose. Keys, key shapes and values
	// are still masked.
	allowTokens bool
}

const filterWords = 1 << 16 / 64

type secret struct {
	whole string // as given
	part  string // what follows a ck-let-/sk-let- prefix, or whole
}

type gramAt struct{ sec, off int32 }

// NewMasker returns a Masker for the API key in use (empty when there is
// none) and the token values given.
func NewMasker(apiKey string, values ...string) *Masker {
	var keys []string
	if apiKey != "" {
		keys = []string{apiKey}
	}
	return newMasker(keys, values)
}

func newMasker(keys, values []string) *Masker {
	m := &Masker{keys: secretsOf(keys), values: secretsOf(values)}
	m.index()
	return m
}

// maxProbedValues: with more values than this, they are indexed like keys
// (a page of thousands of tokens), rather than probed one by one.
const maxProbedValues = 8

// index builds the gram index of the keys, and of the values when they
// are many. A gramAt's sec counts keys first, then values.
func (m *Masker) index() {
	m.grams, m.filter = nil, nil
	m.valuesIndexed = len(m.values) > maxProbedValues
	all := m.keys
	if m.valuesIndexed {
		all = append(slices.Clip(all), m.values...)
	}
	for i, k := range all {
		if len(k.part) < MinWindow {
			continue
		}
		if m.grams == nil {
			m.grams = map[uint64][]gramAt{}
			m.filter = new([filterWords]uint64)
		}
		for off := 0; off+gramLen <= len(k.part); off++ {
			g := gram(k.part[off:])
			m.grams[g] = append(m.grams[g], gramAt{int32(i), int32(off)})
			h := filterHash(g)
			m.filter[h/64] |= 1 << (h % 64)
		}
	}
}

// secretsOf keeps the values worth searching for: shorter ones would
// mask ordinary words (a four-character key is masked whole only).
func secretsOf(vs []string) []secret {
	out := make([]secret, 0, len(vs))
	var seen map[string]bool // for many values only: a row has one
	if len(vs) > maxProbedValues {
		seen = make(map[string]bool, len(vs))
	}
	for _, v := range vs {
		dup := seen[v]
		if seen == nil {
			dup = slices.ContainsFunc(out, func(s secret) bool { return s.whole == v })
		}
		if len(v) < minExtraLen || dup {
			continue
		}
		if seen != nil {
			seen[v] = true
		}
		out = append(out, secret{whole: v, part: secretPart(v)})
	}
	return out
}

// secretPart is v without a Letta prefix (ck-let-, sk-let-, in any case):
// the part that makes it secret, which a server may echo without the
// prefix or behind another.
func secretPart(v string) string {
	if len(v) > len("ck-let-") && v[1]|0x20 == 'k' && strings.EqualFold(v[2:len("ck-let-")], "-let-") {
		switch v[0] | 0x20 {
		case 'c', 's':
			return v[len("ck-let-"):]
		}
	}
	return v
}

// With returns a Masker that also masks the token values given: a call's
// or a row's own, in any field but the one that holds it.
func (m *Masker) With(values ...string) *Masker {
	m = orEmpty(m)
	if len(values) == 0 {
		return m
	}
	n := *m
	if len(m.values) == 0 {
		n.values = secretsOf(values)
	} else {
		n.values = secretsOf(append(valuesOf(m.values), values...))
	}
	if n.valuesIndexed || len(n.values) > maxProbedValues {
		n.index()
	}
	return &n
}

// orEmpty lets a nil *Masker work as one with no secret of its own: it
// masks shapes only.
func orEmpty(m *Masker) *Masker {
	if m == nil {
		return &Masker{}
	}
	return m
}

// WithKeys returns a Masker that also masks the values given as it masks
// the API key: a run of MinWindow characters of any of them is masked, and
// none is ever shown beyond [Key]'s prefix.
func (m *Masker) WithKeys(keys ...string) *Masker {
	m = orEmpty(m)
	n := newMasker(append(valuesOf(m.keys), keys...), valuesOf(m.values))
	n.allowTokens = m.allowTokens
	return n
}

// AllowTokens returns a Masker that leaves text shaped like a token
// (ck-let-…) as it is, for output that shows tokens on purpose (create's
// value, list --reveal): the API key in any form, anything shaped like a
// key, and the values given are still masked.
func (m *Masker) AllowTokens() *Masker {
	n := *orEmpty(m)
	n.allowTokens = true
	return &n
}

func valuesOf(ss []secret) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.whole
	}
	return out
}

// The kinds of a match, the stronger first when matches overlap.
const (
	kindShape = iota + 1
	kindValue
	kindKeyShape
	kindKey
)

type hit struct {
	start, end int // source span
	kind       int
	// text is the secret a key or value hit is of, or a shape's text:
	// what the replacement is made from, only when one is needed.
	text string
}

// Mask returns s with every secret masked:
//
//   - the API key, and any run of at least [MinWindow] characters of its
//     secret part (what follows sk-let-), with or without its prefix,
//     behind another prefix (ck-let-…) or inside any other text: [Key];
//   - the token values given, and any such run of theirs: [Token];
//   - anything shaped like a token (ck-let-…) or a key (sk-let-…), up to
//     the next space, quote or bracket, whatever bytes (control characters
//     included) follow the prefix: [Token] or [Key];
//
// each plain, or spelled with escapes a server or an encoder may use, mixed
// in one string: JSON's and Go's (\u0073, \x73, \", \/), %73 or %6B in any
// case, and a JSON pointer's ~0 and ~1, the prefix included. The whole
// escaped span is masked. Mask is idempotent, and takes time linear in s.
func (m *Masker) Mask(s string) string {
	hits := m.find(s, false)
	if len(hits) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, h := range hits {
		b.WriteString(s[last:h.start])
		b.WriteString(h.repl())
		last = h.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// Holds reports whether s holds anything Mask masks.
func (m *Masker) Holds(s string) bool { return len(m.find(s, false)) > 0 }

// HoldsKey reports whether s holds the API key, a run of its secret part,
// or anything shaped like a key (sk-let-…), in any form Mask knows: what
// must never be printed, even where a token may be.
func (m *Masker) HoldsKey(s string) bool {
	return len(m.find(s, true)) > 0
}

// Safe is Mask, then [Line], then Mask again: the text with every secret
// masked, each control character escaped, workflow commands defused, cut
// to limit bytes (limit < 1: no cap). Masking first means a cut never
// leaves part of a secret too short to be recognised; masking again is for
// what escaping spells ("ck-let-" then a control character reads
// "ck-let-\x1c…" once escaped). A masked value ("ck-let-a…9f3c", 15
// bytes) can be longer than the 12-character run it replaces; when that
// takes the text over the cap, it is cut and masked once more.
func (m *Masker) Safe(s string, limit int) string {
	out := m.Mask(Line(m.Mask(s), limit))
	if limit > 0 && len(out) > max(limit, len("…")) {
		// A masked form can be longer than a short secret it replaces.
		out = m.Mask(Line(out, limit))
	}
	return out
}

// find lists the spans of s to mask, sorted and merged: where a key, a
// value or a shape overlaps another, the stronger kind decides the
// replacement.
func (m *Masker) find(s string, keysOnly bool) []hit {
	m = orEmpty(m)
	var hits []hit
	v := &view{s: s}
	for pass := 0; v != nil; pass++ {
		hits = m.search(v, hits, keysOnly)
		if pass == maxDecodePasses || !mayEscape(v.s) {
			break
		}
		v = v.decode()
	}
	if len(hits) == 0 {
		return nil
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.start - b.start })
	out := hits[:1]
	for _, h := range hits[1:] {
		last := &out[len(out)-1]
		if h.start >= last.end {
			out = append(out, h)
			continue
		}
		last.end = max(last.end, h.end)
		if h.kind > last.kind {
			last.kind, last.text = h.kind, h.text
		}
	}
	return out
}

// search appends the secrets found in one view of a text.
// keysOnly: only the keys and key shapes, for HoldsKey.
func (m *Masker) search(v *view, hits []hit, keysOnly bool) []hit {
	s := v.s
	add := func(i, j, kind int, text string) {
		a, b := v.span(i, j)
		hits = append(hits, hit{a, b, kind, text})
	}
	// Runs of the keys' secret parts: probe one gram every probeStride bytes.
	if m.grams != nil {
		prevA, prevB := -1, -1
		for i := 0; i+gramLen <= len(s); i += probeStride {
			g := gram(s[i:])
			h := filterHash(g)
			if m.filter[h/64]&(1<<(h%64)) == 0 {
				continue
			}
			for _, at := range m.grams[g] {
				k, kind := m.secretAt(int(at.sec))
				if keysOnly && kind != kindKey {
					continue
				}
				a, b := extend(s, i, k.part, int(at.off))
				if b-a >= MinWindow && (a != prevA || b != prevB) {
					add(withPrefix(s, a), b, kind, k.whole)
					prevA, prevB = a, b
				}
			}
		}
	}
	for _, k := range m.keys {
		if len(k.part) < MinWindow {
			searchWhole(s, k.whole, kindKey, add)
		}
	}
	for _, val := range m.values {
		if keysOnly {
			break
		}
		if m.valuesIndexed && len(val.part) >= MinWindow {
			continue // found through the index above
		}
		if len(val.part) < MinWindow {
			searchWhole(s, val.whole, kindValue, add)
			continue
		}
		// Values are few and short: find each probe in the value itself.
		prevA, prevB := -1, -1
		for i := 0; i+gramLen <= len(s); i += probeStride {
			probe := s[i : i+gramLen]
			for from := 0; ; {
				o := strings.Index(val.part[from:], probe)
				if o < 0 {
					break
				}
				o += from
				a, b := extend(s, i, val.part, o)
				if b-a >= MinWindow && (a != prevA || b != prevB) {
					add(withPrefix(s, a), b, kindValue, val.whole)
					prevA, prevB = a, b
				}
				from = o + 1
			}
		}
	}
	// Shapes: ck-let-… and sk-let-…, whatever follows the prefix.
	for from := 0; ; {
		i := strings.Index(s[from:], "k-let-")
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		if i == 0 || (s[i-1]|0x20 != 'c' && s[i-1]|0x20 != 's') {
			continue
		}
		start := i - 1
		end, masked := shapeEnd(s, start+len("ck-let-"))
		if masked || end-start <= prefixLen {
			from = end
			continue
		}
		shape := s[start:end]
		if s[start]|0x20 == 's' {
			add(start, end, kindKeyShape, shape)
		} else if !m.allowTokens && !keysOnly {
			add(start, end, kindShape, shape)
		}
		from = end
	}
	return hits
}

// secretAt is the secret numbered i in the index, and its kind.
func (m *Masker) secretAt(i int) (secret, int) {
	if i < len(m.keys) {
		return m.keys[i], kindKey
	}
	return m.values[i-len(m.keys)], kindValue
}

// repl is what replaces the hit: a key's display form for the key and
// for anything shaped like one, a token's for the rest.
func (h hit) repl() string {
	if h.kind == kindKey || h.kind == kindKeyShape {
		return Key(h.text)
	}
	return Token(h.text)
}

func searchWhole(s, whole string, kind int, add func(i, j, kind int, text string)) {
	for from := 0; ; {
		i := strings.Index(s[from:], whole)
		if i < 0 {
			return
		}
		i += from
		add(i, i+len(whole), kind, whole)
		from = i + len(whole)
	}
}

// extend grows the match of text[i:i+gramLen] with part[off:off+gramLen]
// both ways, as far as text and part agree, and returns its span in text.
func extend(text string, i int, part string, off int) (int, int) {
	if text[i:i+gramLen] != part[off:off+gramLen] {
		return i, i // a filter or hash collision
	}
	a, o := i, off
	for a > 0 && o > 0 && text[a-1] == part[o-1] {
		a--
		o--
	}
	b, p := i+gramLen, off+gramLen
	for b < len(text) && p < len(part) && text[b] == part[p] {
		b++
		p++
	}
	return a, b
}

// withPrefix moves a, the start of a run of a secret in text, back over a
// Letta prefix right before it: left alone, the prefix would read as a
// shape of its own next to the masked form. The prefix does not count
// towards the run's MinWindow.
func withPrefix(text string, a int) int {
	run := a
	// What starts an escape may stand between them, its escape decoded
	// into the run itself ("sk-let-\"…" where the key's part starts with
	// a quote).
	for k := 0; k < 2 && a > 0 && (text[a-1] == '\\' || text[a-1] == '%'); k++ {
		a--
	}
	if a < len("ck-let-") || !hasPrefixBefore(text, a) {
		return run
	}
	return a - len("ck-let-")
}

// hasPrefixBefore reports whether a Letta prefix (ck-let-, sk-let-) ends at
// a in text.
func hasPrefixBefore(text string, a int) bool {
	if a >= len("ck-let-") && strings.EqualFold(text[a-len("-let-"):a], "-let-") {
		switch text[a-len("ck-let-")] | 0x20 {
		case 'c', 's':
			return text[a-len("k-let-")]|0x20 == 'k'
		}
	}
	return false
}

// shapeEnd returns where the tail of a token or key shape that starts at
// i ends: at the next white space, quote or bracket. Anything else is part
// of it, control characters and odd bytes included, so that a server
// cannot cut a token out of its shape with a byte no token has. masked
// reports a masked form (one character or none, "…", at most four more),
// which is left as it is so that masking stays idempotent.
func shapeEnd(s string, i int) (end int, masked bool) {
	j := i
	if j < len(s) && !strings.HasPrefix(s[j:], "…") && !isShapeEnd(s[j]) {
		_, n := utf8.DecodeRuneInString(s[j:])
		j += n
	}
	if strings.HasPrefix(s[j:], "…") {
		j += len("…")
		for k := 0; k < suffixLen && j < len(s) && !isShapeEnd(s[j]); k++ {
			j++
		}
		return j, true
	}
	for j < len(s) && !isShapeEnd(s[j]) {
		j++
	}
	return j, false
}

func isShapeEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f', '"', '\'', '`', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>', '|', '&', '?', '#':
		return true
	}
	return false
}

func gram(s string) uint64 {
	return uint64(binary.LittleEndian.Uint32([]byte(s[:gramLen])))
}

func filterHash(g uint64) uint64 { return (g * 0x9E3779B97F4A7C15) >> 48 }
