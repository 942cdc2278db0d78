package mock

import "sort"

// skipPositions is view without the ranks in skipped (ascending, each
// below view.len()): a fixed list's view less its deleted tokens.
type skipPositions struct {
	view    positions
	skipped []int
}

func (p skipPositions) len() int { return p.view.len() - len(p.skipped) }

// at maps a rank among the kept to a rank in view: rank plus the number
// of skipped ranks before it. skipped[i]-i is how many kept ranks precede
// skipped[i], which never decreases in i, so a binary search finds that
// number: O(log len(skipped)).
func (p skipPositions) at(rank int) int {
	k := sort.Search(len(p.skipped), func(i int) bool { return p.skipped[i]-i > rank })
	return p.view.at(rank + k)
}

// concatPositions is first, then second.
type concatPositions struct {
	first, second positions
}

func (p concatPositions) len() int { return p.first.len() + p.second.len() }

func (p concatPositions) at(rank int) int {
	if n := p.first.len(); rank >= n {
		return p.second.at(rank - n)
	}
	return p.first.at(rank)
}

// rangePositions is the positions [from, from+n).
type rangePositions struct{ from, n int }

func (p rangePositions) len() int        { return p.n }
func (p rangePositions) at(rank int) int { return p.from + rank }

// rankOf is the rank of pos in view, which must hold it: a binary search
// over view's ascending positions, O(log view.len()) calls to at.
func rankOf(view positions, pos int) int {
	return sort.Search(view.len(), func(i int) bool { return view.at(i) >= pos })
}
