package contract

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/letta-tokens/letta-tokens/redact"
)

// Severity says whether a finding fails a contract check.
type Severity string

const (
	// Breaking findings mean a spec-conformant client can break: they fail.
	Breaking Severity = "breaking"
	// Additive findings are changes a tolerant client survives (a new field).
	// They are reported so the spec can catch up, and they pass.
	Additive Severity = "additive"
)

// Check names the rule a finding comes from.
type Check string

// The checks, one per rule. Schema-level checks come first, behavioural ones
// after.
const (
	CheckRequest         Check = "request"          // the request does not match the spec's parameters
	CheckAuth            Check = "auth"             // credentials missing or rejected (401/403)
	CheckStatus          Check = "status"           // a status code the spec does not document
	CheckContentType     Check = "content-type"     // a body that is not application/json
	CheckJSON            Check = "json"             // a body that does not parse as JSON
	CheckSchema          Check = "schema"           // a body that violates the spec's schema
	CheckUnknownField    Check = "unknown-field"    // a field the spec does not know (additive)
	CheckExpiresAt       Check = "expires-at"       // expiresAt is not an RFC 3339 timestamp
	CheckPageSize        Check = "page-size"        // a page holds more than limit tokens
	CheckAgentFilter     Check = "agent-filter"     // agentId returned tokens of other agents, or lost some
	CheckPagination      Check = "pagination"       // hasNextPage/offset walking is inconsistent
	CheckWalkConsistency Check = "walk-consistency" // walks at two page sizes disagree
	CheckRoundTrip       Check = "round-trip"       // a created token is listed otherwise than created, or listed after its delete
)

// Finding is one way in which an exchange departs from the contract.
type Finding struct {
	Check    Check
	Severity Severity
	// Pointer is an RFC 6901 JSON pointer into the response body ("" for the
	// whole body), or /query/NAME and /header/NAME for request parts.
	Pointer string
	// Message is one readable line. It never holds a secret.
	Message string
}

// String formats a finding as one report line. Findings are built safe;
// escaping again here is the last guard of a line a terminal will show.
func (f Finding) String() string {
	ptr := f.Pointer
	if ptr == "" {
		ptr = "/"
	}
	return fmt.Sprintf("%-8s %-16s %s: %s", f.Severity, f.Check,
		redact.Line(ptr, maxFindingText), redact.Line(f.Message, maxFindingText))
}

// Findings is the result of a check.
type Findings []Finding

// HasBreaking reports whether any finding is breaking.
func (fs Findings) HasBreaking() bool {
	for _, f := range fs {
		if f.Severity == Breaking {
			return true
		}
	}
	return false
}

// Breaking returns the breaking findings.
func (fs Findings) Breaking() Findings { return fs.bySeverity(Breaking) }

// Additive returns the additive findings.
func (fs Findings) Additive() Findings { return fs.bySeverity(Additive) }

func (fs Findings) bySeverity(s Severity) Findings {
	var out Findings
	for _, f := range fs {
		if f.Severity == s {
			out = append(out, f)
		}
	}
	return out
}

// Dedupe keeps the first finding of each kind, where findings that differ
// only in array indices are one kind: a new field on every token of a
// 100-page walk is one line of report, not ten thousand.
func (fs Findings) Dedupe() Findings {
	seen := make(map[string]bool, len(fs))
	var out Findings
	for _, f := range fs {
		key := f.kind()
		if !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	return out
}

// arrayIndex matches the index segments of a JSON pointer.
var arrayIndex = regexp.MustCompile(`/[0-9]+(/|$)`)

// kind is what Dedupe compares: the finding with its pointer's array
// indices elided.
func (f Finding) kind() string {
	shape := arrayIndex.ReplaceAllString(f.Pointer, "/*$1")
	shape = arrayIndex.ReplaceAllString(shape, "/*$1") // overlapping matches
	return string(f.Check) + "\x00" + string(f.Severity) + "\x00" + shape + "\x00" + f.Message
}

// String formats findings one per line.
func (fs Findings) String() string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// jsonPointer builds an RFC 6901 pointer from path segments.
func jsonPointer(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		s = strings.ReplaceAll(s, "~", "~0")
		b.WriteString(strings.ReplaceAll(s, "/", "~1"))
	}
	return b.String()
}
