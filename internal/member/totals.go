package member

import (
	"context"
	"fmt"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/stats"
)

// CountCap is where a bounded count stops: a filter the figures cannot
// answer is counted up to CountCap+1 matching rows, and more than that
// shows as "more than CountCap".
const CountCap = 10000

// Total is how many members a filter matches.
//
// Which filters are exact and which bounded:
//
//   - From the figures (FromFigures, exact as of the last fold of
//     internal/stats, seconds behind): no search text, no joining dates, no
//     employer, the whole subtree (not "this union only"), and either no tag
//     or one tag with status "active" (the rollups count active members per
//     tag, and every membership per status). One primary-key lookup per
//     subtree in scope and metric, whatever the registry's size.
//   - Otherwise a bounded count: the listing's own index walk, stopped at
//     CountCap+1 matches. Below the cap it is exact (Over false); at the cap
//     Over is set and N is CountCap. Its cost is that of walking CountCap
//     rows of the list, plus the rows the filter skips on the way, the same
//     kind of work as paging through the list.
type Total struct {
	N           int64 `json:"n"`
	Over        bool  `json:"over"`         // there are more than N
	FromFigures bool  `json:"from_figures"` // read from the rollups
}

// Count returns the total of q's filter (its cursor and limit ignored)
// for the caller: over the caller's subtrees or q's union, like List.
func (s *Store) Count(ctx context.Context, pr *auth.Principal, q Query) (Total, error) {
	paths, err := rule.Paths(pr)
	if err != nil {
		return Total{}, err
	}
	q.Sort = SortOrg // a count walks the filter's own index
	pl, err := s.plan(ctx, pr, q, paths)
	if err != nil || pl == nil {
		return Total{}, err
	}
	if metrics := figureMetrics(q); metrics != nil {
		return s.countFigures(ctx, pl.scope, metrics)
	}
	from, where, args, order := pl.walk(append([]string{}, pl.where...), append([]any{}, pl.args...))
	if len(pl.where) == 0 && !pl.walkSort {
		// A count driven by a key table (a name's bigram, a tag) with no
		// filter on the members' own columns reads that table alone:
		// joining each of up to 10,001 matches to its member and union
		// cost a city-wide search for 王伟 250 ms on PostgreSQL.
		switch pl.order {
		case "gram":
			from = " FROM member_grams k"
		case "tag":
			from = " FROM member_tags k"
		}
	}
	limit := int64(CountCap)
	if s.countCap > 0 {
		limit = s.countCap
	}
	args = append(args, limit+1)
	var n int64
	// The list's total: a read replica may serve it, as it does the page.
	err = s.DB.Stale(ctx).QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 AS x"+from+" WHERE "+strings.Join(where, " AND ")+
		" ORDER BY "+order+" LIMIT ?) t", args...).Scan(&n)
	if err != nil {
		return Total{}, errs.Internal(err, "member: count")
	}
	if n > limit {
		return Total{N: limit, Over: true}, nil
	}
	return Total{N: n}, nil
}

// figureMetrics names the rollup levels that add up to q's total, or nil
// when the figures cannot answer q (see Total).
func figureMetrics(q Query) []string {
	if strings.TrimSpace(q.Q) != "" || q.JoinedFrom != "" || q.JoinedTo != "" || q.Employer != 0 || q.OrgOnly || len(q.IDs) > 0 {
		return nil
	}
	switch {
	case len(q.Tags) == 1 && q.Status == StatusActive:
		return []string{StatTag(Tag(strings.TrimSpace(q.Tags[0])))}
	case len(q.Tags) > 0:
		return nil
	case q.Status != "":
		return []string{StatStatus(q.Status)}
	}
	out := make([]string, len(Statuses))
	for i, st := range Statuses {
		out[i] = StatStatus(st)
	}
	return out
}

// countFigures adds up metrics over the subtrees at paths (disjoint: the
// scope has nested paths removed), each read at the subtree's root.
func (s *Store) countFigures(ctx context.Context, paths, metrics []string) (Total, error) {
	ids := make([]int64, 0, len(paths))
	for _, p := range paths {
		id, ok := pathRoot(p)
		if !ok {
			return Total{}, errs.Internal(fmt.Errorf("bad path %q", p), "member: count")
		}
		ids = append(ids, id)
	}
	figs, err := stats.NewStore(s.DB).ReadTotals(ctx, ids, metrics, nil, "", "")
	if err != nil {
		return Total{}, errs.Internal(err, "member: count figures")
	}
	t := Total{FromFigures: true}
	for _, f := range figs {
		for _, m := range metrics {
			t.N += f.Levels[m]
		}
	}
	return t, nil
}

// pathRoot is the organisation a materialised path ends with ("/1/5/9/" → 9).
func pathRoot(p string) (int64, bool) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	return db.ParseID(segs[len(segs)-1])
}

// CountCapForTest lowers the cap of bounded counts, for tests of pages
// that show "more than".
func (s *Store) CountCapForTest(n int64) { s.countCap = n }
