package mock

import (
	"time"
)

// expiresAtMessage is the 400's message for an expires_at that names no
// time. It names the field and the forms accepted, never the value sent,
// which may be anything a client put there.
const expiresAtMessage = "request body /expires_at: not an ISO 8601 date or date-time as a JavaScript Date reads it " +
	"(such as 2030-01-01T00:00:00.000Z, 2030-01-01T00:00:00+02:00, 2030-01-01T00:00:00.123456 or 2030-01-01)"

// expiryOf is when a token created at now with expires_at expiresAt
// expires: now plus defaultExpiry when absent, else the time expiresAt
// names (see parseExpiresAt), which must be after now and no later than
// year 9999, the last that Cloud's format (Date.toISOString) writes with
// four digits. The spec says only "string"; Cloud's handler makes a
// JavaScript Date of it, so the mock accepts what that Date accepts in
// ISO 8601 form. Messages name the field, never its value.
func expiryOf(expiresAt *string, now time.Time) (time.Time, string, bool) {
	if expiresAt == nil {
		return now.Add(defaultExpiry), "", true
	}
	t, ok := parseExpiresAt(*expiresAt)
	switch {
	case !ok:
		return time.Time{}, expiresAtMessage, false
	case !t.After(now):
		return time.Time{}, "request body /expires_at: must be in the future", false
	case t.Year() > 9999:
		return time.Time{}, "request body /expires_at: after year 9999", false
	}
	return t, "", true
}

// parseExpiresAt reads s as one of the ISO 8601 forms that ECMAScript's
// Date Time String Format defines, which is what a JavaScript Date parses
// the same way in every engine:
//
//	date      YYYY, YYYY-MM or YYYY-MM-DD; a year may also be +YYYYYY or
//	          -YYYYYY (-000000 is refused, as JavaScript refuses it)
//	date-time a date, then THH:mm, THH:mm:ss or THH:mm:ss.f with a fraction
//	          of any length (digits past the nanosecond are dropped), then
//	          optionally Z or an offset ±HH:mm
//
// and the variants RFC 3339 allows and JavaScript's Date reads as well: a
// lower-case t or z, a space instead of the T, and an offset ±HHmm
// without its colon (ISO 8601's basic form). A date alone is midnight
// UTC. A date-time without an offset is UTC too: JavaScript reads it in
// the server's local time zone, which is UTC on Cloud's servers. T24:00,
// with nothing but zeros after it, is midnight at the end of that day, as
// in JavaScript. Anything else is not a time, including what only V8's
// lenient fallback parser reads (a day the month lacks, such as
// 2030-02-30, which V8 rolls over into March; single-digit months;
// leading spaces; "Sat Dec 01 2029 …"), whose reading differs between
// JavaScript engines.
func parseExpiresAt(s string) (time.Time, bool) {
	c := isoCursor{s: s}
	year, ok := c.year()
	if !ok {
		return time.Time{}, false
	}
	month, day := 1, 1
	if c.eat('-') {
		if month, ok = c.number(2); !ok || month < 1 || month > 12 {
			return time.Time{}, false
		}
		if c.eat('-') {
			if day, ok = c.number(2); !ok || day < 1 || day > daysIn(year, time.Month(month)) {
				return time.Time{}, false
			}
		}
	}
	if c.done() {
		return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
	}
	if !c.eat('T') && !c.eat('t') && !c.eat(' ') {
		return time.Time{}, false
	}
	hour, ok1 := c.number(2)
	colon := c.eat(':')
	minute, ok2 := c.number(2)
	if !ok1 || !colon || !ok2 || hour > 24 || minute > 59 {
		return time.Time{}, false
	}
	second, nanos := 0, 0
	if c.eat(':') {
		if second, ok = c.number(2); !ok || second > 59 {
			return time.Time{}, false
		}
		if c.eat('.') {
			if nanos, ok = c.fraction(); !ok {
				return time.Time{}, false
			}
		}
	}
	if hour == 24 && (minute != 0 || second != 0 || nanos != 0) {
		return time.Time{}, false
	}
	zone := time.UTC
	switch {
	case c.done():
	case c.eat('Z') || c.eat('z'):
	case c.peek('+') || c.peek('-'):
		sign := 1
		if c.eat('-') {
			sign = -1
		} else {
			c.eat('+')
		}
		oh, ok1 := c.number(2)
		c.eat(':') // ±HH:mm, or ISO 8601's basic ±HHmm
		om, ok2 := c.number(2)
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		zone = time.FixedZone("", sign*(oh*3600+om*60))
	default:
		return time.Time{}, false
	}
	if !c.done() {
		return time.Time{}, false
	}
	// time.Date carries hour 24 over to the next day.
	return time.Date(year, time.Month(month), day, hour, minute, second, nanos, zone), true
}

// daysIn is the number of days of month in year.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// isoCursor reads an ISO 8601 string from left to right.
type isoCursor struct {
	s string
	i int
}

func (c *isoCursor) done() bool { return c.i == len(c.s) }

func (c *isoCursor) peek(b byte) bool { return c.i < len(c.s) && c.s[c.i] == b }

// eat moves past b if it comes next.
func (c *isoCursor) eat(b byte) bool {
	if c.peek(b) {
		c.i++
		return true
	}
	return false
}

// number reads exactly n decimal digits.
func (c *isoCursor) number(n int) (int, bool) {
	if len(c.s)-c.i < n {
		return 0, false
	}
	v := 0
	for _, b := range []byte(c.s[c.i : c.i+n]) {
		if b < '0' || b > '9' {
			return 0, false
		}
		v = v*10 + int(b-'0')
	}
	c.i += n
	return v, true
}

// year reads YYYY, or a sign and six digits.
func (c *isoCursor) year() (int, bool) {
	switch {
	case c.eat('+'):
		return c.number(6)
	case c.eat('-'):
		y, ok := c.number(6)
		return -y, ok && y != 0
	}
	return c.number(4)
}

// fraction reads one or more digits after a decimal point, as nanoseconds.
func (c *isoCursor) fraction() (int, bool) {
	start, nanos, scale := c.i, 0, 100_000_000
	for c.i < len(c.s) && c.s[c.i] >= '0' && c.s[c.i] <= '9' {
		nanos += int(c.s[c.i]-'0') * scale
		scale /= 10
		c.i++
	}
	return nanos, c.i > start
}
