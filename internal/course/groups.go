package course

import (
	"context"
	"database/sql"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/sheet"
	"gonghui/internal/signup"
)

// Group is an interest group around a course (太极兴趣小组): members who
// keep meeting between terms.
type Group struct {
	ID          int64     `json:"id,string"`
	CourseID    int64     `json:"course_id,string"`
	CourseTitle string    `json:"course_title"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Members     int       `json:"members"`
	Joined      bool      `json:"joined,omitempty"` // for a member: they are in it
	CreatedAt   time.Time `json:"created_at"`
	orgPath     string
}

// GroupInput is a group as staff write it.
type GroupInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// CreateGroup starts an interest group around a course.
func (s *Store) CreateGroup(ctx context.Context, pr *auth.Principal, courseID int64, in GroupInput) (*Group, error) {
	c, err := s.GetCourse(ctx, pr, courseID)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, c.OrgPath); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	if f.Check(in.Name != "", "name", "field.required") {
		f.Check(utf8.RuneCountInString(in.Name) <= MaxTitle, "name", "field.too_long", MaxTitle)
	}
	f.Check(utf8.RuneCountInString(in.Description) <= MaxDescription, "description", "field.too_long", MaxDescription)
	if err := f.Err(); err != nil {
		return nil, err
	}
	g := &Group{ID: db.NewID(), CourseID: courseID, CourseTitle: c.Title, Name: in.Name, Description: in.Description,
		CreatedAt: s.now().UTC().Truncate(time.Millisecond), orgPath: c.OrgPath}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO interest_groups (id, course_id, org_path, name, description, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			g.ID, courseID, c.OrgPath, g.Name, g.Description, scope.Millis(g.CreatedAt)); err != nil {
			return errs.Internal(err, "course: create group")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "course.group_create", Entity: "interest_group", EntityID: db.FormatID(g.ID),
			OrgPath: c.OrgPath, After: map[string]any{"name": g.Name}})
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

const groupCols = "g.id, g.course_id, c.title, g.name, g.description, g.members, g.created_at, g.org_path"

func scanGroup(r interface{ Scan(...any) error }) (Group, error) {
	var g Group
	var created int64
	err := r.Scan(&g.ID, &g.CourseID, &g.CourseTitle, &g.Name, &g.Description, &g.Members, &created, &g.orgPath)
	g.CreatedAt = scope.FromMillis(created)
	return g, err
}

// Groups lists a course's interest groups.
func (s *Store) Groups(ctx context.Context, pr *auth.Principal, courseID int64) ([]Group, error) {
	if _, err := s.GetCourse(ctx, pr, courseID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT "+groupCols+" FROM interest_groups g JOIN courses c ON c.id = g.course_id WHERE g.course_id = ? ORDER BY g.id", courseID)
	return signup.All(rows, err, "course: groups", scanGroup)
}

// MemberGroups lists the interest groups open to a member (of courses run
// by their union or an organisation above it), those they joined first.
func (s *Store) MemberGroups(ctx context.Context, memberID int64) ([]Group, error) {
	_, anc, err := signup.Reach(ctx, s.Members, memberID)
	if err != nil {
		return nil, err
	}
	if len(anc) == 0 {
		return []Group{}, nil
	}
	args := append([]any{memberID}, anc...)
	rows, err := s.DB.Query(ctx, "SELECT "+groupCols+`, EXISTS (SELECT 1 FROM interest_group_members x WHERE x.group_id = g.id AND x.member_id = ?)
		FROM interest_groups g JOIN courses c ON c.id = g.course_id WHERE g.org_path IN (`+db.Placeholders(len(anc))+`)
		ORDER BY g.id LIMIT 200`, args...)
	if err != nil {
		return nil, errs.Internal(err, "course: member groups")
	}
	defer rows.Close()
	var joined, other []Group
	for rows.Next() {
		var g Group
		var created int64
		if err := rows.Scan(&g.ID, &g.CourseID, &g.CourseTitle, &g.Name, &g.Description, &g.Members, &created, &g.orgPath, &g.Joined); err != nil {
			return nil, errs.Internal(err, "course: member groups")
		}
		g.CreatedAt = scope.FromMillis(created)
		if g.Joined {
			joined = append(joined, g)
		} else {
			other = append(other, g)
		}
	}
	return append(append([]Group{}, joined...), other...), rows.Err()
}

// JoinGroup adds a member to a group (the member themselves, or staff);
// leave removes them. Idempotent.
func (s *Store) JoinGroup(ctx context.Context, pr *auth.Principal, groupID, memberID int64, leave bool) (*Group, error) {
	self, err := signup.Acting(pr, memberID, "course: join group", "member")
	if err != nil {
		return nil, err
	}
	g, err := s.loadGroup(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if !self {
		if err := rule.Writable(pr, g.orgPath); err != nil {
			return nil, err
		}
	}
	m, err := signup.Member(ctx, s.Members, memberID, self)
	if err != nil {
		return nil, err
	}
	if !leave && (m.Status != member.StatusActive || !auth.Inside(m.OrgPath, g.orgPath)) {
		if self {
			return nil, errs.NotFound("group")
		}
		return nil, errs.Invalid("not_in_audience", "course.not_in_audience")
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var res sql.Result
		var err error
		if leave {
			res, err = tx.Exec(ctx, "DELETE FROM interest_group_members WHERE group_id = ? AND member_id = ?", groupID, memberID)
		} else {
			res, err = tx.Exec(ctx, "INSERT INTO interest_group_members (group_id, member_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				groupID, memberID, scope.Millis(s.now()))
		}
		if err != nil {
			return errs.Internal(err, "course: join group")
		}
		if n, _ := res.RowsAffected(); n > 0 {
			d := 1
			if leave {
				d = -1
			}
			if _, err := tx.Exec(ctx, "UPDATE interest_groups SET members = members + ? WHERE id = ?", d, groupID); err != nil {
				return errs.Internal(err, "course: join group")
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.DB.QueryRow(ctx, "SELECT members FROM interest_groups WHERE id = ?", groupID).Scan(&g.Members); err != nil {
		return nil, errs.Internal(err, "course: join group")
	}
	g.Joined = !leave
	return g, nil
}

func (s *Store) loadGroup(ctx context.Context, id int64) (*Group, error) {
	row := s.DB.QueryRow(ctx, "SELECT "+groupCols+" FROM interest_groups g JOIN courses c ON c.id = g.course_id WHERE g.id = ?", id)
	return signup.One(row, "group", "course: group", scanGroup)
}

// GetGroup returns an interest group the caller may see.
func (s *Store) GetGroup(ctx context.Context, pr *auth.Principal, id int64) (*Group, error) {
	g, err := s.loadGroup(ctx, id)
	return signup.Seen(rule, pr, g, err, func(g *Group) string { return g.orgPath })
}

// GroupMember is one member of an interest group.
type GroupMember struct {
	MemberID int64     `json:"member_id,string"`
	Name     string    `json:"name"`
	OrgName  string    `json:"org_name"`
	JoinedAt time.Time `json:"joined_at"`
}

// GroupMembers lists a group's members, for staff.
func (s *Store) GroupMembers(ctx context.Context, pr *auth.Principal, groupID int64) ([]GroupMember, error) {
	if _, err := s.GetGroup(ctx, pr, groupID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT x.member_id, m.name, o.name, x.joined_at FROM interest_group_members x
		JOIN members m ON m.id = x.member_id JOIN orgs o ON o.id = m.org_id WHERE x.group_id = ? ORDER BY x.joined_at LIMIT 1000`, groupID)
	return signup.All(rows, err, "course: group members", func(r signup.Scanner) (GroupMember, error) {
		var gm GroupMember
		var at int64
		err := r.Scan(&gm.MemberID, &gm.Name, &gm.OrgName, &at)
		gm.JoinedAt = scope.FromMillis(at)
		return gm, err
	})
}

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

