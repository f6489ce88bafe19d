package course

import (
	"context"

	"gonghui/internal/auth"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Query filters the staff listing of courses.
type Query struct {
	Q        string
	Org      int64
	Category Category
	Sort     string // one of Sorts' keys, "-" first for descending; "" newest first
	After    string // the cursor of the last page's end
	Offset   int    // rows to skip (page numbers), at most listing.Cap
	Limit    int
}

// Sorts are the orders of the staff listing of courses; the time made is
// the id's order (IDs sort by the time they were made): the index
// (org_path, id) serves the default order.
var Sorts = &listing.Sorts[Course]{List: "course", ID: "c.id", IDOf: func(c *Course) int64 { return c.ID },
	Default: "-created", Keys: []listing.Key[Course]{
		{Name: "created", Expr: "c.id", Desc: true, Of: func(c *Course) any { return c.ID }},
		{Name: "title", Expr: "c.title", Of: func(c *Course) any { return c.Title }},
		{Name: "org", Expr: "o.name", Of: func(c *Course) any { return c.OrgName }},
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
	if q.Org != 0 {
		path, err := signup.SeenOrg(ctx, s.DB, rule, pr, q.Org, "org")
		if err != nil {
			return nil, nil, err
		}
		paths = []string{path}
	}
	if q.Category != "" && !q.Category.Valid() {
		return nil, nil, fieldErr("category", "field.invalid_choice")
	}
	if len(paths) == 0 {
		return nil, nil, nil
	}
	inScope, args := scope.SQL("c.org_path", paths)
	where := []string{inScope}
	if q.Q != "" {
		where, args = append(where, s.DB.Contains("c.title")), append(args, s.DB.ContainsArg(q.Q))
	}
	if q.Category != "" {
		where, args = append(where, "c.category = ?"), append(args, q.Category)
	}
	return where, args, nil
}

// ListCourses lists the courses of the caller's subtrees (or Org's), in
// q's order: newest first by default.
func (s *Store) ListCourses(ctx context.Context, pr *auth.Principal, q Query) ([]Course, string, error) {
	return Sorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.where(ctx, pr, q),
		func(clause string, args []any) ([]Course, error) {
			rows, err := s.DB.QueryFresh(ctx, "SELECT "+courseCols+" FROM courses c JOIN orgs o ON o.id = c.org_id"+clause, args...)
			return signup.All(rows, err, "course: list", scanCourse)
		})
}

// CountCourses is the total of q's filter (its order and page ignored),
// counted up to listing.Cap.
func (s *Store) CountCourses(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, "FROM courses c", s.where(ctx, pr, q))
}
