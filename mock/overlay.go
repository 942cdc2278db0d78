package mock

import (
	"slices"

	"github.com/letta-tokens/letta-tokens/gen"
)

// overlay is what creates and deletes have changed in an account, over
// its fixed base list. An overlay is never modified once published: each
// change builds a new one, sharing what did not change, so a request reads
// the one it loaded without locks and sees one consistent account however
// long its page takes to stream.
type overlay struct {
	// created are the live created tokens, oldest first. A create appends
	// (the backing array past len is no older overlay's); a delete copies
	// the pointers, O(created), 8 MB at MaxCreatedTokens.
	created []*createdToken
	// skipped maps a view of the base ("" for all tokens, an agent ID for
	// that agent's filter) to the ranks in it of the deleted base tokens,
	// ascending. A delete copies the slices it changes, never changes
	// them: O(deleted) per delete.
	skipped map[string][]int
	// createdBytes is the JSON size of created, for the memory bound.
	createdBytes int
}

// createdToken is a token made by a create.
type createdToken struct {
	token gen.Token
	seq   uint64 // order of creation, for finding it by binary search
	size  int    // its JSON size
}

// deletedBase is the number of base tokens deleted.
func (o *overlay) deletedBase() int { return len(o.skipped[""]) }

// snapshot is an account as one request sees it: base positions first,
// then created tokens at base.len() and after.
type snapshot struct {
	base tokenList
	ov   *overlay
}

func (s snapshot) at(pos int) gen.Token {
	if n := s.base.len(); pos >= n {
		return s.ov.created[pos-n].token
	}
	return s.base.at(pos)
}

// view is the base's view less its deleted tokens, then the created tokens
// the view holds. It costs O(1) for the base part (a page then costs
// O(log deleted) per token) and, for an agent filter, a scan of the created
// tokens.
func (s snapshot) view(agentID string) positions {
	base := s.base.view(agentID)
	if skipped := s.ov.skipped[agentID]; len(skipped) > 0 {
		base = skipPositions{view: base, skipped: skipped}
	}
	if len(s.ov.created) == 0 {
		return base
	}
	from := s.base.len()
	var created positions = rangePositions{from: from, n: len(s.ov.created)}
	if agentID != "" {
		var mine indexPositions
		for i, c := range s.ov.created {
			if namesAgent(c.token, agentID) {
				mine = append(mine, from+i)
			}
		}
		created = mine
	}
	return concatPositions{first: base, second: created}
}

// withCreated is o with c appended.
func (o *overlay) withCreated(c *createdToken) *overlay {
	next := *o
	next.created = append(o.created, c)
	next.createdBytes += c.size
	return &next
}

// withoutCreated is o without its i-th created token.
func (o *overlay) withoutCreated(i int) *overlay {
	next := *o
	next.created = slices.Delete(slices.Clone(o.created), i, i+1)
	next.createdBytes -= o.created[i].size
	return &next
}

// withDeletedBase is o with the base token at pos, which is not deleted
// yet, skipped in every view that holds it: all tokens and the filter of
// each agent its policy names.
func (o *overlay) withDeletedBase(base tokenList, pos int) *overlay {
	next := *o
	next.skipped = make(map[string][]int, len(o.skipped)+1)
	for k, v := range o.skipped {
		next.skipped[k] = v
	}
	skip := func(key string, view positions) {
		rank := rankOf(view, pos)
		old := o.skipped[key]
		i, _ := slices.BinarySearch(old, rank)
		next.skipped[key] = slices.Insert(slices.Clone(old), i, rank)
	}
	skip("", allPositions(base.len()))
	policies := base.at(pos).Policy.Data
	for j, p := range policies {
		if !namedEarlier(policies[:j], p.Id) {
			skip(p.Id, base.filter(p.Id))
		}
	}
	return &next
}

// isDeletedBase reports whether the base token at pos is deleted.
func (o *overlay) isDeletedBase(pos int) bool {
	_, found := slices.BinarySearch(o.skipped[""], pos)
	return found
}

func namesAgent(t gen.Token, agentID string) bool {
	return namedEarlier(t.Policy.Data, agentID)
}
