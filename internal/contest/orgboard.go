package contest

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
	"gonghui/internal/stats"
)

// OrgRow is one organisation's subtree on a contest's board by
// organisation: its takers beside its members.
type OrgRow struct {
	OrgID   int64  `json:"org_id,string"`
	Name    string `json:"name"`
	HasKids bool   `json:"has_children"`
	// Members is the subtree's active members (with the audience's tag
	// when the contest is for one tag): the participation rate's base.
	Members int64 `json:"members"`
	Takers  int64 `json:"takers"`
	Passed  int64 `json:"passed"`
	// Participation is Takers / Members; Average the takers' mean
	// counting score; PassRate Passed / Takers (0 when nobody took it).
	Participation float64 `json:"participation"`
	Average       float64 `json:"average"`
	PassRate      float64 `json:"pass_rate"`
}

// OrgBoard is the board by organisation under one organisation: its own
// row (the whole subtree) and a page of its children's.
type OrgBoard struct {
	Parent OrgRow `json:"parent"`
	// Up is the parent's parent when the caller may see its board (0: none).
	Up       int64    `json:"up,string,omitempty"`
	Children []OrgRow `json:"children"`
	Total    int      `json:"total"` // children in all
}

// OrgSorts are the orders of a board's children.
var OrgSorts = []string{"participation", "average", "pass_rate", "takers", "order"}

// OrgBoardQuery picks the organisation whose children are compared (0:
// the audience's root, or the caller's own where they see only their
// subtree), the order (one of OrgSorts; "" participation) and a page.
type OrgBoardQuery struct {
	Org    int64
	Sort   string
	Offset int
	Limit  int
}

// maxChildren bounds how many children a board compares and sorts.
const maxChildren = 5000

// OrgBoard compares organisations' takers of a contest from the folded
// figures (stats, under EntryKey): a city's board is a key lookup per
// child, however many have taken part; it is as fresh as the last fold.
func (s *Store) OrgBoard(ctx context.Context, pr *auth.Principal, contestID int64, q OrgBoardQuery) (*OrgBoard, error) {
	c, whole, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, err
	}
	if q.Sort == "" {
		q.Sort = OrgSorts[0]
	}
	if !slices.Contains(OrgSorts, q.Sort) {
		return nil, signup.FieldErr("sort", "field.invalid_choice")
	}
	path, err := s.inSight(ctx, pr, c, whole, q.Org)
	if err != nil {
		return nil, err
	}
	if path == "" {
		// The default: the audience's root, or the caller's first subtree in it.
		path = c.AudiencePath
		if !whole {
			paths, _ := rule.Paths(pr)
			for _, p := range paths {
				if auth.Inside(p, c.AudiencePath) {
					path = p
					break
				}
			}
		}
	}
	parentID := pathID(path)
	var name string
	if err := s.DB.QueryRow(ctx, "SELECT name FROM orgs WHERE id = ?", parentID).Scan(&name); err != nil {
		return nil, errs.Internal(err, "contest: board organisation")
	}
	rows, err := s.DB.Query(ctx, `SELECT o.id, o.name, EXISTS (SELECT 1 FROM orgs k WHERE k.parent_id = o.id)
		FROM orgs o WHERE o.parent_id = ? ORDER BY o.sort_key, o.id LIMIT ?`, parentID, maxChildren)
	if err != nil {
		return nil, errs.Internal(err, "contest: board children")
	}
	kids := []OrgRow{}
	for rows.Next() {
		var r OrgRow
		if err := rows.Scan(&r.OrgID, &r.Name, &r.HasKids); err != nil {
			rows.Close()
			return nil, errs.Internal(err, "contest: board children")
		}
		kids = append(kids, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "contest: board children")
	}
	out := &OrgBoard{Parent: OrgRow{OrgID: parentID, Name: name, HasKids: len(kids) > 0}, Total: len(kids)}
	ids, rowsOf := []int64{parentID}, []*OrgRow{&out.Parent}
	for i := range kids {
		ids, rowsOf = append(ids, kids[i].OrgID), append(rowsOf, &kids[i])
	}
	if err := s.fillRows(ctx, c, ids, rowsOf); err != nil {
		return nil, err
	}
	if up := parentOf(path); up != "" && s.visible(pr, c, whole, up) {
		out.Up = pathID(up)
	}
	sortRows(kids, q.Sort)
	limit := scope.PageLimit(q.Limit)
	from := min(max(q.Offset, 0), len(kids))
	out.Children = kids[from:min(from+limit, len(kids))]
	return out, nil
}

