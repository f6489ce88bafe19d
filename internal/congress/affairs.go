package congress

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Statuses of an open-affairs item.
const (
	AffairPublished = "published"
	AffairWithdrawn = "withdrawn"
)

// Affair is an open-affairs item (厂务公开) published to an employer's
// members.
type Affair struct {
	ID           int64          `json:"id,string"`
	OrgID        int64          `json:"org_id,string"`
	OrgName      string         `json:"org_name"`
	EmployerID   int64          `json:"employer_id,string"`
	EmployerName string         `json:"employer_name"`
	Category     AffairCategory `json:"category"`
	Title        string         `json:"title"`
	Body         string         `json:"body"`
	Status       string         `json:"status"`
	PublishedAt  time.Time      `json:"published_at"`
	Reads        int            `json:"reads"` // members who opened it
	Read         bool           `json:"read"`  // a member's own reads: whether they had opened it

	path string
}

// OrgPath is the publishing union's path.
func (a *Affair) OrgPath() string { return a.path }

// AffairInput publishes an item.
type AffairInput struct {
	EmployerID int64          `json:"employer_id,string"`
	Category   AffairCategory `json:"category"`
	Title      string         `json:"title"`
	Body       string         `json:"body"`
}

// Publish publishes an item to the members of an employer's union, where
// the caller holds congress.write.
func (s *Store) Publish(ctx context.Context, pr *auth.Principal, in AffairInput) (*Affair, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("congress: publish")
	}
	f := errs.Fields{}
	f.Check(in.EmployerID != 0, "employer_id", "field.required")
	if in.Category == "" {
		f.Add("category", "field.required")
	} else {
		f.Check(validIn(AffairCategories, in.Category), "category", "field.invalid_choice")
	}
	checkText(f, "title", &in.Title, 1, MaxTitle, true)
	checkText(f, "body", &in.Body, 1, MaxAffair, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	e, path, ok, err := employerUnion(ctx, s.DB, in.EmployerID)
	if err != nil {
		return nil, err
	}
	if !ok || !rule.CanWrite(pr, path) {
		f.Add("employer_id", "congress.employer_outside")
		return nil, f.Err()
	}
	now := s.stamp()
	a := &Affair{ID: db.NewID(), OrgID: e.UnionID, OrgName: e.UnionName, EmployerID: e.ID, EmployerName: e.Name, Category: in.Category,
		Title: in.Title, Body: in.Body, Status: AffairPublished, PublishedAt: now, path: path}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO congress_affairs (id, org_id, employer_id, category, title, body, status, published_at, created_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.OrgID, a.EmployerID, a.Category, a.Title, a.Body, a.Status, scope.Millis(now), pr.UserID,
			scope.Millis(now)); err != nil {
			return errs.Internal(err, "congress: publish")
		}
		if err := logFigure(ctx, tx, path, StatAffairs, monthOf(now), 1); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "congress.affair_publish", Entity: "congress_affair", EntityID: db.FormatID(a.ID), OrgPath: path,
			After: map[string]any{"employer": e.Name, "category": a.Category, "title": a.Title}})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

const affairCols = `a.id, a.org_id, o.name, o.path, a.employer_id, e.name, a.category, a.title, a.body, a.status, a.published_at,
	(SELECT COUNT(*) FROM congress_affair_reads r WHERE r.affair_id = a.id)`

const affairFrom = ` FROM congress_affairs a JOIN orgs o ON o.id = a.org_id JOIN employers e ON e.id = a.employer_id`

func scanAffair(sc signup.Scanner) (Affair, error) {
	var a Affair
	var at int64
	err := sc.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.path, &a.EmployerID, &a.EmployerName, &a.Category, &a.Title, &a.Body, &a.Status, &at, &a.Reads)
	a.PublishedAt = scope.FromMillis(at)
	return a, err
}

