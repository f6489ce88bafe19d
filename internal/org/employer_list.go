package org

import (
	"context"
	"slices"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/hanzi"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
)

// EmployerQuery filters ListEmployers; nil pointers mean "either".
type EmployerQuery struct {
	Q         string // name substring, or an exact credit code
	Within    int64  // owned inside this organisation's subtree
	Category  string
	Organised *bool
	NewForms  *bool
	IsPublic  *bool
	Sort      string // one of EmployerSorts' keys, "-" first for descending; "" by name
	After     string
	Offset    int // rows to skip (page numbers), at most listing.Cap
	Limit     int
}

// EmployerSorts are the orders of the employer list; the time added is
// the id's order (IDs sort by the time they were made).
var EmployerSorts = &listing.Sorts[Employer]{List: "employer", ID: "e.id", IDOf: func(e *Employer) int64 { return e.ID },
	Default: "name", Keys: []listing.Key[Employer]{
		{Name: "name", Expr: "e.name", Of: func(e *Employer) any { return e.Name }},
		{Name: "employees", Expr: "e.employees", Desc: true, Of: func(e *Employer) any { return int64(e.Employees) }},
		{Name: "owner", Expr: "o.name", Of: func(e *Employer) any { return e.OwnerOrgName }},
		{Name: "created", Expr: "e.id", Desc: true, Of: func(e *Employer) any { return e.ID }},
	}}

// employerWhere is the filter of q within the caller's subtrees (or
// Within's); none when the caller has no subtree.
func (s *Store) employerWhere(ctx context.Context, p *auth.Principal, q EmployerQuery) listing.Filter {
	return func() ([]string, []any, error) { return s.employerConds(ctx, p, q) }
}

func (s *Store) employerConds(ctx context.Context, p *auth.Principal, q EmployerQuery) ([]string, []any, error) {
	paths, err := rule.Paths(p)
	if err != nil {
		return nil, nil, err
	}
	q.Q, q.Category = strings.TrimSpace(q.Q), strings.TrimSpace(q.Category)
	f := errs.Fields{}
	f.Check(q.Category == "" || slices.Contains(Categories, q.Category), "category", "field.invalid_choice")
	f.Check(len([]rune(q.Q)) <= 100, "q", "field.too_long", 100)
	if err := f.Err(); err != nil {
		return nil, nil, err
	}
	if q.Within != 0 {
		w, err := s.Get(ctx, p, q.Within)
		if err != nil {
			return nil, nil, err
		}
		paths = []string{w.Path}
	}
	if len(paths) == 0 {
		return nil, nil, nil
	}
	where, args := scope.SQL("e.owner_path", paths)
	conds := []string{where}
	if q.Q != "" {
		if code, err := cnid.NormalizeCreditCode(q.Q); err == nil {
			conds = append(conds, "e.credit_code = ?")
			args = append(args, code)
		} else {
			conds = append(conds, s.DB.LikeFold("e.search_key"))
			args = append(args, "%"+db.Like(hanzi.FoldQuery(q.Q))+"%")
		}
	}
	if q.Category != "" {
		conds = append(conds, "e.category = ?")
		args = append(args, q.Category)
	}
	if q.Organised != nil {
		if *q.Organised {
			conds = append(conds, "l.org_id IS NOT NULL")
		} else {
			conds = append(conds, "l.org_id IS NULL")
		}
	}
	for _, b := range []struct {
		col string
		v   *bool
	}{{"e.new_forms", q.NewForms}, {"e.is_public", q.IsPublic}} {
		if b.v != nil {
			conds = append(conds, b.col+" = ?")
			args = append(args, *b.v)
		}
	}
	return conds, args, nil
}

// ListEmployers lists the employers the caller may read, in q's order (by
// name unless sorted).
func (s *Store) ListEmployers(ctx context.Context, p *auth.Principal, q EmployerQuery) ([]Employer, string, error) {
	return EmployerSorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.employerWhere(ctx, p, q),
		func(clause string, args []any) ([]Employer, error) {
			return collectEmployers(s.DB.Query(ctx, "SELECT "+employerCols+employerFrom+clause, args...))
		})
}

// CountEmployers is the total of q's filter (its order and page ignored),
// counted up to listing.Cap.
func (s *Store) CountEmployers(ctx context.Context, p *auth.Principal, q EmployerQuery) (listing.Total, error) {
	from := "FROM employers e"
	if q.Organised != nil {
		from += " LEFT JOIN org_employers l ON l.employer_id = e.id"
	}
	return listing.CountOf(ctx, s.DB, 0, from, s.employerWhere(ctx, p, q))
}
