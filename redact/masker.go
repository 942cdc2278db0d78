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
	keys []secret // the API key: masked by [Key], never shown
	// forms are the keys' encoded forms (see encodedForms), each a secret
	// whose whole is its key: masked by [Key], found through the index.
	forms  []secret
	values []secret // token values: masked by [Token]
	// grams indexes every gramLen-byte gram of the keys' secret parts (and
	// of the values', when there are many) by its coarse form, for texts of
	// any size; a few values are probed directly, which costs nothing to
	// set up.
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
	// low is part lower-cased: what the index and the probes match, in
	// a lower-cased text. short is what is searched for whole when part is
	// too short for runs of MinWindow, lower-cased: a key's part (a run of
	// it, behind any prefix, is the key), else the whole value.
	low, short string
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
	countBuild(keys)
	m := &Masker{keys: secretsOf(keys, true), values: secretsOf(values, false)}
	for _, k := range m.keys {
		for _, f := range encodedForms(k.whole) {
			m.forms = append(m.forms, secret{whole: k.whole, part: f, low: f, short: f})
		}
	}
	m.index()
	return m
}

// maxProbedValues: with more values than this, they are indexed like keys
// (a page of thousands of tokens), rather than probed one by one.
const maxProbedValues = 8

// index builds the gram index of the keys and their forms, and of the
// values when they are many. A gramAt's sec counts keys first, then forms,
// then values.
func (m *Masker) index() {
	m.grams, m.filter = nil, nil
	m.valuesIndexed = len(m.values) > maxProbedValues
	all := append(slices.Clip(m.keys), m.forms...)
	if m.valuesIndexed {
		all = append(all, m.values...)
	}
	for i, k := range all {
		if len(k.part) < MinWindow {
			continue
		}
		if m.grams == nil {
			m.grams = map[uint64][]gramAt{}
			m.filter = new([filterWords]uint64)
		}
		for off := 0; off+gramLen <= len(k.low); off++ {
			g := coarse(gram(k.low[off:]))
			m.grams[g] = append(m.grams[g], gramAt{int32(i), int32(off)})
			h := filterHash(g)
			m.filter[h/64] |= 1 << (h % 64)
		}
	}
}

