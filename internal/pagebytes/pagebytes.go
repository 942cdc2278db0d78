// Package pagebytes estimates the memory a decoded page of tokens holds,
// for the byte budget of walks (internal/prefetch's Options.Size): the
// root package's pager and the contract package's walks both charge their
// pages with it.
package pagebytes

import (
	"unsafe"

	"github.com/letta-tokens/letta-tokens/gen"
)

// Per-value sizes of the decoded page's fixed parts: a token's struct in
// the page's slice, each policy entry's, each access string's header.
const (
	tokenBytes  = int64(unsafe.Sizeof(gen.Token{}))
	policyBytes = int64(unsafe.Sizeof(gen.AgentPolicy{}))
	accessBytes = int64(unsafe.Sizeof(gen.AgentAccess("")))
)

// Of is about the bytes p holds once decoded: every struct and string
// header, and every string's bytes. It is an estimate, not an allocator's
// account (size classes round each allocation up a little), and close
// enough to budget pages against each other; a page decoded from n bytes
// of JSON holds between n and 1.5 n. A nil page holds nothing.
func Of(p *gen.TokenPage) int64 {
	if p == nil {
		return 0
	}
	n := int64(unsafe.Sizeof(*p)) + int64(cap(p.Tokens))*tokenBytes
	for i := range p.Tokens {
		t := &p.Tokens[i]
		n += int64(len(t.Token) + len(t.Hostname) + len(t.ExpiresAt) + len(t.Policy.Version))
		n += int64(cap(t.Policy.Data)) * policyBytes
		for _, d := range t.Policy.Data {
			n += int64(len(d.Id)+len(d.Type)) + int64(cap(d.Access))*accessBytes
			for _, a := range d.Access {
				n += int64(len(a))
			}
		}
	}
	return n
}