// Affair reads an item as staff see it.
func (s *Store) Affair(ctx context.Context, pr *auth.Principal, id int64) (*Affair, error) {
	if pr != nil && pr.Kind == auth.KindMember {
		return nil, errs.NotFound("congress")
	}
	a, err := signup.One(s.DB.QueryRow(ctx, "SELECT "+affairCols+affairFrom+" WHERE a.id = ?", id), "congress", "congress: affair", scanAffair)
	return signup.Seen(rule, pr, a, err, (*Affair).OrgPath)
}

// Withdraw takes a published item back: members no longer see it, and it
// leaves the figures.
func (s *Store) Withdraw(ctx context.Context, pr *auth.Principal, id int64) (*Affair, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("congress: withdraw")
	}
	if pr.Kind == auth.KindMember {
		return nil, errs.NotFound("congress")
	}
	var out *Affair
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		a, err := signup.One(tx.QueryRow(ctx, "SELECT "+affairCols+affairFrom+" WHERE a.id = ?"+tx.ForUpdateOf("a"), id), "congress", "congress: affair", scanAffair)
		if err != nil {
			return err
		}
		if err := rule.Writable(pr, a.path); err != nil {
			return err
		}
		if a.Status != AffairPublished {
			return errStatus()
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, "UPDATE congress_affairs SET status = ?, updated_at = ? WHERE id = ?", AffairWithdrawn, scope.Millis(now), id); err != nil {
			return errs.Internal(err, "congress: withdraw")
		}
		if err := logFigure(ctx, tx, a.path, StatAffairs, monthOf(a.PublishedAt), -1); err != nil {
			return err
		}
		a.Status = AffairWithdrawn
		out = a
		return audit.Record(ctx, tx, audit.Event{Action: "congress.affair_withdraw", Entity: "congress_affair", EntityID: db.FormatID(id), OrgPath: a.path,
			Before: map[string]any{"status": AffairPublished}, After: map[string]any{"status": AffairWithdrawn}})
	})
	return out, err
}

// AffairQuery filters the staff's list of items.
type AffairQuery struct {
	Q        string
	Category AffairCategory
	Org      int64
	After    string
	Offset   int
	Limit    int
}

// AffairSorts is the order of the items list: newest first.
var AffairSorts = &listing.Sorts[Affair]{List: "congress_affair", ID: "a.id", IDOf: func(a *Affair) int64 { return a.ID },
	Default: "-published", Keys: []listing.Key[Affair]{
		{Name: "published", Expr: "a.published_at", Desc: true, Of: func(a *Affair) any { return scope.Millis(a.PublishedAt) }},
	}}

func (s *Store) affairFilter(ctx context.Context, pr *auth.Principal, q AffairQuery) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		f := errs.Fields{}
		f.Check(q.Category == "" || validIn(AffairCategories, q.Category), "category", "field.invalid_choice")
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		if len(paths) == 0 || pr.Kind == auth.KindMember {
			return nil, nil, nil
		}
		if q.Org != 0 {
			path, err := signup.SeenOrg(ctx, s.DB, rule, pr, q.Org, "org")
			if err != nil {
				return nil, nil, err
			}
			paths = []string{path}
		}
		in, args := scope.SQL("o.path", paths)
		where := []string{in}
		if q.Q != "" {
			where = append(where, "("+s.DB.ContainsFold("a.title")+" OR "+s.DB.ContainsFold("e.name")+")")
			arg := s.DB.ContainsFoldArg(q.Q)
			args = append(args, arg, arg)
		}
		if q.Category != "" {
			where, args = append(where, "a.category = ?"), append(args, q.Category)
		}
		return where, args, nil
	}
}

// Affairs returns a page of the items of the caller's subtrees, newest
// first (withdrawn ones included, marked).
func (s *Store) Affairs(ctx context.Context, pr *auth.Principal, q AffairQuery) ([]Affair, string, error) {
	return AffairSorts.Read("", listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.affairFilter(ctx, pr, q),
		func(clause string, args []any) ([]Affair, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+affairCols+affairFrom+clause, args...)
			return signup.All(rows, err, "congress: affairs", scanAffair)
		})
}

