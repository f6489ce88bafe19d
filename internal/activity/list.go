package activity

import (
	"context"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/report"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Query filters the staff listing.
type Query struct {
	Q      string // title substring
	Org    int64  // publisher's subtree (0: all the caller may see)
	Kind   Kind
	Status Status
	From   string // starts on or after this day (YYYY-MM-DD)
	To     string // starts on or before this day
	Sort   string // one of Sorts' keys, "-" first for descending; "" newest start first
	After  string // cursor
	Offset int    // rows to skip (page numbers), at most listing.Cap
	Limit  int
}

// Sorts are the orders of the staff listing.
var Sorts = &listing.Sorts[Activity]{List: "activity", ID: "a.id", IDOf: func(a *Activity) int64 { return a.ID },
	Default: "-starts", Keys: []listing.Key[Activity]{
		{Name: "starts", Expr: "a.starts_at", Desc: true, Of: func(a *Activity) any { return scope.Millis(a.StartsAt) }},
		{Name: "title", Expr: "a.title", Of: func(a *Activity) any { return a.Title }},
		{Name: "org", Expr: "o.name", Of: func(a *Activity) any { return a.OrgName }},
		{Name: "confirmed", Expr: "a.confirmed", Desc: true, Of: func(a *Activity) any { return int64(a.Confirmed) }},
	}}

// where is the filter of q within the caller's subtrees (or Org's); none
// when the caller has no subtree.
func (s *Store) where(ctx context.Context, pr *auth.Principal, q Query) listing.Filter {
	return func() ([]string, []any, error) { return s.conds(ctx, pr, q) }
}

func (s *Store) conds(ctx context.Context, pr *auth.Principal, q Query) ([]string, []any, error) {
	paths, err := rule.Paths(pr)
	if err != nil {
		return nil, nil, err
	}
	f := errs.Fields{}
	if q.Org != 0 {
		var path string
		err := s.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", q.Org).Scan(&path)
		if err != nil || rule.Readable(pr, path) != nil {
			f.Add("org", "field.invalid_id")
		}
		paths = []string{path}
	}
	if q.Kind != "" && !q.Kind.Valid() {
		f.Add("kind", "field.invalid_choice")
	}
	if q.Status != "" && !slicesContains(Statuses, q.Status) {
		f.Add("status", "field.invalid_choice")
	}
	// The dates are checked where every range of days is (report.CheckDays):
	// the same field errors as the dashboard's and the API's.
	report.CheckDays(f, q.From, q.To)
	var from, to int64
	if t, ok := dayStart(q.From); ok && q.From != "" {
		from = scope.Millis(t)
	}
	if t, ok := dayStart(q.To); ok && q.To != "" {
		to = scope.Millis(t.AddDate(0, 0, 1))
	}
	if err := f.Err(); err != nil {
		return nil, nil, err
	}
	if len(paths) == 0 {
		return nil, nil, nil
	}
	inScope, args := scope.SQL("a.org_path", paths)
	where := []string{inScope}
	if q.Q != "" {
		where = append(where, s.DB.Contains("a.title"))
		args = append(args, s.DB.ContainsArg(q.Q))
	}
	if q.Kind != "" {
		where, args = append(where, "a.kind = ?"), append(args, q.Kind)
	}
	if q.Status != "" {
		where, args = append(where, "a.status = ?"), append(args, q.Status)
	}
	if from != 0 {
		where, args = append(where, "a.starts_at >= ?"), append(args, from)
	}
	if to != 0 {
		where, args = append(where, "a.starts_at < ?"), append(args, to)
	}
	return where, args, nil
}

// List returns the activities published by organisations in the caller's
// subtrees (or in Org's), in q's order: newest start first by default.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Activity, string, error) {
	return Sorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.where(ctx, pr, q),
		func(clause string, args []any) ([]Activity, error) {
			rows, err := s.DB.QueryFresh(ctx, "SELECT "+activityCols+activityFrom+clause, args...)
			return signup.All(rows, err, "activity: list", scanListed)
		})
}

// CountList is the total of q's filter (its order and page ignored),
// counted up to listing.Cap.
func (s *Store) CountList(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, "FROM activities a", s.where(ctx, pr, q))
}
