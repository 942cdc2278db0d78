package mock

import (
	"slices"
	"testing"
	"time"
)

// TestSeedExpiryGolden pins expiresAt where it was already right before
// large accounts were supported: every index below seedHourlyTokens keeps
// the value it always had, so callers' pinned tests stay green.
func TestSeedExpiryGolden(t *testing.T) {
	for _, tt := range []struct {
		index int
		want  string
	}{
		{0, "2030-01-01T01:00:00.137Z"},
		{1, "2030-01-01T02:00:00.274Z"},
		{999, "2030-02-11T16:02:17.000Z"},
		{2_499_998, "2315-03-19T14:08:19.863Z"},
		{2_499_999, "2315-03-19T15:08:20.000Z"},
	} {
		if got := seedToken(tt.index).ExpiresAt; got != tt.want {
			t.Errorf("seedToken(%d).ExpiresAt = %s, want %s", tt.index, got, tt.want)
		}
	}
}

// TestSeedExpiryLargeIndices checks that expiresAt stays a four-digit-year
// RFC 3339 time after the epoch, strictly increasing, up to the last token
// a mock can seed. (Multiplying a time.Duration by the index overflowed
// from index 2,562,016 on, giving tokens that expired in 1737.)
func TestSeedExpiryLargeIndices(t *testing.T) {
	for _, i := range []int{
		seedHourlyTokens - 2, seedHourlyTokens - 1, seedHourlyTokens,
		2_562_015, 2_562_016, 2_562_017,
		99_999_998, 99_999_999, 100_000_000,
		MaxSeedCount - 2, MaxSeedCount - 1,
	} {
		this, next := seedExpiry(t, i), seedExpiry(t, i+1)
		if !this.After(seedEpoch) || this.Year() > 9999 {
			t.Errorf("token %d expires %s: want after %s and a four-digit year", i, this, seedEpoch)
		}
		if !next.After(this) {
			t.Errorf("token %d expires %s, not after token %d's %s", i+1, next, i, this)
		}
	}
}

func seedExpiry(t *testing.T, i int) time.Time {
	t.Helper()
	s := seedToken(i).ExpiresAt
	if len(s) != len("2006-01-02T15:04:05.000Z") {
		t.Fatalf("token %d: expiresAt %q is not toISOString's shape", i, s)
	}
	exp, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("token %d: expiresAt %q: %v", i, s, err)
	}
	return exp
}

// TestSeedLookup: a seeded value is found by the index it spells, and
// nothing else is.
func TestSeedLookup(t *testing.T) {
	l := seedList(2_000_000)
	for _, i := range []int{0, 7, 999_999, 1_999_999} {
		if got := l.lookup(seedTokenValue(i)); !slices.Equal(got, []int{i}) {
			t.Errorf("lookup(seed %d) = %v", i, got)
		}
	}
	for _, v := range []string{seedTokenValue(2_000_000), "ck-let-mock-000007-", "ck-let-mock--1-x", "ck-let-mock-00000000000000000007-" + seedTokenValue(7)[19:], "x", ""} {
		if got := l.lookup(v); len(got) != 0 {
			t.Errorf("lookup(%q) = %v, want none", v, got)
		}
	}
}

// TestSeedPeriod checks the premise of the arithmetic filter: the agents a
// seeded token names repeat every seedPeriod tokens.
func TestSeedPeriod(t *testing.T) {
	for i := range 4 * seedPeriod {
		for _, j := range []int{i + seedPeriod, i + 1_000_000*seedPeriod} {
			a1, b1, two1 := seedAgentsOf(i)
			a2, b2, two2 := seedAgentsOf(j)
			if a1 != a2 || two1 != two2 || (two1 && b1 != b2) {
				t.Fatalf("token %d names (%d, %d, %v), token %d names (%d, %d, %v)", i, a1, b1, two1, j, a2, b2, two2)
			}
		}
	}
}