// ExportAttendance writes a term's register as .xlsx: one row per member
// with a place (or who had one), one column per session.
func (s *Store) ExportAttendance(ctx context.Context, pr *auth.Principal, termID int64, tr Translate, out io.Writer) error {
	t, err := s.GetTerm(ctx, pr, termID)
	if err != nil {
		return err
	}
	sessions, err := s.sessions(ctx, termID)
	if err != nil {
		return err
	}
	headers := []string{tr("course.col.name"), tr("course.col.org"), tr("course.col.status"), tr("course.col.ticket"), tr("course.col.attended")}
	for _, x := range sessions {
		headers = append(headers, x.StartsAt.In(beijing.Zone).Format("01-02 15:04"))
	}
	w, err := sheet.NewWriter(tr("course.export_sheet"), headers)
	if err != nil {
		return err
	}
	defer w.Close()
	att, err := book.MarkTimes(ctx, s.DB, termID)
	if err != nil {
		return err
	}
	after, n := "", 0
	for {
		list, next, err := s.Enrolments(ctx, pr, t.ID, EnrolQuery{After: after, Limit: 200})
		if err != nil {
			return err
		}
		for _, e := range list {
			if e.Status != EnrolEnrolled && e.Attended == 0 {
				continue
			}
			vals := []any{e.MemberName, e.OrgName, tr("course.enrol." + string(e.Status)), e.Ticket, e.Attended}
			for _, x := range sessions {
				mark := ""
				if _, ok := att[e.MemberID][x.ID]; ok {
					mark = "✓"
				}
				vals = append(vals, mark)
			}
			if err := w.Row(vals...); err != nil {
				return err
			}
			n++
		}
		if after = next; next == "" {
			break
		}
	}
	// Names leave the system here: the register is audited with its row
	// count before a byte of it is sent.
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "course.export", Entity: "course_term", EntityID: db.FormatID(termID), OrgPath: t.OrgPath,
			After: map[string]any{"rows": n}})
	}); err != nil {
		return err
	}
	_, err = w.WriteTo(out)
	return err
}
