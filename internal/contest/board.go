package contest

import (
	"context"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Staff see a contest published in their subtree, and a contest published
// above them to an audience that covers their subtree (a city-wide contest
// is run in every street): of the latter they see only their subtree's
// takers.

// sees reports whether pr may look at c as staff, and whether at all of
// it (the publisher's side) or only at their subtrees' takers.
func sees(pr *auth.Principal, c *Contest) (ok, whole bool) {
	if rule.CanRead(pr, c.OrgPath) {
		return true, true
	}
	paths, _ := rule.Paths(pr)
	for _, p := range paths {
		if auth.Inside(p, c.AudiencePath) {
			return true, false
		}
	}
	return false, false
}

// View reads a contest for staff: one they run, or one run above them for
// their subtree (Whole false: its boards show their subtrees' takers only).
func (s *Store) View(ctx context.Context, pr *auth.Principal, id int64) (*Contest, bool, error) {
	if pr == nil {
		return nil, false, scope.NilPrincipal("contest")
	}
	c, err := load(ctx, s.DB, id)
	if err != nil {
		return nil, false, err
	}
	ok, whole := sees(pr, c)
	if !ok {
		return nil, false, errs.NotFound("contest")
	}
	return c, whole, nil
}

// Query filters the staff listing of contests.
type Query struct {
	Q      string // title substring
	Status Status
	Sort   string // one of Sorts' keys; "" newest opening first
	After  string
	Offset int
	Limit  int
}

// Sorts are the orders of the staff listing.
var Sorts = &listing.Sorts[Contest]{List: "contest", ID: "c.id", IDOf: func(c *Contest) int64 { return c.ID },
	Default: "-opens", Keys: []listing.Key[Contest]{
		{Name: "opens", Expr: "c.opens_at", Desc: true, Of: func(c *Contest) any { return scope.Millis(c.OpensAt) }},
		{Name: "title", Expr: "c.title", Of: func(c *Contest) any { return c.Title }},
	}}

func (s *Store) filter(pr *auth.Principal, q Query) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		if q.Status != "" && !validStatus(q.Status) {
			return nil, nil, signup.FieldErr("status", "field.invalid_choice")
		}
		if len(paths) == 0 {
			return nil, nil, nil
		}
		mine, args := scope.SQL("c.org_path", paths)
		// Published above: only once published (a draft is its publisher's).
		above, more, ok := scope.Above("c.audience_path", paths, true)
		where := []string{mine}
		if ok {
			where = []string{"(" + mine + " OR (" + above + " AND c.status <> ?))"}
			args = append(append(args, more...), StatusDraft)
		}
		if q.Q != "" {
			where, args = append(where, s.DB.ContainsFold("c.title")), append(args, s.DB.ContainsFoldArg(q.Q))
		}
		if q.Status != "" {
			where, args = append(where, "c.status = ?"), append(args, q.Status)
		}
		return where, args, nil
	}
}

// List returns the contests the caller runs or that are run for their
// subtree, in q's order.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Contest, string, error) {
	return Sorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.filter(pr, q),
		func(clause string, args []any) ([]Contest, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+contestCols+contestFrom+clause, args...)
			return signup.All(rows, err, "contest: list", func(sc signup.Scanner) (Contest, error) { return scanContest(sc) })
		})
}

// CountList is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountList(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, "FROM contests c", s.filter(pr, q))
}

// BoardRow is one taker on a board.
type BoardRow struct {
	Rank        int       `json:"rank"`
	MemberID    int64     `json:"member_id,string"`
	Name        string    `json:"name"`
	Union       string    `json:"union"`
	Score       int       `json:"score"`
	Duration    int64     `json:"duration_ms"`
	Attempts    int       `json:"attempts"`
	Passed      bool      `json:"passed"`
	SubmittedAt time.Time `json:"submitted_at"`
}

// BoardQuery picks a board: the takers of Org's subtree (0: all the caller
// may see), a page of it.
type BoardQuery struct {
	Org    int64
	Offset int
	Limit  int
}

// Board ranks the takers' counting attempts, highest score first and then
// the quickest, within the caller's sight (and Org's subtree); Rank is the
// place on this board. Total is bounded as every list's is.
func (s *Store) Board(ctx context.Context, pr *auth.Principal, contestID int64, q BoardQuery) ([]BoardRow, listing.Total, error) {
	c, whole, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, listing.Total{}, err
	}
	var paths []string
	if !whole {
		paths, _ = rule.Paths(pr)
	}
	path, err := s.inSight(ctx, pr, c, whole, q.Org)
	if err != nil {
		return nil, listing.Total{}, err
	}
	if path != "" {
		paths = []string{path}
	}
	where, args := []string{"r.contest_id = ?"}, []any{contestID}
	if len(paths) > 0 {
		in, more := scope.SQL("r.member_org_path", paths)
		where, args = append(where, in), append(args, more...)
	}
	cond := strings.Join(where, " AND ")
	total, err := listing.Count(ctx, s.DB, 0, "FROM contest_results r", where, args)
	if err != nil {
		return nil, listing.Total{}, err
	}
	limit := scope.PageLimit(q.Limit)
	offset := min(max(q.Offset, 0), listing.Cap)
	rows, err := s.DB.Query(ctx, `SELECT r.member_id, m.name, o.name, r.score, r.duration_ms, r.attempts, r.passed, r.submitted_at
		FROM contest_results r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id
		WHERE `+cond+` ORDER BY r.score DESC, r.duration_ms, r.member_id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, total, errs.Internal(err, "contest: board")
	}
	defer rows.Close()
	out := []BoardRow{}
	for rows.Next() {
		var b BoardRow
		var passed int
		var at int64
		if err := rows.Scan(&b.MemberID, &b.Name, &b.Union, &b.Score, &b.Duration, &b.Attempts, &passed, &at); err != nil {
			return nil, total, errs.Internal(err, "contest: board")
		}
		b.Passed, b.SubmittedAt = passed == 1, scope.FromMillis(at)
		b.Rank = offset + len(out) + 1
		out = append(out, b)
	}
	return out, total, rows.Err()
}