// secretsOf keeps the values worth searching for: shorter ones would
// mask ordinary words (a four-character key is masked whole only).
func secretsOf(vs []string, keys bool) []secret {
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
		part := secretPart(v)
		sec := secret{whole: v, part: part, low: lowerASCII(part), short: lowerASCII(v)}
		if keys && len(part) >= minExtraLen {
			sec.short = sec.low
		}
		out = append(out, sec)
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
		n.values = secretsOf(values, false) // a row's masker: no copy of values
	} else {
		n.values = secretsOf(append(valuesOf(m.values), values...), false)
	}
	if len(n.values) > maxProbedValues {
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
//   - any such run of the key encoded, as a server or a proxy may show it:
//     base64 with either alphabet (standard or URL-safe), padded or not,
//     starting at any of the three byte alignments and cut at either end,
//     of the key, its secret part or "Bearer " and the key; and hex in
//     either case: [Key];
//   - the token values given, and any such run of theirs: [Token];
//   - anything shaped like a token (ck-let-…) or a key (sk-let-…), up to
//     the next space, quote or bracket, whatever bytes (control characters
//     included) follow the prefix: [Token] or [Key];
//
// each plain, or spelled with escapes a server or an encoder may use, mixed
// in one string: JSON's and Go's (\u0073, \x73, \", \/), %73 or %6B in any
// case, and a JSON pointer's ~0 and ~1, the prefix included. The whole
// escaped span is masked. ASCII letters match in any case (SK-LET-…, a run
// of the key upper-cased): a server that changes a secret's case has still
// shown it. A key whose secret part is shorter than MinWindow is searched
// for by that part whole, a shorter value whole. Mask is idempotent, and
// takes time linear in s.
func (m *Masker) Mask(s string) string {
	hits := m.find(s, false)
	if len(hits) == 0 {
		return s
	}
	return replaceHits(s, hits, len(s))
}

// replaceHits is s[:end] with the hits that start before end replaced.
func replaceHits(s string, hits []hit, end int) string {
	var b strings.Builder
	b.Grow(end)
	last := 0
	for _, h := range hits {
		if h.start >= end {
			break
		}
		b.WriteString(s[last:h.start])
		b.WriteString(h.repl())
		last = h.end
	}
	b.WriteString(s[last:end])
	return b.String()
}

// Holds reports whether s holds anything Mask masks.
func (m *Masker) Holds(s string) bool { return len(m.find(s, false)) > 0 }

// HoldsKey reports whether s holds the API key, a run of its secret part,
// or anything shaped like a key (sk-let-…, even right behind a token's
// prefix), in any form and case Mask knows: what must never be printed,
// even where a token may be, nor sent in a URL.
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

// search appends the secrets found in one view of a text, in any case:
// the secrets are held lower-cased, and the text is folded as it is read
// (a gram, a byte, a candidate at a time), never copied, so that a server
// cannot slip a key past by changing the case of its letters (SK-LET-…, a
// run of the key upper-cased), and a megabyte costs no more than before.
// keysOnly: only the keys and key shapes, for HoldsKey.
func (m *Masker) search(v *view, hits []hit, keysOnly bool) []hit {
	s := v.s
	add := func(i, j, kind int, text string) {
		a, b := v.span(i, j)
		hits = append(hits, hit{a, b, kind, text})
	}
	// addRun adds a run of a secret found by extend, once however many
	// probes find it.
	var prevA, prevB int // no span: a run is MinWindow bytes at least
	addRun := func(a, b, kind int, text string) {
		if b-a >= MinWindow && (a != prevA || b != prevB) {
			add(withPrefix(s, a), b, kind, text)
			prevA, prevB = a, b
		}
	}
	// Runs of the keys' secret parts: probe one gram every probeStride bytes.
	if m.grams != nil {
		for i := 0; i+gramLen <= len(s); i += probeStride {
			g := coarse(gram(s[i:]))
			h := filterHash(g)
			if m.filter[h/64]&(1<<(h%64)) == 0 {
				continue
			}
			for _, at := range m.grams[g] {
				k, kind := m.secretAt(int(at.sec))
				if keysOnly && kind != kindKey {
					continue
				}
				a, b := extend(s, i, k.low, int(at.off))
				addRun(a, b, kind, k.whole)
			}
		}
	}
	for _, k := range m.keys {
		if len(k.part) < MinWindow {
			searchWhole(s, k, kindKey, add)
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
			searchWhole(s, val, kindValue, add)
			continue
		}
		// Values are few and short: find each probe in the value itself.
		prevA, prevB = 0, 0
		var probe [8]byte
		for i := 0; i+gramLen <= len(s); i += probeStride {
			binary.LittleEndian.PutUint64(probe[:], foldGram(gram(s[i:])))
			for from := 0; ; {
				o := strings.Index(val.low[from:], string(probe[:gramLen]))
				if o < 0 {
					break
				}
				o += from
				a, b := extend(s, i, val.low, o)
				addRun(a, b, kindValue, val.whole)
				from = o + 1
			}
		}
	}
	// Shapes: ck-let-… and sk-let-…, whatever follows the prefix. A key's
	// shape inside a token's (ck-let-0000sk-let-…) is a key's: each kind
	// has its own cursor, so that each byte is scanned once per kind.
	tokenEnd, keyEnd := 0, 0
	shapes := foldFinder{s: s, needle: "k-let-"}
	for from := 0; ; {
		i := shapes.next(from)
		if i < 0 {
			break
		}
		from = i + 1
		start := i - 1
		if start < 0 || (s[start]|0x20 != 'c' && s[start]|0x20 != 's') {
			continue
		}
		isKey := s[start]|0x20 == 's'
		if isKey && start < keyEnd || !isKey && start < max(tokenEnd, keyEnd) {
			continue // inside a shape of its kind already found
		}
		end, masked := shapeEnd(s, start+len("ck-let-"))
		if isKey {
			keyEnd = end
		} else {
			tokenEnd = end
		}
		if masked || end-start <= prefixLen {
			continue
		}
		if isKey {
			add(start, end, kindKeyShape, s[start:end])
		} else if !m.allowTokens && !keysOnly {
			add(start, end, kindShape, s[start:end])
		}
	}
	return hits
}

// A foldFinder finds a lower-case needle in s, whatever the case of s's
// letters, left to right. It keeps where the needle's first byte next
// occurs in each case, so that each byte of s is scanned at most once per
// case however many times next is called: a search stays linear in s
// (each candidate costs len(needle), a constant).
type foldFinder struct {
	s, needle string
	at        [2]int // next occurrence of the first byte, lower then upper case; -1 unknown
	known     bool
}

// next is the first index at or after from where the needle starts, or
// -1. Calls must not go back (from at least the last call's).
func (f *foldFinder) next(from int) int {
	first := [2]byte{f.needle[0], f.needle[0]}
	if 'a' <= first[0] && first[0] <= 'z' {
		first[1] -= 'a' - 'A'
	}
	if !f.known {
		f.at, f.known = [2]int{-1, -1}, true
	}
	for {
		for k := range 2 {
			if f.at[k] < from && f.at[k] != len(f.s) {
				if j := strings.IndexByte(f.s[from:], first[k]); j >= 0 {
					f.at[k] = from + j
				} else {
					f.at[k] = len(f.s)
				}
			}
		}
		i := min(f.at[0], f.at[1])
		if i+len(f.needle) > len(f.s) {
			return -1
		}
		if equalFold(f.s[i:i+len(f.needle)], f.needle) {
			return i
		}
		from = i + 1
	}
}

// equalFold reports whether s, in any case, is low, lower-case: ASCII
// letters only fold.
func equalFold(s, low string) bool {
	for i := range len(low) {
		if lowerByte(s[i]) != low[i] {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// lowerASCII is s with its ASCII capitals lower-cased, byte for byte, so
// that an offset in it is the same offset in s (strings.ToLower maps other
// letters too, to other lengths). For secrets, which are short.
func lowerASCII(s string) string {
	// Most secrets are built once per row (Masker.With): a value with no
	// capital is returned as it is, and one with capitals costs one
	// allocation.
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		b.WriteByte(lowerByte(s[i]))
	}
	return b.String()
}

// coarse is what the index of grams is keyed by: each byte with its 0x20
// bit set. That lower-cases every ASCII capital in one instruction; it
// also merges a few other pairs of bytes ('@' and '`', '_' and DEL), which
// only adds candidates that extend then refuses: the index is probed at
// every sixth byte of a text, and must cost next to nothing there.
func coarse(g uint64) uint64 { return g | 0x202020202020 }

// foldGram lower-cases the ASCII capitals of a gram, eight bytes at once:
// capital's bytes have their high bit set where g's are 'A'–'Z' (no carry
// crosses a byte: each sum stays below 0x100), and that bit shifted to
// 0x20 makes the letter lower-case.
func foldGram(g uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	low7 := g &^ high
	capital := (low7 + (0x80-'A')*ones) &^ (low7 + (0x80-'Z'-1)*ones) &^ g & high
	return g | capital>>2
}

// secretAt is the secret numbered i in the index, and its kind.
func (m *Masker) secretAt(i int) (secret, int) {
	switch {
	case i < len(m.keys):
		return m.keys[i], kindKey
	case i < len(m.keys)+len(m.forms):
		return m.forms[i-len(m.keys)], kindKey
	}
	return m.values[i-len(m.keys)-len(m.forms)], kindValue
}

// repl is what replaces the hit: a key's display form for the key and
// for anything shaped like one, a token's for the rest.
func (h hit) repl() string {
	if h.kind == kindKey || h.kind == kindKeyShape {
		return Key(h.text)
	}
	return Token(h.text)
}

// searchWhole adds each place sec.short is found in s, in any case, with
// a Letta prefix right before it.
func searchWhole(s string, sec secret, kind int, add func(i, j, kind int, text string)) {
	f := foldFinder{s: s, needle: sec.short}
	for from := 0; ; {
		i := f.next(from)
		if i < 0 {
			return
		}
		add(withPrefix(s, i), i+len(sec.short), kind, sec.whole)
		from = i + len(sec.short)
	}
}

// extend grows the match of text[i:i+gramLen] with part[off:off+gramLen]
// both ways, as far as text, in any case, and part (lower-case) agree, and
// returns its span in text.
func extend(text string, i int, part string, off int) (int, int) {
	if !equalFold(text[i:i+gramLen], part[off:off+gramLen]) {
		return i, i // a filter or hash collision
	}
	a, o := i, off
	for a > 0 && o > 0 && lowerByte(text[a-1]) == part[o-1] {
		a--
		o--
	}
	b, p := i+gramLen, off+gramLen
	for b < len(text) && p < len(part) && lowerByte(text[b]) == part[p] {
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
// reports a masked form (one character or none, then "…"), which is left
// as it is so that masking stays idempotent; its end is where its "…"
// starts (no shape starts inside that), and what follows (a token's last
// four characters, or a shape of its own, as in "sk-let-Q…sk-let-…") is
// searched like any text.
func shapeEnd(s string, i int) (end int, masked bool) {
	j := i
	if j < len(s) && !strings.HasPrefix(s[j:], "…") && !isShapeEnd(s[j]) {
		_, n := utf8.DecodeRuneInString(s[j:])
		j += n
	}
	if strings.HasPrefix(s[j:], "…") {
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