// fillRows reads the figures of ids into rows (in the same order).
func (s *Store) fillRows(ctx context.Context, c *Contest, ids []int64, rows []*OrgRow) error {
	st := stats.NewStore(s.DB)
	entries, err := st.ReadKey(ctx, ids, EntryKey(c.ID), []string{StatEntryTakers, StatEntryPassed, StatEntryScore})
	if err != nil {
		return errs.Internal(err, "contest: board figures")
	}
	base := member.StatStatus(member.StatusActive)
	if len(c.AudienceTags) == 1 {
		base = member.StatTag(member.Tag(c.AudienceTags[0]))
	}
	members, err := st.ReadTotals(ctx, ids, []string{base}, nil, "", "")
	if err != nil {
		return errs.Internal(err, "contest: board members")
	}
	for i, r := range rows {
		e := entries[ids[i]]
		r.Members = members[ids[i]].Levels[base]
		r.Takers, r.Passed = e[StatEntryTakers], e[StatEntryPassed]
		if r.Members > 0 {
			r.Participation = float64(r.Takers) / float64(r.Members)
		}
		if r.Takers > 0 {
			r.Average = float64(e[StatEntryScore]) / float64(r.Takers)
			r.PassRate = float64(r.Passed) / float64(r.Takers)
		}
	}
	return nil
}

// sortRows puts the best first by key (the official order breaks ties,
// being the order the rows came in).
func sortRows(rows []OrgRow, key string) {
	if key == "order" {
		return
	}
	slices.SortStableFunc(rows, func(a, b OrgRow) int {
		switch key {
		case "average":
			return cmp.Compare(b.Average, a.Average)
		case "pass_rate":
			return cmp.Compare(b.PassRate, a.PassRate)
		case "takers":
			return cmp.Compare(b.Takers, a.Takers)
		}
		return cmp.Compare(b.Participation, a.Participation)
	})
}

// inSight resolves the organisation a board is narrowed to (0: none, "")
// and refuses one outside what the caller may see of c.
func (s *Store) inSight(ctx context.Context, pr *auth.Principal, c *Contest, whole bool, orgID int64) (string, error) {
	if orgID == 0 {
		return "", nil
	}
	path, ok, err := signup.OrgPath(ctx, s.DB, orgID)
	if err != nil {
		return "", err
	}
	if !ok || !s.visible(pr, c, whole, path) {
		return "", signup.FieldErr("org", "field.invalid_id")
	}
	return path, nil
}

// visible reports whether the caller may see the takers at path on c's
// boards: within the audience for the publisher's side, within their own
// subtrees otherwise.
func (s *Store) visible(pr *auth.Principal, c *Contest, whole bool, path string) bool {
	if whole && auth.Inside(path, c.AudiencePath) {
		return true
	}
	paths, _ := rule.Paths(pr)
	for _, p := range paths {
		if auth.Inside(path, p) && auth.Inside(path, c.AudiencePath) {
			return true
		}
	}
	return false
}

// pathID is the organisation a materialised path ends with.
func pathID(path string) int64 {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	id, _ := db.ParseID(segs[len(segs)-1])
	return id
}

// parentOf is the path of the organisation above path's ("" at a root).
func parentOf(path string) string {
	t := strings.TrimSuffix(path, "/")
	i := strings.LastIndex(t, "/")
	if i <= 0 {
		return ""
	}
	return t[:i+1]
}
