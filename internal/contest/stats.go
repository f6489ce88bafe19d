package contest

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// The contests' figures (see internal/stats), flows by month (Beijing):
//
//	contest.held    contests published (not cancelled), by their opening
//	                month, at the publishing organisation
//	contest.takers  members who handed in a paper of a contest, by the
//	                month of their first, at their union then
//	contest.papers  papers handed in, by month, at the taker's union
//	contest.passed  takers whose counting attempt passed, by the month of
//	                their first paper, at their union then
//
// Takers and papers count where the workers are, not where the contest
// was published: a street's dashboard shows how many of its own workers
// took the city's contest.
//
// Each contest's board by organisation has figures of its own, filed
// under the contest's key ("c" and its ID, see EntryKey) in place of a
// month, at the taker's union:
//
//	contest.entry.takers  members with a counting attempt
//	contest.entry.passed  of them, those whose counting attempt passed
//	contest.entry.score   the sum of their counting scores
const (
	StatPrefix = "contest."
	StatHeld   = StatPrefix + "held"
	StatTakers = StatPrefix + "takers"
	StatPapers = StatPrefix + "papers"
	StatPassed = StatPrefix + "passed"

	StatEntryTakers = StatPrefix + "entry.takers"
	StatEntryPassed = StatPrefix + "entry.passed"
	StatEntryScore  = StatPrefix + "entry.score"
)

// EntryKey is the key a contest's board figures are filed under.
func EntryKey(contestID int64) string { return "c" + strconv.FormatInt(contestID, 10) }

// entry is what one member's counting result adds to their union's
// figures on a contest's board.
type entry struct {
	taken, passed bool
	score         int
}

// entryChanges move a member's counting result from was to now on the
// board of contest id (the zero entry: no result).
func entryChanges(id int64, path string, was, now entry) []stats.Change {
	n := func(b bool) int64 {
		if b {
			return 1
		}
		return 0
	}
	k := EntryKey(id)
	return []stats.Change{
		{OrgPath: path, Metric: StatEntryTakers, Month: k, Delta: n(now.taken) - n(was.taken)},
		{OrgPath: path, Metric: StatEntryPassed, Month: k, Delta: n(now.passed) - n(was.passed)},
		{OrgPath: path, Metric: StatEntryScore, Month: k, Delta: int64(now.score - was.score)}}
}

func month(t time.Time) string { return t.In(beijing.Zone).Format("2006-01") }

func logHeld(ctx context.Context, tx *db.Tx, path string, opens time.Time, delta int64) error {
	return stats.Log(ctx, tx, stats.Change{OrgPath: path, Metric: StatHeld, Month: month(opens), Delta: delta})
}

// paperChanges count a paper handed in.
func paperChanges(path string, at time.Time) []stats.Change {
	return []stats.Change{{OrgPath: path, Metric: StatPapers, Month: month(at), Delta: 1}}
}

// takerChanges count a member's first paper of a contest (and their pass).
func takerChanges(path string, first time.Time, passed bool) []stats.Change {
	changes := []stats.Change{{OrgPath: path, Metric: StatTakers, Month: month(first), Delta: 1}}
	if passed {
		changes = append(changes, stats.Change{OrgPath: path, Metric: StatPassed, Month: month(first), Delta: 1})
	}
	return changes
}

// passedChanges count a taker's pass gained (or lost, when the last
// attempt counts).
func passedChanges(path string, first time.Time, passed bool) []stats.Change {
	delta := int64(-1)
	if passed {
		delta = 1
	}
	return []stats.Change{{OrgPath: path, Metric: StatPassed, Month: month(first), Delta: delta}}
}

// StatSource recounts the contests' figures from the contests, attempts
// and results themselves.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		each := func(query string, args []any, metric string) error {
			rows, err := q.Query(ctx, query, args...)
			if err != nil {
				return fmt.Errorf("contest: recount %s: %w", metric, err)
			}
			defer rows.Close()
			for rows.Next() {
				var path string
				var at, n int64
				if err := rows.Scan(&path, &at, &n); err != nil {
					return fmt.Errorf("contest: recount %s: %w", metric, err)
				}
				emit(stats.Change{OrgPath: path, Metric: metric, Month: month(scope.FromMillis(at)), Delta: n})
			}
			return rows.Err()
		}
		if err := each("SELECT org_path, opens_at, 1 FROM contests WHERE status = ?", []any{StatusPublished}, StatHeld); err != nil {
			return err
		}
		if err := each("SELECT member_org_path, submitted_at, 1 FROM attempts WHERE status = ?", []any{AttemptSubmitted}, StatPapers); err != nil {
			return err
		}
		if err := each("SELECT member_org_path, first_at, 1 FROM contest_results", nil, StatTakers); err != nil {
			return err
		}
		if err := each("SELECT member_org_path, first_at, 1 FROM contest_results WHERE passed = 1", nil, StatPassed); err != nil {
			return err
		}
		rows, err := q.Query(ctx, "SELECT contest_id, member_org_path, passed, score FROM contest_results")
		if err != nil {
			return fmt.Errorf("contest: recount entries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, passed, score int64
			var path string
			if err := rows.Scan(&id, &path, &passed, &score); err != nil {
				return fmt.Errorf("contest: recount entries: %w", err)
			}
			k := EntryKey(id)
			emit(stats.Change{OrgPath: path, Metric: StatEntryTakers, Month: k, Delta: 1})
			emit(stats.Change{OrgPath: path, Metric: StatEntryPassed, Month: k, Delta: passed})
			emit(stats.Change{OrgPath: path, Metric: StatEntryScore, Month: k, Delta: score})
		}
		return rows.Err()
	}}
}