// CountAffairs is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountAffairs(ctx context.Context, pr *auth.Principal, q AffairQuery) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, affairFrom, s.affairFilter(ctx, pr, q))
}

// memberReach reads what decides which items and sessions a member sees:
// their union's path and their employer on record (0: none).
func (s *Store) memberReach(ctx context.Context, pr *auth.Principal) (path string, employerID int64, err error) {
	if pr == nil || pr.Kind != auth.KindMember || pr.MemberID == 0 {
		return "", 0, errs.Forbidden()
	}
	var st string
	var emp sql.NullInt64
	err = s.DB.QueryRow(ctx, "SELECT org_path, status, employer_id FROM members WHERE id = ?", pr.MemberID).Scan(&path, &st, &emp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, errs.NotFound("member")
	}
	if err != nil {
		return "", 0, errs.Internal(err, "congress: member")
	}
	if st != "active" {
		return "", 0, errs.Conflict("not_active", "congress.not_active")
	}
	return path, emp.Int64, nil
}

// memberAffairsWhere is "the member may read item a": published by a union
// at or above the member's own (the employer's union holds its sub-unions'
// members), for the member's employer, or any employer of that union when
// the member has none on record.
func memberAffairsWhere(path string, employerID int64) (string, []any) {
	anc := auth.Ancestors(path)
	args := make([]any, 0, len(anc)+2)
	for _, p := range anc {
		args = append(args, p)
	}
	where := "a.status = ? AND o.path IN (" + db.Placeholders(len(anc)) + ")"
	args = append([]any{AffairPublished}, args...)
	if employerID != 0 {
		where += " AND a.employer_id = ?"
		args = append(args, employerID)
	}
	return where, args
}

// MyAffairs lists the items published to the calling member, newest first
// (the latest MaxPage), each marked read or not.
func (s *Store) MyAffairs(ctx context.Context, pr *auth.Principal) ([]Affair, error) {
	path, emp, err := s.memberReach(ctx, pr)
	if err != nil {
		return nil, err
	}
	where, args := memberAffairsWhere(path, emp)
	rows, err := s.DB.Query(ctx, "SELECT "+affairCols+`, (SELECT COUNT(*) FROM congress_affair_reads r WHERE r.affair_id = a.id AND r.member_id = ?)`+affairFrom+
		" WHERE "+where+" ORDER BY a.published_at DESC, a.id DESC LIMIT ?", append(append([]any{pr.MemberID}, args...), scope.MaxPage)...)
	return signup.All(rows, err, "congress: my affairs", func(sc signup.Scanner) (Affair, error) {
		var a Affair
		var at int64
		var mine int
		err := sc.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.path, &a.EmployerID, &a.EmployerName, &a.Category, &a.Title, &a.Body, &a.Status, &at, &a.Reads, &mine)
		a.PublishedAt, a.Read = scope.FromMillis(at), mine > 0
		return a, err
	})
}

// ReadAffair opens an item published to the calling member and counts
// them among its readers (once per member).
func (s *Store) ReadAffair(ctx context.Context, pr *auth.Principal, id int64) (*Affair, error) {
	path, emp, err := s.memberReach(ctx, pr)
	if err != nil {
		return nil, err
	}
	where, args := memberAffairsWhere(path, emp)
	a, err := signup.One(s.DB.QueryRow(ctx, "SELECT "+affairCols+affairFrom+" WHERE a.id = ? AND "+where, append([]any{id}, args...)...),
		"congress", "congress: affair", scanAffair)
	if err != nil {
		return nil, err
	}
	res, err := s.DB.Exec(ctx, "INSERT INTO congress_affair_reads (affair_id, member_id, read_at) VALUES (?, ?, ?) ON CONFLICT (affair_id, member_id) DO NOTHING",
		id, pr.MemberID, scope.Millis(s.stamp()))
	if err != nil {
		return nil, errs.Internal(err, "congress: read affair")
	}
	if n, _ := res.RowsAffected(); n > 0 {
		a.Reads++
	}
	a.Read = true
	return a, nil
}
