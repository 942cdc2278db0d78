package mock

import (
	"regexp"
	"strconv"
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
// four digits. Messages name the field, never its value.
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
	m := isoTime.FindStringSubmatch(s)
	if m == nil || m[1] == "-000000" {
		return time.Time{}, false
	}
	num := func(i, absent int) int {
		if m[i] == "" {
			return absent
		}
		n, _ := strconv.Atoi(m[i]) // digits only, and few
		return n
	}
	year, month, day := num(1, 0), num(2, 1), num(3, 1)
	hour, minute, second := num(4, 0), num(5, 0), num(6, 0)
	nanos := 0
	if m[7] != "" {
		nanos, _ = strconv.Atoi((m[7] + "00000000")[:9])
	}
	oh, om := num(9, 0), num(10, 0)
	zone := time.UTC
	if m[8] != "" {
		offset := oh*3600 + om*60
		if m[8] == "-" {
			offset = -offset
		}
		zone = time.FixedZone("", offset)
	}
	lastDay := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() // of the month
	if month < 1 || month > 12 || day < 1 || day > lastDay || oh > 23 || om > 59 ||
		hour > 24 || minute > 59 || second > 59 || hour == 24 && (minute != 0 || second != 0 || nanos != 0) {
		return time.Time{}, false
	}
	// time.Date carries hour 24 over to the next day.
	return time.Date(year, time.Month(month), day, hour, minute, second, nanos, zone), true
}

// isoTime matches the forms parseExpiresAt reads. Submatches: 1 year, 2
// month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction, 8 the offset's
// sign, 9 and 10 its hours and minutes. RE2's \d is ASCII only.
var isoTime = regexp.MustCompile(`^([+-]\d{6}|\d{4})(?:-(\d\d)(?:-(\d\d))?)?` +
	`(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(?:[Zz]|([+-])(\d\d):?(\d\d))?)?$`)
