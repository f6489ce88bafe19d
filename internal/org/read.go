package org

import (
	"context"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/hanzi"
	"gonghui/internal/scope"
)

// Get returns one organisation the caller may read.
func (s *Store) Get(ctx context.Context, p *auth.Principal, id int64) (*Org, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	o, err := load(ctx, s.DB, id, "")
	if err != nil {
		return nil, err
	}
	if err := rule.Readable(p, o.Path); err != nil {
		return nil, err
	}
	return o, nil
}

// Roots returns the top-most organisations the caller may read: the
// organisations of its grants, those nested in another grant removed, by name.
func (s *Store) Roots(ctx context.Context, p *auth.Principal) ([]Org, error) {
	paths, err := rule.Paths(p)
	if err != nil || len(paths) == 0 {
		return nil, err
	}
	args := make([]any, len(paths))
	for i, path := range paths {
		args[i] = path
	}
	return collectOrgs(s.DB.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE path IN ("+placeholders(len(paths))+") ORDER BY name, id", args...))
}

// Children returns a page of an organisation's children in the official
// order (federations, then unions; by division code, then pinyin: orgSortKey), and the cursor of the next
// page ("" after the last).
func (s *Store) Children(ctx context.Context, p *auth.Principal, parentID int64, after string, limit int) ([]Org, string, error) {
	if _, err := s.Get(ctx, p, parentID); err != nil {
		return nil, "", err
	}
	return s.inOrder(ctx, []string{"parent_id = ?"}, []any{parentID}, after, scope.PageLimit(limit))
}

// Ancestors returns the ancestors of an organisation that the caller may
// read, from the top of its scope down to the organisation's parent: the
// breadcrumbs. The organisation itself is not included.
func (s *Store) Ancestors(ctx context.Context, p *auth.Principal, id int64) ([]Org, error) {
	o, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	ids := pathIDs(o.Path)
	ids = ids[:len(ids)-1]
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, a := range ids {
		args[i] = a
	}
	all, err := collectOrgs(s.DB.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE id IN ("+placeholders(len(ids))+") ORDER BY depth", args...))
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if rule.CanRead(p, a.Path) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Query filters Search.
type Query struct {
	Q      string // name substring, case-insensitive for Latin letters
	Parent int64  // direct children of this organisation only
	Within int64  // the whole subtree of this organisation
	Kind   Kind
	After  string // cursor
	Limit  int    // default 50, at most 200
}

// Search lists the organisations the caller may read that match q, a page
// at a time. With Parent it answers in the children's order (like Children); otherwise
// in path order, which is the tree read depth-first, so that a page of
// results reads as an outline and each page is a range scan of the path index.
func (s *Store) Search(ctx context.Context, p *auth.Principal, q Query) ([]Org, string, error) {
	paths, err := rule.Paths(p)
	if err != nil {
		return nil, "", err
	}
	f := errs.Fields{}
	f.Check(q.Kind == "" || q.Kind.Valid(), "kind", "field.invalid_choice")
	q.Q = strings.TrimSpace(q.Q)
	f.Check(len([]rune(q.Q)) <= 100, "q", "field.too_long", 100)
	if err := f.Err(); err != nil {
		return nil, "", err
	}
	var where []string
	var args []any
	if q.Within != 0 {
		w, err := s.Get(ctx, p, q.Within)
		if err != nil {
			return nil, "", err
		}
		// A readable organisation's whole subtree is readable.
		paths = []string{w.Path}
	}
	if q.Parent != 0 {
		parent, err := s.Get(ctx, p, q.Parent)
		if err != nil {
			return nil, "", err
		}
		if q.Within != 0 && !inside(parent.Path, paths[0]) {
			return nil, "", nil
		}
		where = append(where, "parent_id = ?")
		args = append(args, q.Parent)
	}
	if q.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, string(q.Kind))
	}
	if q.Q != "" {
		where = append(where, s.DB.LikeFold("search_key"))
		args = append(args, "%"+db.Like(hanzi.FoldQuery(q.Q))+"%")
	}
	limit := scope.PageLimit(q.Limit)
	if q.Parent != 0 {
		return s.inOrder(ctx, where, args, q.After, limit)
	}
	after, err := parsePathCursor(q.After)
	if err != nil {
		return nil, "", err
	}
	sql, a, ok := scope.After("path", paths, after)
	if !ok {
		return nil, "", nil
	}
	where = append([]string{sql}, where...)
	args = append(a, args...)
	args = append(args, limit+1)
	items, err := collectOrgs(s.DB.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE "+strings.Join(where, " AND ")+" ORDER BY path LIMIT ?", args...))
	return pathPage(items, limit, err)
}

// inOrder pages through organisations matching where in (sort_key, id)
// order: for the children of one parent the order of the (parent_id,
// sort_key, id) index, so each page is one index seek.
func (s *Store) inOrder(ctx context.Context, where []string, args []any, after string, limit int) ([]Org, string, error) {
	key, id, ok, err := parseNameCursor(after)
	if err != nil {
		return nil, "", err
	}
	if ok {
		where = append(where, afterName("sort_key", "id"))
		args = append(args, key, key, id)
	}
	args = append(args, limit+1)
	items, err := collectOrgs(s.DB.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE "+strings.Join(where, " AND ")+" ORDER BY sort_key, id LIMIT ?", args...))
	return namePage(items, limit, err, func(o *Org) (string, int64) { return o.sortKey, o.ID })
}

// namePage is pathPage for a list in name order; key names an item's name
// and id.
func namePage[T any](items []T, limit int, err error, key func(*T) (string, int64)) ([]T, string, error) {
	if err != nil {
		return nil, "", err
	}
	if len(items) > limit {
		name, id := key(&items[limit-1])
		return items[:limit], nameCursor(name, id), nil
	}
	return items, "", nil
}

func pathPage(items []Org, limit int, err error) ([]Org, string, error) {
	if err != nil {
		return nil, "", err
	}
	if len(items) > limit {
		return items[:limit], pathCursor(items[limit-1].Path), nil
	}
	return items, "", nil
}

// Subtree returns a page of an organisation's subtree, the organisation
// itself first, in path order (depth-first, children by ID).
func (s *Store) Subtree(ctx context.Context, p *auth.Principal, id int64, after string, limit int) ([]Org, string, error) {
	o, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, "", err
	}
	limit = scope.PageLimit(limit)
	cur, err := parsePathCursor(after)
	if err != nil {
		return nil, "", err
	}
	where, args, ok := scope.After("path", []string{o.Path}, cur)
	if !ok {
		return nil, "", nil
	}
	args = append(args, limit+1)
	items, err := collectOrgs(s.DB.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE "+where+" ORDER BY path LIMIT ?", args...))
	return pathPage(items, limit, err)
}

// Counts are figures over a subtree.
type Counts struct {
	Orgs   int          // organisations, the subtree's top included
	ByKind map[Kind]int // organisations by kind
	// Employers are the subtree's employers: those its organisations own
	// and those its unions organise.
	Employers int
	// Organised are those of Employers that a union organises; so
	// Organised/Employers is the organising rate (建会率) and never above 1.
	Organised int
	// The same for non-public employers and for those of the new
	// industries, forms and models (新产业、新业态、新模式).
	NonPublic, NonPublicOrganised int
	NewForms, NewFormsOrganised   int
	// Employees of Employers, as their records say (the denominator of
	// the membership rate).
	Employees int64
}

// Count returns the counts over an organisation's subtree: a few range
// scans, no recursion.
func (s *Store) Count(ctx context.Context, p *auth.Principal, id int64) (Counts, error) {
	o, err := s.Get(ctx, p, id)
	if err != nil {
		return Counts{}, err
	}
	lo, hi := o.Path, audit.PathEnd(o.Path)
	c := Counts{ByKind: map[Kind]int{}}
	// Naming the kinds lets the (kind, path) index answer with one range
	// per kind, already grouped, instead of sorting the subtree by kind.
	args := make([]any, 0, len(Kinds)+2)
	for _, k := range Kinds {
		args = append(args, string(k))
	}
	args = append(args, lo, hi)
	rows, err := s.DB.Query(ctx, "SELECT kind, count(*) FROM orgs WHERE kind IN ("+placeholders(len(Kinds))+
		") AND path >= ? AND path < ? GROUP BY kind", args...)
	if err != nil {
		return Counts{}, errs.Internal(err, "org: count kinds")
	}
	defer rows.Close()
	for rows.Next() {
		var k Kind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return Counts{}, errs.Internal(err, "org: count kinds")
		}
		c.ByKind[k] = n
		c.Orgs += n
	}
	if err := rows.Err(); err != nil {
		return Counts{}, errs.Internal(err, "org: count kinds")
	}
	// Employers owned inside, how many of them are organised (by any
	// union: an employer owned by a street may be organised by a union
	// elsewhere, and it is organised all the same), and those owned outside
	// but organised by a union inside, which belong to the subtree too.
	// At the root nothing is outside, and the third count is skipped.
	// Each part answers: employers, organised, non-public, of those
	// organised, new forms, of those organised, employees.
	const parts = `count(*), count(CASE WHEN union_path <> '' THEN 1 END),
		count(CASE WHEN NOT is_public THEN 1 END), count(CASE WHEN NOT is_public AND union_path <> '' THEN 1 END),
		count(CASE WHEN new_forms THEN 1 END), count(CASE WHEN new_forms AND union_path <> '' THEN 1 END),
		COALESCE(SUM(employees), 0)`
	add := func(q string, args ...any) error {
		var v [6]int
		var emp int64
		if err := s.DB.QueryRow(ctx, "SELECT "+parts+" FROM employers WHERE "+q, args...).Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &emp); err != nil {
			return errs.Internal(err, "org: count employers")
		}
		c.Employers += v[0]
		c.Organised += v[1]
		c.NonPublic += v[2]
		c.NonPublicOrganised += v[3]
		c.NewForms += v[4]
		c.NewFormsOrganised += v[5]
		c.Employees += emp
		return nil
	}
	if err := add("owner_path >= ? AND owner_path < ?", lo, hi); err != nil {
		return Counts{}, err
	}
	if o.Depth > 0 {
		// Owned outside but organised by a union inside: they belong to
		// the subtree too (at the root nothing is outside).
		if err := add("union_path >= ? AND union_path < ? AND NOT (owner_path >= ? AND owner_path < ?)", lo, hi, lo, hi); err != nil {
			return Counts{}, err
		}
	}
	return c, nil
}

// IsInside reports whether x lies in y's subtree (x == y counts), unscoped;
// NotFound when either does not exist. One query: it sits on the hot path of
// permission checks elsewhere.
func (s *Store) IsInside(ctx context.Context, x, y int64) (bool, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, path FROM orgs WHERE id IN (?, ?)", x, y)
	if err != nil {
		return false, errs.Internal(err, "org: is inside")
	}
	defer rows.Close()
	var px, py string
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			return false, errs.Internal(err, "org: is inside")
		}
		if id == x {
			px = path
		}
		if id == y {
			py = path
		}
	}
	if err := rows.Err(); err != nil {
		return false, errs.Internal(err, "org: is inside")
	}
	if px == "" || py == "" {
		return false, errs.NotFound("org")
	}
	return inside(px, py), nil
}
