package member

import "strings"

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
