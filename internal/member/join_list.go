package member

import (
	"context"

	"gonghui/internal/auth"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
)

// ApplicationQuery filters ListApplications.
type ApplicationQuery struct {
	Org    int64 // a union's subtree
	Status ApplicationStatus
	Sort   string // one of ApplicationSorts' keys, "-" first for descending; "" oldest first
	After  string
	Offset int // rows to skip (page numbers), at most listing.Cap
	Limit  int
}

// ApplicationSorts are the orders of the queue of applications; the time
// filed is the id's order (IDs sort by the time they were made).
var ApplicationSorts = &listing.Sorts[Application]{List: "application", ID: "a.id", IDOf: func(a *Application) int64 { return a.ID },
	Default: "created", Keys: []listing.Key[Application]{
		{Name: "created", Expr: "a.id", Of: func(a *Application) any { return a.ID }},
		{Name: "name", Expr: "a.name", Of: func(a *Application) any { return a.Name }},
		{Name: "org", Expr: "o.name", Of: func(a *Application) any { return a.OrgName }},
	}}

// applicationWhere is the filter of q within the caller's subtrees (or
// q's union); none when the caller has no subtree.
func (s *Store) applicationWhere(ctx context.Context, pr *auth.Principal, q ApplicationQuery) listing.Filter {
	return func() ([]string, []any, error) { return s.applicationConds(ctx, pr, q) }
}

func (s *Store) applicationConds(ctx context.Context, pr *auth.Principal, q ApplicationQuery) ([]string, []any, error) {
	paths, err := rule.Paths(pr)
	if err != nil {
		return nil, nil, err
	}
	switch q.Status {
	case "", AppPending, AppApproved, AppRejected, AppTransfer:
	default:
		return nil, nil, fieldErr("status", "field.invalid_choice")
	}
	if q.Org != 0 {
		u, err := loadUnion(ctx, s.DB, q.Org)
		if err != nil || !rule.CanRead(pr, u.Path) {
			return nil, nil, fieldErr("org", "field.invalid_id")
		}
		paths = []string{u.Path}
	}
	if len(paths) == 0 {
		return nil, nil, nil
	}
	inScope, args := scope.SQL("a.org_path", paths)
	where := []string{inScope}
	if q.Status != "" {
		where = append(where, "a.status = ?")
		args = append(args, string(q.Status))
	}
	return where, args, nil
}

// ListApplications returns applications to unions in the caller's
// subtrees, in q's order (oldest first by default: a queue).
func (s *Store) ListApplications(ctx context.Context, pr *auth.Principal, q ApplicationQuery) ([]Application, string, error) {
	return ApplicationSorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.applicationWhere(ctx, pr, q),
		func(clause string, args []any) ([]Application, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+appCols+appFrom+clause, args...)
			return ScanAll(rows, err, []Application(nil), "member: list applications", s.scanApp)
		})
}

// CountApplications is the total of q's filter (its order and page
// ignored), counted up to listing.Cap.
func (s *Store) CountApplications(ctx context.Context, pr *auth.Principal, q ApplicationQuery) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, s.countCap, "FROM join_applications a", s.applicationWhere(ctx, pr, q))
}
