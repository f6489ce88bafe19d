package survey

import (
	"context"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// OrgRow is one organisation's subtree in a survey's breakdown: its
// responses beside its members. In an anonymous survey a row of fewer
// than MinGroup responses (but some) is withheld: Withheld true, its
// responses and rate zero.
type OrgRow struct {
	OrgID     int64   `json:"org_id,string"`
	Name      string  `json:"name"`
	HasKids   bool    `json:"has_children"`
	Members   int64   `json:"members"` // active members (with the audience's tag when the survey is for exactly one)
	Responses int64   `json:"responses"`
	Rate      float64 `json:"rate"` // responses / members, 0 to 1
	Withheld  bool    `json:"withheld"`
}

// Breakdown is an organisation's subtree and its children side by side.
type Breakdown struct {
	Parent   OrgRow   `json:"parent"`
	Up       int64    `json:"up,string,omitempty"` // the parent's parent within the audience (0: none)
	Children []OrgRow `json:"children"`
	Total    int      `json:"total"` // children in all
}

// maxChildren bounds how many children a breakdown lists.
const maxChildren = 5000

// Breakdown compares the responses of org's children (0: the audience's
// root), a page of them in the tree's order.
func (s *Store) Breakdown(ctx context.Context, pr *auth.Principal, id, org int64, offset, limit int) (*Breakdown, error) {
	v, g, err := s.View(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	nw, err := s.narrow(ctx, v, g, org)
	if err != nil {
		return nil, err
	}
	path, name := v.AudiencePath, v.AudienceOrgName
	org = v.AudienceOrgID
	if len(nw.paths) > 0 {
		// Narrowed, or in sight only below the audience's root: the first
		// subtree in sight (another is reached by its organisation).
		path, org, name = nw.paths[0], pathID(nw.paths[0]), nw.orgName
		if nw.orgID == 0 {
			if err := s.DB.QueryRow(ctx, "SELECT name FROM orgs WHERE id = ?", org).Scan(&name); err != nil {
				return nil, errs.Internal(err, "survey: org name")
			}
		}
	}
	rows, err := s.DB.Query(ctx, `SELECT o.id, o.name, EXISTS (SELECT 1 FROM orgs k WHERE k.parent_id = o.id)
		FROM orgs o WHERE o.parent_id = ? ORDER BY o.sort_key, o.id LIMIT ?`, org, maxChildren)
	if err != nil {
		return nil, errs.Internal(err, "survey: children")
	}
	kids := []OrgRow{}
	for rows.Next() {
		var r OrgRow
		if err := rows.Scan(&r.OrgID, &r.Name, &r.HasKids); err != nil {
			rows.Close()
			return nil, errs.Internal(err, "survey: children")
		}
		kids = append(kids, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "survey: children")
	}
	out := &Breakdown{Parent: OrgRow{OrgID: org, Name: name, HasKids: len(kids) > 0}, Total: len(kids)}
	limit = scope.PageLimit(limit)
	from := min(max(offset, 0), len(kids))
	out.Children = kids[from:min(from+limit, len(kids))]
	rowsOf := []*OrgRow{&out.Parent}
	paths := []string{path}
	for i := range out.Children {
		rowsOf = append(rowsOf, &out.Children[i])
		paths = append(paths, path+db.FormatID(out.Children[i].OrgID)+"/")
	}
	if err := s.fill(ctx, v, paths, rowsOf); err != nil {
		return nil, err
	}
	if path != v.AudiencePath {
		up := strings.TrimSuffix(path, "/")
		if up = up[:strings.LastIndex(up, "/")+1]; g.covers(v, up) {
			out.Up = pathID(up)
		}
	}
	return out, nil
}

// fill reads the members and responses of each row's subtree.
func (s *Store) fill(ctx context.Context, v *Survey, paths []string, rows []*OrgRow) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.OrgID
	}
	base := member.StatStatus(member.StatusActive)
	if len(v.AudienceTags) == 1 {
		base = member.StatTag(member.Tag(v.AudienceTags[0]))
	}
	members, err := stats.NewStore(s.DB).ReadTotals(ctx, ids, []string{base}, nil, "", "")
	if err != nil {
		return errs.Internal(err, "survey: members")
	}
	for i, r := range rows {
		r.Members = members[r.OrgID].Levels[base]
		in, args := scope.SQL("member_org_path", []string{paths[i]})
		if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM survey_takers WHERE survey_id = ? AND "+in, append([]any{v.ID}, args...)...).Scan(&r.Responses); err != nil {
			return errs.Internal(err, "survey: responses by organisation")
		}
		if withheld(v, int(r.Responses)) {
			r.Responses, r.Withheld = 0, true
			continue
		}
		if r.Members > 0 {
			r.Rate = float64(r.Responses) / float64(r.Members)
		}
	}
	return nil
}
