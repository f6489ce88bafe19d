package member

import (
	"context"
	"strings"

	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Sort orders a listing by one of a few columns; the default (SortOrg)
// is the index walk of the filter (by union, then id). Ties are broken by
// the member's id, so a page boundary is the same on every engine.
type Sort string

const (
	SortOrg        Sort = ""        // by union (materialised path), then id
	SortJoined     Sort = "joined"  // joining date, earliest first
	SortJoinedDesc Sort = "-joined" // joining date, latest first
	SortName       Sort = "name"    // name (by code point), then id
	SortNameDesc   Sort = "-name"   // name, backwards
	sortOrgName    Sort = "org"     // SortOrg spelt out, as a URL may
)

// The columns a sort walks.
const (
	sortJoinedCol = "m.joined_on"
	sortNameCol   = "m.name"
)

// Sorts lists the sorts a listing accepts, in the order a page offers them.
var Sorts = []Sort{SortOrg, SortJoined, SortJoinedDesc, SortName, SortNameDesc}

// Valid reports whether s is a known sort ("org" included).
func (s Sort) Valid() bool {
	if s == sortOrgName {
		return true
	}
	for _, x := range Sorts {
		if s == x {
			return true
		}
	}
	return false
}

// norm is s with its aliases folded: "" for the default.
func (s Sort) norm() Sort {
	if s == sortOrgName {
		return SortOrg
	}
	return s
}

// column is the sort's key column and whether it runs backwards; "" for
// the default walk.
func (s Sort) column() (col string, desc bool) {
	switch s.norm() {
	case SortJoined, SortJoinedDesc:
		col = sortJoinedCol
	case SortName, SortNameDesc:
		col = sortNameCol
	}
	return col, strings.HasPrefix(string(s), "-")
}

// cursorOrder tags a sorted listing's cursors, so that a cursor of one sort
// is refused by another.
func (s Sort) cursorOrder() string {
	col, desc := s.column()
	o := "s:" + strings.TrimPrefix(col, "m.")
	if desc {
		o += "-desc"
	}
	return o
}

// orderBy is the sort's ORDER BY and the comparison that resumes after a
// cursor's (key, id).
func (s Sort) orderBy() (order, resume string) {
	col, desc := s.column()
	if desc {
		return col + " DESC, m.id DESC", "(" + col + ", m.id) < (?, ?)"
	}
	return col + ", m.id", "(" + col + ", m.id) > (?, ?)"
}

// sortKey is a row's value of the sort's column, for its cursor.
func (s Sort) sortKey(r *row) string {
	if col, _ := s.column(); col == sortJoinedCol {
		return r.JoinedOn
	}
	return r.Name
}

// How a sorted page is found. When the filter matches few members (up to
// sortWalkMin) the filter's own walk collects them and the engine sorts
// them: a few thousand rows at most. When it matches more, sorting them for
// each page would cost seconds at a city's size, so the page walks the sort
// column's index (which carries the path, status and tags: see migration
// 0020) from the cursor, checking each entry, until the page is full: about
// a page of entries at the root, and at most about a page times the
// registry's size over sortWalkMin anywhere (some tens of thousands of
// index entries at five million members). The subtree test is then written
// so that no engine takes it for an index range (a range over the path
// index would win the planner's choice and sort the whole subtree).
const sortWalkMin = 4000

// sortWalks reports whether a sorted plan walks the sort column's index:
// a browsing or tag listing (a search's own index is narrow), without an
// employer (which the index does not carry), matching more than
// sortWalkMin members (counted as Count does, stopping there).
func (s *Store) sortWalks(ctx context.Context, pl *plan, employer int64) (bool, error) {
	if pl.sort == SortOrg || (pl.order != "path" && pl.order != "tag") || employer != 0 {
		return false, nil
	}
	least := sortWalkMin
	if s.sortWalkMin != 0 {
		least = s.sortWalkMin
	}
	from, where, args, _ := pl.walk(append([]string{}, pl.where...), append([]any{}, pl.args...))
	var n int
	err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 AS x"+from+" WHERE "+strings.Join(where, " AND ")+" LIMIT ?) t",
		append(args, least+1)...).Scan(&n)
	if err != nil {
		return false, errs.Internal(err, "member: sorted listing's size")
	}
	return n > least, nil
}

// scopeSQL is the plan's subtree test on col.
func (pl *plan) scopeSQL(col string) (string, []any) {
	if pl.exact != "" {
		return col + " = ?", []any{pl.exact}
	}
	return scope.SQL(col, pl.scope)
}

// sortWalk completes a plan that walks the sort column's index: the
// members' own rows, the tag walked turned into a bit test like the
// others, the subtree test on an expression no index answers.
func (pl *plan) sortWalk(where []string, args []any) (string, []any) {
	if pl.order == "tag" {
		where = append(where, "(m.tags & CAST(? AS INTEGER)) <> 0")
		args = append(args, Tag(pl.key).Bit())
	}
	cond, a := pl.scopeSQL("(m.org_path || '')")
	return strings.Join(append(where, cond), " AND "), append(args, a...)
}
